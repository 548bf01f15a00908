import { readdirSync, readFileSync } from 'node:fs';
import { readFile, mkdir, mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { PowerShellHost, type HostMessage } from '../../src/backend/configmgr/powershell-host.js';
import type { SiteEvent } from '../../src/model/event.js';
import type { Plan } from '../../src/model/plan.js';
import { ROOT, sitectl } from '../support/cli.js';
import { parseJson, readJson, type WrittenState } from '../support/json.js';
import { eventually, startSitectl, type Running } from '../support/process.js';
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
    roles:
      i === 0
        ? [{ type: 'SoftwareUpdatePoint', useProxy: false, useProxyForAutomaticDeploymentRules: false }]
        : [{ type: 'DistributionPoint' }],
  }));
}

function manifests(on: readonly SimServer[], proxied: (name: string) => boolean): string {
  const docs = [
    ...SITES.map(
      (s) =>
        `apiVersion: sitectl/v1\nkind: Site\nmetadata: { name: ${s.code} }\nspec: { type: ${s.type}, version: ${s.version}, siteServer: ${s.siteServer}${s.parent ? `, parent: ${s.parent}` : ''} }\n`,
    ),
    `apiVersion: sitectl/v1\nkind: Proxy\nmetadata: { name: corp }\nspec: { server: proxy.contoso.com, port: 8080, account: ${JSON.stringify(CORP.account)} }\n`,
    ...on.map((s) => {
      const on = proxied(s.name); // an update point's proxy options need a proxy
      const roles =
        s.roles?.[0]?.type === 'SoftwareUpdatePoint'
          ? `  roles: [{ type: SoftwareUpdatePoint, useProxy: ${on}, useProxyForAutomaticDeploymentRules: ${on} }]\n`
          : '  roles: [{ type: DistributionPoint }]\n';
      return `apiVersion: sitectl/v1\nkind: SiteSystemServer\nmetadata: { name: ${s.name} }\nspec:\n  site: P01\n${on ? '  proxy: { ref: corp }\n' : ''}${roles}`;
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

/** events are the events recorded beside the bookkeeping. */
async function events(): Promise<SiteEvent[]> {
  const result = await sitectl(['events', '-o', 'json', '--state', path.join(dir, 'state.json')], { cwd: dir });
  expect(result.stderr).toBe('');
  return parseJson<SiteEvent[]>(result.stdout);
}

/** withSite adds to a command's arguments the ConfigMgr backend on the simulated site, keeping its bookkeeping in the test's folder. */
function withSite(args: readonly string[]): string[] {
  return [
    ...args,
    '--backend',
    'configmgr',
    '--site',
    'CAS',
    '--powershell',
    POWERSHELL ?? 'pwsh',
    '--state',
    path.join(dir, 'state.json'),
  ];
}

/** run is sitectl on the simulated site, to the end. */
function run(args: readonly string[], env: Record<string, string> = {}) {
  return sitectl(withSite(args), { cwd: dir, env: { ...site.env, ...env } });
}

/** watchOnSite starts `sitectl watch -f config` on the simulated site, with `args` before the backend's. */
function watchOnSite(...args: string[]): Running {
  return startSitectl(withSite(['watch', '-f', 'config', ...args]), dir, site.env);
}

/** hostProcesses are the PowerShell hosts serving this test's simulated site (found by their environment, Linux only). */
function hostProcesses(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      // PowerShell itself (the dotnet tool's launcher, or the runtime it starts), never a node process.
      const program = path.basename(argv[0] ?? '');
      if (
        (program === 'pwsh' || program === 'dotnet') &&
        argv.some((a) => a.endsWith('Start-SitectlHost.ps1')) &&
        environ.split('\0').includes(`SITECTL_SIM_SITE=${site.file}`)
      ) {
        pids.push(Number(entry));
      }
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

const setCalls = () => site.calls()['Set-CMSiteSystemServer'] ?? 0;

const proxyOf = (name: string) => {
  const p = site.systemProps(name);
  return p['UseProxy'].Value === 1
    ? {
        server: p['ProxyName'].Value2,
        port: p['ProxyServerPort'].Value,
        account: p['AnonymousProxyAccess'].Value === 1 ? null : p['ProxyUserName'].Value2,
      }
    : null;
};

describeWithPowerShell('--backend configmgr against a simulated site', () => {
  it('applies the manifests to the site and converges: a second apply and a diff find nothing to do', async () => {
    await setUp(5);
    const first = await run(['apply', '-f', 'config']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('applied: live state is now at revision 1');
    for (const server of onSite) expect(proxyOf(server.name)).toEqual(CORP);
    expect([site.supProps('dp0000.contoso.com')['UseProxy'].Value, site.supProps('dp0000.contoso.com')['UseProxyForADR'].Value]).toEqual([
      1, 1,
    ]);

    const again = await run(['apply', '-f', 'config']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to do: live state stays at revision 1');
    const diff = await run(['diff', '-f', 'config']);
    expect(diff.code).toBe(0);

    const book = await readJson<WrittenState>(path.join(dir, 'state.json'));
    expect(book.revision).toBe(1);
    expect(book.servers).toEqual([]);
    expect(Object.keys(book.managed.servers).sort()).toEqual(onSite.map((s) => s.name));
    expect(book.managed.servers['dp0001.contoso.com'].proxy).toEqual(CORP);
  });

  it('imports the site into manifests that a diff against the site finds nothing to do, reading it once', async () => {
    onSite = servers(6).map((s, i) =>
      i % 2 === 0 ? { ...s, proxy: CORP } : i === 3 ? { ...s, proxy: { server: 'proxy.contoso.com', port: 3128 } } : s,
    );
    site = new SimulatedSite(dir, { siteCode: 'CAS', sites: SITES, servers: onSite, accounts: [CORP.account] });
    const result = await run(['import', '-o', 'repo']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Imported 2 sites, 6 servers and 1 shared proxy');
    expect(result.stdout).toContain('Next: commit the folder, then: sitectl diff -f repo --backend configmgr');
    // One bulk read, and nothing written.
    const calls = site.calls();
    expect(calls['Get-CMSiteSystemServer']).toBe(1);
    expect(Object.keys(calls).filter((c) => !c.startsWith('Get-'))).toEqual([]);
    const shared = await readFile(path.join(dir, 'repo/proxies/proxies.yaml'), 'utf8');
    expect(shared).toContain('name: proxy-contoso-com-8080-contoso-svc-proxy');
    const p01 = await readFile(path.join(dir, 'repo/sites/P01/servers.yaml'), 'utf8');
    expect(p01).toContain('  proxy: { ref: proxy-contoso-com-8080-contoso-svc-proxy }');
    expect(p01).toContain('  proxy: { enabled: false }');
    expect(p01).toContain('    port: 3128');

    const diff = await run(['diff', '-f', 'repo']);
    expect(diff.stdout).toContain('0 to create, 0 to update');
    expect(diff.code).toBe(0);
  });

  it('finds a change made in the console as drift, and corrects it', async () => {
    await setUp(3);
    expect((await run(['apply', '-f', 'config'])).code).toBe(0);
    site.edit((s) => {
      const props = s.roles.find((r) => r.RoleName === 'SMS Site System' && r.NetworkOSPath === '\\\\dp0001.contoso.com')!.Props;
      props.find((p) => p.PropertyName === 'ProxyServerPort')!.Value = 3128;
    });
    const diff = await run(['diff', '-f', 'config', '-o', 'json']);
    expect(diff.code).toBe(1);
    const plan = parseJson<Plan>(diff.stdout);
    expect(plan.changes.map((c) => [c.name, c.drift])).toEqual([['dp0001.contoso.com', true]]);
    expect(plan.diagnostics.map((d) => d.code)).toContain('DriftDetected');

    const apply = await run(['apply', '-f', 'config']);
    expect(apply.code).toBe(0);
    expect(proxyOf('dp0001.contoso.com')).toEqual(CORP);
    expect((await events()).map((e) => `${e.reason} ${e.object.name}`)).toContain('DriftCorrected dp0001.contoso.com');
  });

  it('writes the other servers when one fails, exits 3 naming it, records ApplyFailed, and retries only what still differs', async () => {
    await setUp(4);
    site.failWrites('dp0002.contoso.com', 'The SMS Provider reported an error.');
    const failed = await run(['apply', '-f', 'config']);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toMatch(
      /^sitectl: 1 of 4 servers failed \(dp0002\.contoso\.com: The SMS Provider reported an error\.\); 3 applied \(revision 1\)\n$/,
    );
    expect(proxyOf('dp0002.contoso.com')).toBeNull();
    for (const name of ['dp0000.contoso.com', 'dp0001.contoso.com', 'dp0003.contoso.com']) expect(proxyOf(name)).toEqual(CORP);
    const book = await readJson<WrittenState>(path.join(dir, 'state.json'));
    expect(Object.keys(book.managed.servers).sort()).toEqual(['dp0000.contoso.com', 'dp0001.contoso.com', 'dp0003.contoso.com']);
    const recorded = await events();
    expect(recorded.filter((e) => e.reason === 'ApplyFailed').map((e) => [e.object.name, e.message])).toEqual([
      ['dp0002.contoso.com', 'write failed: The SMS Provider reported an error.'],
    ]);
    expect(recorded.filter((e) => e.object.name === 'dp0002.contoso.com').map((e) => e.reason)).toEqual(['ApplyFailed']);

    site.edit((s) => (s.failWrites = {}));
    site.resetCalls();
    const retry = await run(['apply', '-f', 'config']);
    expect(retry.code).toBe(0);
    expect(site.calls()['Set-CMSiteSystemServer']).toBe(1);
    expect(proxyOf('dp0002.contoso.com')).toEqual(CORP);
  });

  it('reads a site of 1,000 servers and writes 10 of them in a fixed number of reads plus one call per write', async () => {
    const changed = new Set(Array.from({ length: 10 }, (_, i) => `dp${String(i * 97 + 5).padStart(4, '0')}.contoso.com`));
    await setUp(1000, (name) => changed.has(name));
    site.resetCalls();
    const apply = await run(['apply', '-f', 'config']);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    // One read to plan (four calls and one per site for its accounts), one to check before writing
    // (two calls and one for the accounts of P01, whose servers get one), one call per server written.
    expect(site.calls()).toEqual({
      'Get-CMSite': 1,
      'Get-CMSiteSystemServer': 2,
      'Get-CMSiteRole': 1,
      'Get-CMSoftwareUpdatePoint': 2,
      'Get-CMAccount': 3,
      'Set-CMSiteSystemServer': 10,
    });
    for (const name of changed) expect(proxyOf(name)).toEqual(CORP);
  }, 180_000);

  it('refuses a saved plan once the site changed since it was made', async () => {
    await setUp(2);
    const plan = await run(['plan', '-f', 'config', '--out', 'plan.json']);
    expect([0, 1]).toContain(plan.code);
    site.edit((s) => {
      const props = s.roles.find((r) => r.RoleName === 'SMS Site System' && r.NetworkOSPath === '\\\\dp0001.contoso.com')!.Props;
      props.find((p) => p.PropertyName === 'UseProxy')!.Value = 1;
      props.find((p) => p.PropertyName === 'ProxyName')!.Value2 = 'someone-elses.contoso.com';
    });
    const apply = await run(['apply', 'plan.json']);
    expect(apply.code).toBe(3);
    expect(apply.stderr).toContain('the live state changed since this plan was made');
    expect(proxyOf('dp0001.contoso.com')?.server).toBe('someone-elses.contoso.com');
    expect(proxyOf('dp0000.contoso.com')).toBeNull();
  });

  it.each([
    [
      'PowerShell is not found',
      { powershell: '/no/such/pwsh' },
      /^sitectl: PowerShell was not found: '\/no\/such\/pwsh' \(give --powershell PATH or set SITECTL_POWERSHELL\)\n$/,
    ],
    [
      'the module is not found',
      { env: { SMS_ADMIN_UI_PATH: '' } },
      /^sitectl: site CAS cannot be reached through PowerShell: The ConfigurationManager module was not found: run this on a machine with the Configuration Manager console \(SMS_ADMIN_UI_PATH is not set\)\.\n$/,
    ],
    [
      'the site drive is missing',
      { drive: false },
      /^sitectl: site CAS cannot be reached through PowerShell: There is no CAS site drive yet: give -ProviderMachineName \(the SMS Provider host\)\.\n$/,
    ],
  ] as const)('says in one line, exit 3, writing nothing, when %s', async (_what, how, expected) => {
    await setUp(2);
    if ('drive' in how) site.edit((s) => (s.autoDrive = false));
    const args = [
      'apply',
      '-f',
      'config',
      '--backend',
      'configmgr',
      '--site',
      'CAS',
      '--powershell',
      'powershell' in how ? how.powershell : (POWERSHELL ?? 'pwsh'),
      '--state',
      path.join(dir, 'state.json'),
    ];
    const result = await sitectl(args, { cwd: dir, env: { ...site.env, ...('env' in how ? how.env : {}) } });
    expect(result.stderr).toMatch(expected);
    expect(result.code).toBe(3);
    expect(proxyOf('dp0000.contoso.com')).toBeNull();
    await expect(readFile(path.join(dir, 'state.json'))).rejects.toThrow();
  });

  it('says what PowerShell printed when it answers with something other than the host protocol', async () => {
    await setUp(1);
    const fake = path.join(dir, 'fake-pwsh');
    await writeFile(fake, '#!/bin/sh\necho "Welcome to a shell that is not PowerShell"\nexit 0\n');
    await chmod(fake, 0o755);
    const result = await sitectl(
      ['diff', '-f', 'config', '--backend', 'configmgr', '--site', 'CAS', '--powershell', fake, '--state', path.join(dir, 'state.json')],
      { cwd: dir, env: site.env },
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      'sitectl: PowerShell exited with code 0 before answering; it said: Welcome to a shell that is not PowerShell\n',
    );
  });

  it('never records a write that did not happen when PowerShell is killed mid-apply, and the next apply converges', async () => {
    // Killed after 3, 17 and 41 of 60 writes: early, middle, late.
    for (const after of [3, 17, 41]) {
      await rm(path.join(dir, 'state.json'), { force: true });
      await setUp(60);
      site.edit((s) => (s.writeDelayMs = 50)); // 60 writes take seconds, as on a real site
      const apply = run(['apply', '-f', 'config']);
      await eventually(() => (setCalls() >= after ? true : undefined), 120_000);
      for (const pid of hostProcesses()) process.kill(pid, 'SIGKILL');
      const killed = await apply;
      expect(killed.code).toBe(3);
      expect(killed.stderr).toMatch(
        /^sitectl: PowerShell was killed \(SIGKILL\) before answering.* \((\d+) of 60 servers were written and recorded; revision [01]\)\n$/,
      );

      const book = parseJson<WrittenState>(await readFile(path.join(dir, 'state.json'), 'utf8').catch(() => '{"managed":{"servers":{}}}'));
      const recorded = Object.keys(book.managed.servers);
      expect(recorded.length).toBeLessThanOrEqual(setCalls());
      for (const name of recorded) expect(proxyOf(name), name).toEqual(CORP);

      const again = await run(['apply', '-f', 'config']);
      expect(again.code).toBe(0);
      for (const server of onSite) expect(proxyOf(server.name)).toEqual(CORP);
      expect((await run(['diff', '-f', 'config'])).code).toBe(0);
    }
  }, 300_000);

  // Twice in about twenty full-suite runs on a loaded machine the watcher itself ended by a
  // signal, with no output, around the moment the test killed PowerShell; never when run
  // alone. Until that is understood (see the closing note of 2026-12-02), one retry, and the
  // watcher's output in the message when it fails.
  it(
    'watch corrects a change made in the console within an interval, and starts PowerShell again when it dies',
    { retry: 1, timeout: 180_000 },
    async () => {
      await setUp(3);
      const watch = watchOnSite('--interval', '2s');
      try {
        await watch.waitFor(/pass 1 \w+ applied \(revision 1\)/);
        expect(proxyOf('dp0002.contoso.com')).toEqual(CORP);
        const consoleChange = () =>
          site.edit((s) => {
            const props = s.roles.find((r) => r.RoleName === 'SMS Site System' && r.NetworkOSPath === '\\\\dp0002.contoso.com')!.Props;
            props.find((p) => p.PropertyName === 'UseProxy')!.Value = 0;
          });
        consoleChange();
        await eventually(() => (proxyOf('dp0002.contoso.com') !== null ? true : undefined), 30_000);
        expect((await events()).map((e) => `${e.reason} ${e.object.name}`)).toContain('DriftCorrected dp0002.contoso.com');

        // A dotnet tool's pwsh is a launcher and the runtime it starts: kill both.
        const first = hostProcesses();
        expect(first.length).toBeGreaterThan(0);
        for (const pid of first) process.kill(pid, 'SIGKILL');
        consoleChange();
        await eventually(() => (proxyOf('dp0002.contoso.com') !== null ? true : undefined), 60_000);
        const second = hostProcesses();
        expect(second).toHaveLength(first.length);
        expect(second.filter((pid) => first.includes(pid))).toEqual([]);
      } finally {
        watch.child.kill('SIGTERM');
      }
      expect(await watch.exited, `${watch.stdout}\n${watch.stderr}`).toBe(0);
      expect(hostProcesses()).toEqual([]);
    },
  );

  it('watch shows a server the site refused as Failed with its message on /status, /metrics and the page, until a write of it succeeds', async () => {
    await setUp(3);
    site.failWrites('dp0002.contoso.com', 'The SMS Provider reported an error.');
    // The health server's address is logged at info.
    const watch = watchOnSite('--interval', '2s', '--health-addr', '127.0.0.1:0', '--log-level', 'info');
    try {
      const [, url] = await watch.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/, 'stderr');
      const counts = async () => parseJson<{ servers: Record<string, number> | null }>(await (await fetch(`${url}/status`)).text()).servers;
      const failed = await eventually(async () => ((await counts())?.Failed === 1 ? await counts() : undefined), 60_000);
      expect(failed).toMatchObject({ Failed: 1, InSync: 2 });
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/^sitectl_changes_failed_total\{action="update"\} [1-9]/m);
      expect(metrics).toMatch(/^sitectl_servers\{state="Failed"\} 1$/m);
      const page = await (await fetch(`${url}/?state=Failed`)).text();
      expect(page).toMatch(
        /<td>dp0002\.contoso\.com<\/td>.*<td>Failed<\/td>\s*<td>the last write failed: The SMS Provider reported an error\./s,
      );

      // The site takes the write again: the next interval pass writes it and it is in sync.
      site.edit((s) => (s.failWrites = {}));
      await eventually(async () => ((await counts())?.Failed === 0 ? true : undefined), 60_000);
      expect(await counts()).toMatchObject({ Failed: 0, InSync: 3 });
      expect(proxyOf('dp0002.contoso.com')).toEqual(CORP);
    } finally {
      watch.child.kill('SIGTERM');
    }
    expect(await watch.exited, `${watch.stdout}\n${watch.stderr}`).toBe(0);
  }, 180_000);

  it('watch --mode monitor reports a change made in the console and writes nothing', async () => {
    await setUp(2);
    expect((await run(['apply', '-f', 'config'])).code).toBe(0);
    site.edit((s) => {
      const props = s.roles.find((r) => r.RoleName === 'SMS Site System' && r.NetworkOSPath === '\\\\dp0001.contoso.com')!.Props;
      props.find((p) => p.PropertyName === 'ProxyServerPort')!.Value = 3128;
    });
    const watch = watchOnSite('--mode', 'monitor');
    try {
      await watch.waitFor(/pass 1 /);
      await eventually(
        async () =>
          (await events()).some((e) => e.reason === 'DriftDetected' && e.object.name === 'dp0001.contoso.com') ? true : undefined,
        30_000,
      );
    } finally {
      watch.child.kill('SIGTERM');
    }
    expect(await watch.exited).toBe(0);
    expect(proxyOf('dp0001.contoso.com')?.port).toBe(3128);
  }, 120_000);

  it('skips a server that changed between the read a plan was made from and the write, and writes the others', async () => {
    await setUp(2);
    const host = await PowerShellHost.start({
      powershell: POWERSHELL ?? 'pwsh',
      script: path.join(ROOT, 'scripts/Start-SitectlHost.ps1'),
      siteCode: 'CAS',
      env: { ...process.env, ...site.env },
    });
    try {
      const read = await host.request('read');
      const servers = (read['state'] as { servers: { name: string; proxy: unknown }[] }).servers;
      expect(servers.map((s) => [s.name, s.proxy])).toEqual([
        ['dp0000.contoso.com', null],
        ['dp0001.contoso.com', null],
      ]);
      // Someone sets dp0001's proxy in the console after that read.
      site.edit((s) => {
        const props = s.roles.find((r) => r.RoleName === 'SMS Site System' && r.NetworkOSPath === '\\\\dp0001.contoso.com')!.Props;
        props.find((p) => p.PropertyName === 'UseProxy')!.Value = 1;
        props.find((p) => p.PropertyName === 'ProxyName')!.Value2 = 'theirs.contoso.com';
      });
      const write = (server: string) => ({
        server,
        site: 'P01',
        description: 'no proxy -> corp',
        expectedProxy: null,
        expectedUpdatePoint: null,
        writeProxy: true,
        proxy: CORP,
        updatePoint: null,
      });
      const outcomes: HostMessage[] = [];
      await host.request('apply', { changes: [write('dp0000.contoso.com'), write('dp0001.contoso.com')] }, (m) => outcomes.push(m));
      expect(outcomes.map((o) => [o['server'], o['outcome']])).toEqual([
        ['dp0000.contoso.com', 'applied'],
        ['dp0001.contoso.com', 'skipped'],
      ]);
      expect(proxyOf('dp0000.contoso.com')).toEqual(CORP);
      expect(proxyOf('dp0001.contoso.com')).toEqual({ server: 'theirs.contoso.com', port: 80, account: null });
    } finally {
      await host.close();
    }
  });
});
