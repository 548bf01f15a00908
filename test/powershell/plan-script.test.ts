import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ROOT, sitectl } from '../support/cli.js';
import { describeWithPowerShell, runScript } from '../support/powershell.js';
import { SimulatedSite, siteFile, type SimHierarchy, type SimServer } from '../support/site-simulator.js';

// The round trip of SPEC.md section 3's "On a real site": export, plan -o powershell, run the
// script against the simulated site, export again, diff. Every value crosses PowerShell for real.
const EXPORT = path.join(ROOT, 'scripts/Export-SitectlLiveState.ps1');
const CORP = { server: 'proxy.contoso.com', port: 8080, account: 'CONTOSO\\svc-proxy' };

const SITES: SimHierarchy['sites'] = [
  { code: 'CAS', type: 'CentralAdministrationSite', version: 2509, siteServer: 'cas.contoso.com' },
  { code: 'P01', type: 'PrimarySite', version: 2509, parent: 'CAS', siteServer: 'p01.contoso.com' },
];
// The site as the console left it before sitectl.
const ON_SITE: SimServer[] = [
  { name: 'cas.contoso.com', site: 'CAS', proxy: null },
  {
    name: 'sup.contoso.com',
    site: 'P01',
    proxy: { server: 'old-proxy.contoso.com', port: 3128, account: 'CONTOSO\\svc-old' },
    roles: [{ type: 'SoftwareUpdatePoint', useProxy: false, useProxyForAutomaticDeploymentRules: false }],
  },
  { name: 'dp.contoso.com', site: 'P01', proxy: { server: 'proxy.contoso.com', port: 8080 }, roles: [{ type: 'DistributionPoint' }] },
  { name: 'acct.contoso.com', site: 'P01', proxy: { server: 'proxy.contoso.com', port: 8080, account: 'CONTOSO\\svc-old' } },
  { name: 'same.contoso.com', site: 'P01', proxy: CORP, roles: [{ type: 'ExchangeServerConnector' }] },
  {
    name: 'supopt.contoso.com',
    site: 'P01',
    proxy: CORP,
    roles: [{ type: 'SoftwareUpdatePoint', useProxy: true, useProxyForAutomaticDeploymentRules: false }],
  },
];
const ACCOUNTS = ['CONTOSO\\svc-proxy', 'CONTOSO\\svc-old'];
// A server an administrator adds in the console after the plan was made.
const ADDED_LATER: SimServer = { name: 'new.contoso.com', site: 'P01', proxy: null };

const yaml = (value: unknown) => JSON.stringify(value); // JSON is YAML, and quotes any text exactly
const server = (name: string, site: string, spec: string) =>
  `apiVersion: sitectl/v1\nkind: SiteSystemServer\nmetadata: { name: ${name} }\nspec:\n  site: ${site}\n${spec}`;
const MANIFESTS = [
  ...SITES.map(
    (s) =>
      `apiVersion: sitectl/v1\nkind: Site\nmetadata: { name: ${s.code} }\nspec: { type: ${s.type}, version: ${s.version}, siteServer: ${s.siteServer}${s.parent ? `, parent: ${s.parent}` : ''} }\n`,
  ),
  `apiVersion: sitectl/v1\nkind: Proxy\nmetadata: { name: corp }\nspec: { server: proxy.contoso.com, port: 8080, account: ${yaml(CORP.account)} }\n`,
  server('cas.contoso.com', 'CAS', '  proxy: { enabled: false }\n'),
  server(
    'sup.contoso.com',
    'P01',
    '  proxy: { ref: corp }\n  roles:\n    - { type: SoftwareUpdatePoint, useProxy: true, useProxyForAutomaticDeploymentRules: true }\n',
  ),
  server('dp.contoso.com', 'P01', '  proxy: { enabled: false }\n  roles: [{ type: DistributionPoint }]\n'),
  server('acct.contoso.com', 'P01', '  proxy: { server: proxy.contoso.com, port: 8080 }\n'),
  server('same.contoso.com', 'P01', '  proxy: { ref: corp }\n  roles: [{ type: ExchangeServerConnector }]\n'),
  server(
    'supopt.contoso.com',
    'P01',
    '  proxy: { ref: corp }\n  roles:\n    - { type: SoftwareUpdatePoint, useProxy: true, useProxyForAutomaticDeploymentRules: true }\n',
  ),
  server('new.contoso.com', 'P01', '  proxy: { ref: corp }\n'),
];

let dir: string;
let site: SimulatedSite;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-script-'));
  site = new SimulatedSite(dir, { siteCode: 'CAS', sites: SITES, servers: ON_SITE, accounts: ACCOUNTS });
  await writeManifests(MANIFESTS);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** replacing is MANIFESTS with the named server's document replaced, or left out when `document` is undefined. */
function replacing(name: string, document?: string): string[] {
  return MANIFESTS.flatMap((d) => (d.includes(`metadata: { name: ${name} }`) ? (document ? [document] : []) : [d]));
}

async function writeManifests(documents: readonly string[]) {
  await rm(path.join(dir, 'manifests'), { recursive: true, force: true });
  await mkdir(path.join(dir, 'manifests'));
  await writeFile(path.join(dir, 'manifests/site.yaml'), documents.join('---\n'));
}

async function exportSite(file: string) {
  const result = await runScript(EXPORT, ['-SiteCode', 'CAS', '-Path', file], { cwd: dir, env: site.env });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return path.join(dir, file);
}

/** planScript exports the site and renders the plan of the manifests against it as apply.ps1. */
async function planScript(): Promise<string> {
  const live = await exportSite('live.json');
  const plan = await sitectl(['plan', '-f', path.join(dir, 'manifests'), '--live', live, '-o', 'powershell']);
  expect(plan.stderr).toBe('');
  expect([0, 1], plan.stdout.slice(plan.stdout.indexOf('\n# '))).toContain(plan.code);
  const script = path.join(dir, 'apply.ps1');
  await writeFile(script, plan.stdout);
  return script;
}

function runPlan(script: string, args: readonly string[] = []) {
  return runScript(script, args, { cwd: dir, env: site.env });
}

/** addServer lays a server out on the site as ConfigMgr would, as when an administrator adds one. */
function addServer(added: SimServer) {
  const records = siteFile({ siteCode: 'CAS', sites: SITES, servers: [added] }).roles;
  site.edit((s) => s.roles.push(...records));
}

describeWithPowerShell('a plan rendered with -o powershell, run against a simulated site', () => {
  it('converges: after it runs, an export of the site gives diff nothing to do, and it read each server once', async () => {
    const script = await planScript();
    addServer(ADDED_LATER);
    site.resetCalls();

    const run = await runPlan(script);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('sitectl: 5 applied, 0 skipped, 0 failed');
    expect(site.calls()).toEqual({
      'Get-CMSiteSystemServer': 1,
      'Get-CMSoftwareUpdatePoint': 1,
      'Get-CMAccount': 1,
      'Set-CMSiteSystemServer': 4,
      'Set-CMSoftwareUpdatePoint': 2,
    });

    const diff = await sitectl(['diff', '-f', path.join(dir, 'manifests'), '--live', await exportSite('after.json')]);
    expect(diff.stdout).toContain('0 to create, 0 to update');
    expect(diff.code).toBe(0);
  });

  it('writes exactly the proxies, ports, accounts and update point options of the manifests', async () => {
    const script = await planScript();
    addServer(ADDED_LATER);
    expect((await runPlan(script)).code).toBe(0);

    const proxy = (name: string) => {
      const p = site.systemProps(name);
      return [
        p['UseProxy'].Value,
        p['ProxyName'].Value2,
        p['ProxyServerPort'].Value,
        p['AnonymousProxyAccess'].Value,
        p['ProxyUserName'].Value2,
      ];
    };
    expect(proxy('sup.contoso.com')).toEqual([1, 'proxy.contoso.com', 8080, 0, 'CONTOSO\\svc-proxy']);
    expect(proxy('new.contoso.com')).toEqual([1, 'proxy.contoso.com', 8080, 0, 'CONTOSO\\svc-proxy']);
    // Writing without an account makes it the System account; the old name stays behind, unused.
    expect(proxy('acct.contoso.com')).toEqual([1, 'proxy.contoso.com', 8080, 1, 'CONTOSO\\svc-old']);
    expect(proxy('dp.contoso.com')[0]).toBe(0);
    expect([site.supProps('sup.contoso.com')['UseProxy'].Value, site.supProps('sup.contoso.com')['UseProxyForADR'].Value]).toEqual([1, 1]);
    expect([site.supProps('supopt.contoso.com')['UseProxy'].Value, site.supProps('supopt.contoso.com')['UseProxyForADR'].Value]).toEqual([
      1, 1,
    ]);
  });

  it('skips a server changed since the plan and reports one whose write fails; the others are applied and it exits 1', async () => {
    const script = await planScript();
    site.edit((s) => {
      const props = s.roles.find((r) => r.RoleName === 'SMS Site System' && r.NetworkOSPath === '\\\\dp.contoso.com')!.Props;
      props.find((p) => p.PropertyName === 'ProxyServerPort')!.Value = 3128; // someone's newer edit in the console
    });
    site.failWrites('sup.contoso.com', 'The SMS Provider reported an error.');

    const run = await runPlan(script);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('sitectl: 2 applied, 2 skipped, 1 failed');
    const output = (run.stdout + run.stderr).replace(/\s+/g, ' ');
    expect(output).toContain('dp.contoso.com: no longer what the plan saw; skipped.');
    expect(output).toContain('new.contoso.com: not a site system server of site P01 yet');
    expect(output).toContain('sup.contoso.com: The SMS Provider reported an error.');
    expect(site.systemProps('dp.contoso.com')['ProxyServerPort'].Value).toBe(3128);
    expect(site.systemProps('dp.contoso.com')['UseProxy'].Value).toBe(1);
    expect(site.systemProps('acct.contoso.com')['AnonymousProxyAccess'].Value).toBe(1);
  });

  it('skips a server whose update point options changed since the plan', async () => {
    const script = await planScript();
    site.edit((s) => {
      const props = s.roles.find((r) => r.RoleName === 'SMS Software Update Point' && r.NetworkOSPath === '\\\\supopt.contoso.com')!.Props;
      props.find((p) => p.PropertyName === 'UseProxyForADR')!.Value = 1; // set in the console after the plan
      props.find((p) => p.PropertyName === 'UseProxy')!.Value = 0;
    });
    const run = await runPlan(script);
    expect(run.stdout.replace(/\s+/g, ' ')).toContain('supopt.contoso.com: no longer what the plan saw; skipped.');
    expect(site.supProps('supopt.contoso.com')['UseProxy'].Value).toBe(0);
  });

  it('changes nothing with -WhatIf', async () => {
    const script = await planScript();
    const before = await readFile(site.file);
    site.resetCalls();
    const run = await runPlan(script, ['-WhatIf']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'What if: Performing the operation "old-proxy.contoso.com:3128 as CONTOSO\\svc-old -> proxy.contoso.com:8080 as CONTOSO\\svc-proxy" on target "sup.contoso.com"',
    );
    expect(await readFile(site.file)).toEqual(before);
    expect(Object.keys(site.calls()).filter((name) => name.startsWith('Set-'))).toEqual([]);
  });

  it('fails a server whose account the site does not have, saying so, and writes the others', async () => {
    site.edit((s) => (s.accounts = s.accounts.filter((a) => a.UserName !== 'CONTOSO\\svc-proxy')));
    const script = await planScript();
    addServer(ADDED_LATER);
    const run = await runPlan(script);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('sitectl: 3 applied, 0 skipped, 2 failed');
    expect(run.stderr.replace(/\s+/g, ' ')).toContain(
      'sup.contoso.com: the account CONTOSO\\svc-proxy does not exist at site P01 in ConfigMgr',
    );
    expect(site.systemProps('sup.contoso.com')['ProxyName'].Value2).toBe('old-proxy.contoso.com');
  });

  it('never writes the proxy of a new server whose proxy sitectl does not manage', async () => {
    await writeManifests(replacing('new.contoso.com', server('new.contoso.com', 'P01', '  roles: [{ type: DistributionPoint }]\n')));
    const script = await planScript();
    expect(await readFile(script, 'utf8')).not.toContain("Set-CMSiteSystemServer -SiteSystemServerName 'new.contoso.com'");
    addServer({ ...ADDED_LATER, proxy: { server: 'their-proxy.contoso.com', port: 3128 }, roles: [{ type: 'DistributionPoint' }] });
    site.resetCalls();
    const run = await runPlan(script);
    expect(run.code).toBe(0);
    expect(site.systemProps('new.contoso.com')['ProxyName'].Value2).toBe('their-proxy.contoso.com');
    expect(site.calls()['Set-CMSiteSystemServer']).toBe(3); // sup, dp and acct: not new
    expect(run.stdout).toContain('sitectl: 4 applied, 0 skipped, 0 failed');
  });

  it('does not count update point options as applied on a server that has no update point', async () => {
    // The manifest gives supopt's neighbour an update point the site does not have: nothing can set its options.
    const withUpdatePoint =
      '  proxy: { ref: corp }\n  roles:\n    - { type: ExchangeServerConnector }\n    - { type: SoftwareUpdatePoint, useProxy: true, useProxyForAutomaticDeploymentRules: false }\n';
    await writeManifests(
      replacing('same.contoso.com', server('same.contoso.com', 'P01', withUpdatePoint)).filter((d) => !d.includes('new.contoso.com')),
    );
    const script = await planScript();
    const run = await runPlan(script);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('sitectl: 4 applied, 1 skipped, 0 failed');
    expect(run.stdout.replace(/\s+/g, ' ')).toContain('same.contoso.com: the software update point is not on the site yet');
  });

  it('connects to the site itself from any folder, making the drive from -ProviderMachineName when there is none', async () => {
    const script = await planScript();
    site.edit((s) => (s.autoDrive = false));
    const without = await runScript(script, [], { cwd: tmpdir(), env: site.env });
    expect(without.code).not.toBe(0);
    expect(without.stderr.replace(/\s+/g, ' ')).toContain('There is no CAS site drive yet: give -ProviderMachineName');
    const made = await runScript(script, ['-ProviderMachineName', 'cas.contoso.com'], { cwd: tmpdir(), env: site.env });
    expect(made.stderr).toBe('');
    expect(made.stdout).toContain('sitectl: 4 applied, 1 skipped, 0 failed');
  });

  it('takes hostile account names to the site byte for byte, and runs none of them', async () => {
    const canary = path.join(dir, 'canary');
    // Every quote PowerShell knows, a subexpression, backticks, semicolons and non-ASCII; account names hold no spaces.
    const hostile =
      "CONTOSO\\o'brien\u2019s\u2018x\u201Ay\u201B$(New-Item($env:SITECTL_CANARY))`;\"q\";Set-Content($env:SITECTL_CANARY)1;'+'-Виктор-müller-\u{1F600}";
    site.edit((s) => s.accounts.push({ UserName: hostile, SiteCode: 'P01' }));
    await writeManifests([
      ...MANIFESTS.slice(0, 2),
      `apiVersion: sitectl/v1\nkind: Proxy\nmetadata: { name: corp }\nspec: { server: proxy.contoso.com, port: 8080, account: ${yaml(hostile)} }\n`,
      server(
        'sup.contoso.com',
        'P01',
        '  proxy: { ref: corp }\n  roles:\n    - { type: SoftwareUpdatePoint, useProxy: false, useProxyForAutomaticDeploymentRules: false }\n',
      ),
    ]);
    const script = await planScript();
    expect(await readFile(script, 'utf8')).toMatch(/^[\x20-\x7e\n]*$/); // ASCII alone: read the same in every code page
    // The script's own literal, as PowerShell evaluated it, in the -WhatIf description.
    const whatIf = await runScript(script, ['-WhatIf'], { cwd: dir, env: { ...site.env, SITECTL_CANARY: canary } });
    expect(whatIf.stdout).toContain(`-> proxy.contoso.com:8080 as ${hostile}" on target "sup.contoso.com"`);
    const run = await runScript(script, [], { cwd: dir, env: { ...site.env, SITECTL_CANARY: canary } });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('sitectl: 1 applied, 0 skipped, 0 failed');
    expect(site.systemProps('sup.contoso.com')['ProxyUserName'].Value2).toBe(hostile);
    expect(existsSync(canary)).toBe(false);
  });
});
