import { createRequire } from 'node:module';

/**
 * packageRequire loads files of the sitectl package (package.json, schemas/, dist/) and its
 * dependencies, by paths relative to the package root. Every such path goes through here: this
 * module sits directly in src/ (and dist/), as the CLI bundle (dist/sitectl.js) does, so the
 * one `..` below is right for the sources, the compiled modules and the bundle alike.
 */
export const packageRequire = createRequire(new URL('../package.json', import.meta.url));
