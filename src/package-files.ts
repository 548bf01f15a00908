import { createRequire } from 'node:module';

/**
 * packageRequire loads files of the sitectl package (package.json, schemas/, dist/) and its
 * dependencies, by paths relative to the package root. Every such path goes through here: this
 * module sits directly in src/ (and dist/), as the CLI bundle (dist/sitectl.js) does, so the
 * one `..` below is right for the sources, the compiled modules and the bundle alike.
 */
export const packageRequire = createRequire(new URL('../package.json', import.meta.url));

/**
 * RUNNING_FROM_SOURCES is true when the TypeScript sources run directly (as the tests do):
 * their code may differ from the last build, so nothing the build made (precompiled
 * validators, the build id the manifest cache checks) may answer for them.
 */
export const RUNNING_FROM_SOURCES = import.meta.url.endsWith('.ts');

/** packageFile is the absolute path of a file of the sitectl package (scripts/, schemas/), by its path from the package root. */
export function packageFile(relative: string): string {
  return packageRequire.resolve(`./${relative}`);
}
