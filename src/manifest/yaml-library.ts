import { packageRequire } from '../package-files.js';

type YamlLibrary = typeof import('yaml');

let loaded: YamlLibrary | undefined;

/**
 * yaml gives the precise YAML library (`yaml`), loaded on first use: most runs never need it
 * (the fast parser reads sound files, and positions are asked for only when a diagnostic
 * needs one), and loading it costs about 50 ms of every start-up.
 */
export function yaml(): YamlLibrary {
  return (loaded ??= packageRequire('yaml') as YamlLibrary);
}
