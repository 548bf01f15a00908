import type { SiteFile, SimHierarchy } from '../support/site-simulator.js';

/** siteFile lays a hierarchy out as the simulated site's file: ConfigMgr's own objects (DOMAIN.md, "How ConfigMgr stores it"). */
export function siteFile(hierarchy: SimHierarchy): SiteFile;
