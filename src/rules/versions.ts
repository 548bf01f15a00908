import { diagnostic, type SourcePosition } from '../model/diagnostic.js';
import { isPlausibleRelease, supportEnd } from '../model/releases.js';
import type { SiteFeatures } from '../model/site.js';
import type { Rule } from './context.js';

function versionWhere(code: string, at: (pointer: string) => SourcePosition, pointer = '/spec/version') {
  return { object: { kind: 'Site' as const, name: code }, source: at(pointer), path: pointer };
}

/** siteVersionKnown rejects a version past the known releases that is not a YY03/YY09 release (the schema admits any later number). */
export const siteVersionKnown: Rule = (ctx) => {
  for (const site of ctx.sites) {
    if (isPlausibleRelease(site.version)) continue;
    const message = `spec.version: ${site.version} is not a ConfigMgr release; releases are named YYMM and ship in March (YY03) and September (YY09).`;
    ctx.report(diagnostic('SchemaViolation', message, versionWhere(site.code, site.at)));
  }
};

/** unsupportedSiteVersion warns about a site whose release is out of support on the day of the run. */
export const unsupportedSiteVersion: Rule = (ctx) => {
  for (const site of ctx.sites) {
    const end = supportEnd(site.version);
    if (ctx.today <= end) continue;
    const message = `site ${site.code} runs ConfigMgr ${site.version}, whose support ended on ${end}; upgrade to a supported release.`;
    ctx.report(diagnostic('UnsupportedSiteVersion', message, versionWhere(site.code, site.at)));
  }
};

const FEATURE_NAMES: Readonly<Record<keyof SiteFeatures, string>> = {
  entraUserDiscovery: 'Microsoft Entra user discovery',
  entraGroupDiscovery: 'Microsoft Entra user group discovery',
  entraCollectionSync: 'collection membership sync to Microsoft Entra groups',
};

/** featureRequiresVersion warns that before 2002 the Entra features do not use the service connection point's proxy. */
export const featureRequiresVersion: Rule = (ctx) => {
  for (const site of ctx.sites) {
    if (site.version >= 2002) continue;
    for (const feature of Object.keys(FEATURE_NAMES) as (keyof SiteFeatures)[]) {
      if (!site.features[feature]) continue;
      const message =
        `site ${site.code} runs ${site.version}: ${FEATURE_NAMES[feature]} uses the service connection point's proxy only from 2002, ` +
        `so here it does not go through the proxy; upgrade the site. Problems show in SMS_AZUREAD_DISCOVERY_AGENT.log.`;
      ctx.report(diagnostic('FeatureRequiresVersion', message, versionWhere(site.code, site.at, `/spec/features/${feature}`)));
    }
  }
};
