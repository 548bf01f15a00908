import { diagnostic, formatPosition } from '../model/diagnostic.js';
import type { RoleType } from '../model/server.js';
import type { Site } from '../model/site.js';
import type { Rule } from './context.js';
import { at, roleLabel } from './where.js';

/** MAX_CHILDREN are ConfigMgr's hierarchy limits: 25 primaries under a CAS, 250 secondaries under a primary. */
const MAX_CHILDREN = { CentralAdministrationSite: 25, PrimarySite: 250 } as const;

function siteWhere(site: Site, pointer: string) {
  return { object: { kind: 'Site' as const, name: site.code }, source: site.at(pointer), path: pointer };
}

/** siteHierarchy checks each site's parent: a secondary under a primary, a primary under the CAS (when one is declared), the CAS alone at the top. */
export const siteHierarchy: Rule = (ctx) => {
  const sites = [...ctx.sites];
  const cas = sites.filter((s) => s.type === 'CentralAdministrationSite');
  for (const extra of cas.slice(1)) {
    const message = `a hierarchy has at most one central administration site, and ${cas[0].code} (${formatPosition(cas[0].origin)}) is one already; one repository describes one hierarchy.`;
    ctx.report(diagnostic('InvalidHierarchy', message, siteWhere(extra, '/spec/type')));
  }
  const children = new Map<string, number>();
  for (const site of sites) {
    const parent = site.parent !== null ? ctx.desired.sites.get(site.parent) : undefined;
    const problem = parentProblem(site, parent, cas[0]);
    if (problem) {
      ctx.report(diagnostic('InvalidHierarchy', problem, siteWhere(site, site.parent !== null ? '/spec/parent' : '/spec')));
      continue;
    }
    if (!parent || parent.type === 'SecondarySite') continue;
    const count = (children.get(parent.code) ?? 0) + 1;
    children.set(parent.code, count);
    const limit = MAX_CHILDREN[parent.type];
    if (count === limit + 1) {
      const what = parent.type === 'CentralAdministrationSite' ? 'primary' : 'secondary';
      const message = `${parent.code} already has ${limit} child ${what} sites, the most ConfigMgr supports; ${site.code} needs another parent.`;
      ctx.report(diagnostic('InvalidHierarchy', message, siteWhere(site, '/spec/parent')));
    }
  }
};

function parentProblem(site: Site, parent: Site | undefined, cas: Site | undefined): string | undefined {
  switch (site.type) {
    case 'CentralAdministrationSite':
      return site.parent !== null
        ? `central administration site ${site.code} is the top of the hierarchy and has no parent; remove parent.`
        : undefined;
    case 'SecondarySite':
      if (site.parent === null) return `secondary site ${site.code} needs a parent: add parent naming the primary site it reports to.`;
      if (parent && parent.type !== 'PrimarySite')
        return `secondary site ${site.code} must report to a primary site, but ${parent.code} is a ${parent.type}.`;
      return undefined;
    case 'PrimarySite':
      if (parent && parent.type !== 'CentralAdministrationSite')
        return `primary site ${site.code} can only report to a central administration site, but ${parent.code} is a ${parent.type}.`;
      if (site.parent === null && cas)
        return `this repository declares central administration site ${cas.code}, so primary site ${site.code} must name it: add parent: ${cas.code}.`;
      return undefined;
  }
}

/** isTopLevel tells where hierarchy-wide roles live: the CAS when there is one, else a primary without a parent. */
function isTopLevel(hasCas: boolean, site: Site): boolean {
  return hasCas ? site.type === 'CentralAdministrationSite' : site.type === 'PrimarySite' && site.parent === null;
}

const TOP_LEVEL_ROLES: readonly RoleType[] = ['ServiceConnectionPoint', 'AssetIntelligenceSynchronizationPoint'];

/** roleHierarchy checks where roles may live: hierarchy-wide roles at the top-level site, cloud distribution points under a primary. */
export const roleHierarchy: Rule = (ctx) => {
  const hasCas = [...ctx.desired.sites.values()].some((s) => s.type === 'CentralAdministrationSite');
  for (const server of ctx.servers) {
    const site = ctx.siteOf(server);
    if (!site || isTopLevel(hasCas, site)) continue;
    for (const role of server.roles) {
      if (!TOP_LEVEL_ROLES.includes(role.type)) continue;
      const message = `${roleLabel(role, server)}: this role belongs at the top-level site of the hierarchy (the central administration site when there is one), not at ${site.type} ${site.code}.`;
      ctx.report(diagnostic('InvalidHierarchy', message, at(role.origin, 'type')));
    }
  }
  for (const cdp of ctx.cloudDistributionPoints) {
    const site = ctx.desired.sites.get(cdp.site);
    if (!site || site.type === 'PrimarySite') continue;
    const message = `cloud distribution point '${cdp.name}' must be managed by a primary site, but ${site.code} is a ${site.type}.`;
    ctx.report(diagnostic('InvalidHierarchy', message, at(cdp.role.origin, 'site')));
  }
};
