import fc from 'fast-check';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { LiveRole, LiveServer, LiveSite, LiveState } from '../model/live.js';
import type { ProxySettings } from '../model/proxy.js';
import { SERVER_ROLE_TYPES } from '../model/server.js';
import { planManifests } from '../reconcile/pass.js';
import { NOTHING_KEPT } from './kept.js';
import { importLiveState, SERVERS_PER_FILE } from './manifest-tree.js';
import { scalar } from './render-yaml.js';
import { runs } from '../../test/support/runs.js';

// Live states as a real site could hold them without breaking a rule that is an error: one
// hierarchy, the service connection and Asset Intelligence points once each at the top, a
// software update point's proxy options on only where its server has a proxy, Connected Cache
// only where the site's version allows the server's proxy. Warnings may come up; they are the
// to-do list, not a failure of the import.
const VERSIONS = [1910, 2002, 2103, 2203, 2303, 2409, 2503, 2509, 2603];
const siteCode = fc.stringMatching(/^[A-Z0-9]{3}$/);
const hostLabel = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9-]{0,8}[a-zA-Z0-9]$/);
const fqdn = fc.tuple(hostLabel, fc.constantFrom('contoso.com', 'Contoso.COM', 'eu.fabrikam.net')).map(([a, b]) => `${a}.${b}`);
const proxyHost = fc.oneof(fqdn, fc.constantFrom('proxy', 'PROXY.contoso.com', '10.0.0.1', '192.168.10.254', 'fe80::1', '2001:db8::8080'));
const account = fc.option(
  fc.tuple(fc.constantFrom('CONTOSO', 'contoso', 'EU'), fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9._-]{0,12}$/)).map(([d, u]) => `${d}\\${u}`),
  { nil: null },
);
const proxy: fc.Arbitrary<ProxySettings> = fc.record({ server: proxyHost, port: fc.constantFrom(80, 8080, 3128, 65535, 1), account });

interface Shape {
  readonly sites: LiveSite[];
  readonly top: string;
}

const hierarchy: fc.Arbitrary<Shape> = fc
  .record({
    cas: fc.boolean(),
    codes: fc.uniqueArray(siteCode, { minLength: 10, maxLength: 10 }),
    primaries: fc.integer({ min: 1, max: 3 }),
    secondaries: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }),
    versions: fc.array(fc.constantFrom(...VERSIONS), { minLength: 10, maxLength: 10 }),
    hotfixes: fc.array(fc.constantFrom('KB33247081', 'KB12345678'), { maxLength: 2 }),
    features: fc.option(fc.record({ entraUserDiscovery: fc.boolean(), entraGroupDiscovery: fc.boolean() }), { nil: undefined }),
    servers: fc.array(fqdn, { minLength: 10, maxLength: 10 }),
  })
  .map(({ cas, codes, primaries, secondaries, versions, hotfixes, features, servers }) => {
    const sites: LiveSite[] = [];
    let next = 0;
    const site = (type: string, parent: string | null): string => {
      const at = next++;
      sites.push({
        code: codes[at],
        type,
        version: versions[at],
        parent,
        siteServer: servers[at],
        ...(at === 0 && hotfixes.length ? { hotfixes: [...new Set(hotfixes)] } : {}),
        ...(at === 0 && features ? { features } : {}),
      });
      return codes[at];
    };
    const top = cas ? site('CentralAdministrationSite', null) : undefined;
    for (let p = 0; p < (cas ? primaries : 1); p++) {
      const primary = site('PrimarySite', top ?? null);
      for (let s = 0; s < secondaries[p]; s++) site('SecondarySite', primary);
    }
    return { sites, top: top ?? sites[0].code };
  });

/** connectedCacheAllowed is DOMAIN.md's Connected Cache rule: which proxies a DP with it may have on a site's version. */
function connectedCacheAllowed(site: LiveSite, p: ProxySettings | null): boolean {
  if (p === null || site.version >= 2603) return true;
  const hotfix = (site.hotfixes ?? []).includes('KB33247081') && [2409, 2503, 2509].includes(site.version);
  return site.version >= 2002 && (p.account === null || hotfix);
}

const liveState: fc.Arbitrary<LiveState> = hierarchy.chain(({ sites, top }) =>
  fc
    .uniqueArray(
      fc.record({
        name: fqdn,
        site: fc.constantFrom(...sites.map((s) => s.code)),
        proxy: fc.option(
          fc.oneof(
            proxy,
            fc.constantFrom<ProxySettings>(
              { server: 'shared.contoso.com', port: 8080, account: 'CONTOSO\\svc-proxy' },
              { server: 'Shared.Contoso.com', port: 8080, account: 'contoso\\SVC-proxy' },
            ),
          ),
          { nil: null, freq: 3 },
        ),
        roles: fc.subarray(
          SERVER_ROLE_TYPES.filter((t) => t !== 'ServiceConnectionPoint' && t !== 'AssetIntelligenceSynchronizationPoint'),
        ),
        sup: fc.record({ useProxy: fc.boolean(), useProxyForAutomaticDeploymentRules: fc.boolean() }),
        connectedCache: fc.option(fc.boolean(), { nil: undefined }),
        unknownRole: fc.boolean(),
      }),
      { maxLength: SERVERS_PER_FILE + 30, selector: (s) => s.name.toLowerCase() },
    )
    .map((drafts) => {
      const bySite = new Map(sites.map((s) => [s.code, s]));
      const servers: LiveServer[] = drafts.map((d, i) => {
        // The hierarchy's one service connection point and Asset Intelligence point are on the first server, at the top.
        const site = i === 0 ? top : d.site;
        const roles: LiveRole[] = d.roles.map((type) => {
          if (type === 'SoftwareUpdatePoint')
            return d.proxy ? { type, ...d.sup } : { type, useProxy: false, useProxyForAutomaticDeploymentRules: false };
          if (type === 'DistributionPoint' && d.connectedCache !== undefined)
            return { type, connectedCache: d.connectedCache && connectedCacheAllowed(bySite.get(site)!, d.proxy) };
          return { type };
        });
        if (i === 0) roles.push({ type: 'ServiceConnectionPoint' }, { type: 'AssetIntelligenceSynchronizationPoint' });
        if (d.unknownRole) roles.push({ type: 'SMS Fallback Status Point' });
        return { name: d.name, site, proxy: d.proxy, roles };
      });
      return {
        apiVersion: 'sitectl/v1' as const,
        kind: 'LiveState' as const,
        revision: 4,
        sites,
        servers,
        accounts: ['CONTOSO\\svc-proxy'],
      };
    }),
);

const OPTIONS = { leaveUnset: false, schemas: 'node_modules/sitectl/schemas', kept: NOTHING_KEPT };

/** planImported plans an imported tree, parsed from its text as `diff -f DIR` would, against a live state. */
async function planImported(live: LiveState, leaveUnset = false) {
  const tree = importLiveState(live, { ...OPTIONS, leaveUnset });
  const sources = tree.files.map((f) => ({ file: f.path, bytes: Buffer.from(f.text) }));
  const snapshot = { location: 'live.json', read: () => Promise.resolve({ state: live, fingerprint: 'sha256:live' }) };
  return (await planManifests({ sources, diagnostics: [] }, snapshot, { today: '2026-12-02', prune: true, strict: false })).plan;
}

describe('import', () => {
  it('writes manifests that validate without errors and plan no change against the live state they came from', async () => {
    await fc.assert(
      fc.asyncProperty(liveState, fc.boolean(), async (live, leaveUnset) => {
        const plan = await planImported(live, leaveUnset);
        expect(plan.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(plan.changes).toEqual([]);
      }),
      { numRuns: runs(150) },
    );
  });

  it('gives the same bytes for the same site, whatever order the live state lists its sites, servers and roles in', () => {
    fc.assert(
      fc.property(liveState, fc.integer(), (live, seed) => {
        const shuffled = {
          ...live,
          sites: shuffle(live.sites, seed),
          servers: shuffle(live.servers, seed + 1).map((s, i) => ({ ...s, roles: shuffle(s.roles, seed + i) })),
        };
        expect(importLiveState(shuffled, OPTIONS)).toEqual(importLiveState(live, OPTIONS));
      }),
      { numRuns: runs(150) },
    );
  });

  it('names every shared proxy once, with a valid Proxy name, and refers to it from every server that uses it', () => {
    fc.assert(
      fc.property(liveState, (live) => {
        const tree = importLiveState(live, OPTIONS);
        const proxies = tree.files.flatMap((f) => f.documents).filter((d) => d.kind === 'Proxy');
        const names = proxies.map((d) => d.metadata.name);
        expect(new Set(names).size).toBe(names.length);
        for (const name of names) expect(name).toMatch(/^[a-z0-9-]{1,63}$/);
        const refs = tree.files
          .flatMap((f) => f.documents)
          .flatMap((d) => ((d.spec.proxy as { ref?: string } | undefined)?.ref ? [(d.spec.proxy as { ref: string }).ref] : []));
        for (const name of names) expect(refs.filter((r) => r === name).length).toBeGreaterThan(1);
      }),
      { numRuns: runs(150) },
    );
  });
});

describe('scalar', () => {
  it('writes any string so that both YAML parsers read it back exactly, as a value and as a key', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.constantFrom(
            'true',
            'No',
            '~',
            '001',
            '1e3',
            '0x1F',
            '.inf',
            '- x',
            'a: b',
            '#x',
            "CONTOSO\\o'brien",
            'x\u2028y',
            '\ufeffx',
            '',
          ),
        ),
        (text) => {
          const line = `${scalar(text)}: ${scalar(text)}\n`;
          expect(parse(line, { version: '1.2', schema: 'core' })).toEqual({ [text]: text });
          expect(jsYaml.load(line, { schema: jsYaml.CORE_SCHEMA })).toEqual({ [text]: text });
        },
      ),
      { numRuns: runs(2000) },
    );
  });
});

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
