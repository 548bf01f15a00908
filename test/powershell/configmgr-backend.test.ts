import { readFile, mkdir, mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { sitectl } from '../support/cli.js';
import { describeWithPowerShell, POWERSHELL } from '../support/powershell.js';
import { SimulatedSite, type SimHierarchy, type SimServer } from '../support/site-simulator.js';

// `--backend configmgr` against the simulated site under a real PowerShell: sitectl drives
// the site itself (SPEC.md section 3, "The ConfigMgr backend").
const SITES: SimHierarchy['sites'] = [
  { code: 'CAS', type: 'CentralAdministrationSite', version: 2509, siteServer: 'cas.contoso.com' },
  { code: 'P01', type: 'PrimarySite', version: 2509, parent: 'CAS', siteServer: 'p01.contoso.com' },
];
const CORP = { server: 'proxy.contoso.com', port: 8080, account: 'CONTOSO\\svc-proxy' };

/** servers is n site system servers of P01, each a distribution point without a proxy, the first with an update point. */
function servers(n: number): SimServer[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `dp${String(i).padStart(4, '0')}.contoso.com`,
    site: 'P01',
    proxy: null,
    roles: i === 0 ? [{ type: 'SoftwareUpdatePoint', useProxy: false, useProxyForAutomaticDeploymentRules: false }] : [{ type: 'DistributionPoint' }],
  }));
}

function manifests(on: readonly SimServer[], proxied: (name: string) => boolean): string {
  const docs = [
    ...SITES.map((s) => `apiVersion: sitectl/v1\nkind: Site\nmetadata: { name: ${s.code} }\nspec: { type: ${s.type}, version: ${s.version}, siteServer: ${s.siteServer}${s.parent ? `, parent: ${s.parent}` : ''} }\n`),
    `apiVersion: sitectl/v1\nkind: Proxy\nmetadata: { name: corp }\nspec: { server: proxy.contoso.com, port: 8080, account: ${JSON.stringify(CORP.account)} }\n`,
    ...on.map((s) => {
      const roles = s.roles?.[0]?.type === 'SoftwareUpdatePoint' ? '  roles: [{ type: SoftwareUpdatePoint, useProxy: true, useProxyForAutomaticDeploymentRules: true }]\n' : '  roles: [{ type: DistributionPoint }]\n';
      return `apiVersion: sitectl/v1\nkind: SiteSystemServer\nmetadata: { name: ${s.name} }\nspec:\n  site: P01\n${proxied(s.name) ? '  proxy: { ref: corp }\n' : ''}${roles}`;
    }),
  ];
  return docs.join('---\n');
}

let dir: string;
let site: SimulatedSite;
let onSite: SimServer[];

async function setUp(n: number, proxied: (name: string) => boolean = () => true) {
  onSite = servers(n);
  site = new SimulatedSite(dir, { siteCode: 'CAS', sites: SITES, servers: onSite, accounts: [CORP.account] });
  await mkdir(path.join(dir, 'config'), { recursive: true });
  await writeFile(path.join(dir, 'config/site.yaml'), manifests(onSite, proxied));
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-configmgr-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** run is sitectl with the ConfigMgr backend on the simulated site, keeping its bookkeeping in the test's folder. */
function run(args: readonly string[], env: Record<string, string> = {}) {
  return sitectl([...args, '--backend', 'configmgr', '--site', 'CAS', '--powershell', POWERSHELL ?? 'pwsh', '--state', path.join(dir, 'state.json')], { cwd: dir, env: { ...site.env, ...env } });
}

const proxyOf = (name: string) => {
  const p = site.systemProps(name);
  return p['UseProxy']!.Value === 1 ? { server: p['ProxyName']!.Value2, port: p['ProxyServerPort']!.Value, account: p['AnonymousProxyAccess']!.Value === 1 ? null : p['ProxyUserName']!.Value2 } : null;
};

describeWithPowerShell('--backend configmgr against a simulated site', () => {
  it('applies the manifests to the site and converges: a second apply and a diff find nothing to do', async () => {
    await setUp(5);
    const first = await run(['apply', '-f', 'config']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('applied: live state is now at revision 1');
    for (const server of onSite) expect(proxyOf(server.name)).toEqual(CORP);
    expect([site.supProps('dp0000.contoso.com')['UseProxy']!.Value, site.supProps('dp0000.contoso.com')['UseProxyForADR']!.Value]).toEqual([1, 1]);

    const again = await run(['apply', '-f', 'config']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to do: live state stays at revision 1');
    const diff = await run(['diff', '-f', 'config']);
    expect(diff.code).toBe(0);

    const book = JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8'));
    expect(book.revision).toBe(1);
    expect(book.servers).toEqual([]);
    expect(Object.keys(book.managed.servers).sort()).toEqual(onSite.map((s) => s.name));
    expect(book.managed.servers['dp0001.contoso.com'].proxy).toEqual(CORP);
  });
});
