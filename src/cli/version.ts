import { packageRequire } from '../package-files.js';

/** VERSION is sitectl's version, as package.json states it (--version, and the header of rendered scripts). */
export const VERSION = (packageRequire('./package.json') as { version: string }).version;
