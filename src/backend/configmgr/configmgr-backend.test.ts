import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { ROOT } from '../../../test/support/cli.js';
import { planOf } from '../../../test/support/plans.js';
import { describeWithPowerShell, POWERSHELL } from '../../../test/support/powershell.js';
import { READY, writeHostScript, type HostScript } from '../../../test/support/scripted-host.js';
import { SimulatedSite, siteFile, type SimServer } from '../../../test/support/site-simulator.js';
import { applyPlan } from '../../apply/apply-plan.js';
import type { LiveState } from '../../model/live.js';
import type { Change } from '../../model/plan.js';
import type { ProxySettings } from '../../model/proxy.js';
import { ApplyFailedError, SiteUnreachableError, StateFileError } from '../errors.js';
import { ConfigMgrBackend, type ConfigMgrOptions } from './configmgr-backend.js';

// The ConfigMgr backend in this process, against the simulated site under a real PowerShell,
// so that the mutation tests reach it (test/powershell runs it through the built CLI).

const CORP: ProxySettings = { server: 'proxy.contoso.com', port: 8080, account: 'CONTOSO\\svc-proxy' };
const SERVERS: SimServer[] = [
  { name: 'dp1.contoso.com', site: 'P01', proxy: null, roles: [{ type: 'DistributionPoint' }] },
  { name: 'dp2.contoso.com', site: 'P01', proxy: { server: 'old.contoso.com', port: 80 }, roles: [{ type: 'DistributionPoint' }] },
];

let dir: string;
let site: SimulatedSite;
let backend: ConfigMgrBackend;

function backendFor(options: Partial<ConfigMgrOptions> = {}): ConfigMgrBackend {
  return new ConfigMgrBackend({
    powershell: POWERSHELL ?? 'pwsh',
    script: path.join(ROOT, 'scripts/Start-SitectlHost.ps1'),
    siteCode: 'P01',
    state: path.join(dir, 'state.json'),
    lockTimeoutMs: 5_000,
    env: { ...process.env, ...site.env },
    now: () => new Date('2026-12-02T10:00:00Z'),
    ...options,
  });
}

const HIERARCHY = {
  siteCode: 'P01',
  sites: [{ code: 'P01', type: 'PrimarySite' as const, version: 2509, siteServer: 'cm01.contoso.com' }],
  servers: SERVERS,
  accounts: [CORP.account!],
};

// One site and one backend (so one PowerShell) for the file, made afresh for each test:
// starting PowerShell is most of what a test here costs.
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-configmgr-unit-'));
  site = new SimulatedSite(dir, HIERARCHY);
  backend = backendFor();
});
beforeEach(async () => {
  site.write(siteFile(HIERARCHY));
  for (const file of ['state.json', 'events.jsonl']) await rm(path.join(dir, file), { force: true });
});
afterAll(async () => {
  await backend.close();
  await rm(dir, { recursive: true, force: true });
});

/** hostsOf are the PowerShell processes serving the simulated site in `file` (found by their environment; Linux only). */
function hostsOf(file: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return (
          argv.includes('Start-SitectlHost.ps1') &&
          readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`SITECTL_SIM_SITE=${file}`)
        );
      } catch {
        return false; // gone meanwhile, or not ours to read
      }
    })
    .map(Number);
}

/** proxyChange plans one server's proxy the way the planner does. */
function proxyChange(live: LiveState, name: string, proxy: ProxySettings | null): Change {
  const before = live.servers.find((s) => s.name === name)!;
  const after = { ...before, proxy };
  return {
    kind: 'SiteSystemServer',
    name,
    action: 'update',
    patch: [{ op: 'replace', path: '/proxy', value: proxy }],
    before,
    after,
    record: { proxy, roles: [] },
  };
}

describeWithPowerShell('ConfigMgrBackend, in process', () => {
  it('reads the site with no bookkeeping yet: its sites, servers and accounts at revision 0', async () => {
    const { state, fingerprint } = await backend.read();
    expect(state).toEqual({
      apiVersion: 'sitectl/v1',
      kind: 'LiveState',
      revision: 0,
      sites: [expect.objectContaining({ code: 'P01', type: 'PrimarySite', version: 2509 })],
      servers: [
        { name: 'dp1.contoso.com', site: 'P01', proxy: null, roles: [{ type: 'DistributionPoint' }] },
        {
          name: 'dp2.contoso.com',
          site: 'P01',
          proxy: { server: 'old.contoso.com', port: 80, account: null },
          roles: [{ type: 'DistributionPoint' }],
        },
      ],
      accounts: [CORP.account],
    });
    expect(fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('fingerprints the site whatever order the cmdlets list it in, and another site differently', async () => {
    const first = (await backend.read()).fingerprint;
    site.edit((s) => s.roles.reverse());
    expect((await backend.read()).fingerprint).toBe(first);
    site.edit((s) => s.accounts.push({ UserName: 'CONTOSO\\other', SiteCode: 'P01' }));
    expect((await backend.read()).fingerprint).not.toBe(first);
  });

  it('writes the servers a transaction changes, keeps their bookkeeping and events, and returns its result', async () => {
    const result = await backend.update((live) => {
      const applied = applyPlan(live.state, planOf([proxyChange(live.state, 'dp1.contoso.com', CORP)]), { copySites: false });
      return { next: applied.next, events: applied.events, result: 'done' };
    });
    expect(result).toBe('done');
    const { state } = await backend.read();
    expect(state.revision).toBe(1);
    expect(state.servers[0].proxy).toEqual(CORP);
    expect(state.managed?.servers).toEqual({ 'dp1.contoso.com': { proxy: CORP, roles: [], revision: 1 } });
    const events = await backend.readEvents();
    expect(events.map((e) => [e.reason, e.object.name, e.revision, e.firstTimestamp])).toEqual([
      ['ProxyConfigured', 'dp1.contoso.com', 1, '2026-12-02T10:00:00.000Z'],
    ]);
    expect((await backend.recentEvents(5)).map((e) => e.reason)).toEqual(['ProxyConfigured']);
  });

  it('records only the events of a transaction that writes nothing, and leaves the bookkeeping alone', async () => {
    const result = await backend.update(() => ({
      next: null,
      events: [
        { type: 'Warning', reason: 'ProxyConflict', message: 'proxy held', object: { kind: 'SiteSystemServer', name: 'dp1.contoso.com' } },
      ],
      result: 7,
    }));
    expect(result).toBe(7);
    expect((await backend.readEvents()).map((e) => e.reason)).toEqual(['ProxyConflict']);
    expect((await backend.read()).state.revision).toBe(0);
  });

  it('fails an update whose server the site refused, after recording the servers it took, with the settled result', async () => {
    site.failWrites('dp2.contoso.com', 'access denied');
    const error = await backend
      .update((live) => {
        const applied = applyPlan(
          live.state,
          planOf([proxyChange(live.state, 'dp1.contoso.com', CORP), proxyChange(live.state, 'dp2.contoso.com', null)]),
          { copySites: false },
        );
        return {
          next: applied.next,
          events: applied.events,
          result: 'planned',
          settled: (written) => `written at ${written.revision}: ${written.notWritten.map((n) => `${n.server} ${n.outcome}`).join(', ')}`,
        };
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyFailedError);
    expect((error as ApplyFailedError).message).toMatch(
      /^1 of 2 servers failed \(dp2\.contoso\.com: .*access denied.*\); 1 applied \(revision 1\)$/,
    );
    expect((error as ApplyFailedError).result).toBe('written at 1: dp2.contoso.com failed');
    const { state } = await backend.read();
    expect(Object.keys(state.managed?.servers ?? {})).toEqual(['dp1.contoso.com']);
    expect(state.servers[1].proxy).toEqual({ server: 'old.contoso.com', port: 80, account: null });
    const events = await backend.readEvents();
    expect(events.map((e) => [e.type, e.reason, e.object.name])).toEqual([
      ['Normal', 'ProxyConfigured', 'dp1.contoso.com'],
      ['Warning', 'ApplyFailed', 'dp2.contoso.com'],
    ]);
    expect(events[1].message).toMatch(/^write failed: .*access denied/);
  });

  it('skips a server the site does not have, without failing, and says so in the settled result', async () => {
    const result = await backend.update((live) => {
      const ghost = { name: 'ghost.contoso.com', site: 'P01', proxy: CORP, roles: [] };
      const next = { ...live.state, revision: 1, servers: [...live.state.servers, ghost] };
      return {
        next,
        events: [],
        result: 'planned',
        settled: (written) => `${written.applied} ${written.notWritten.map((n) => `${n.server} ${n.outcome}: ${n.message}`).join()}`,
      };
    });
    expect(result).toBe('false ghost.contoso.com skipped: not a site system server of site P01 yet; add it and its roles in ConfigMgr');
    expect((await backend.read()).state.revision).toBe(0);
  });

  it('keeps what else the state file holds when it writes the bookkeeping', async () => {
    await writeFile(
      path.join(dir, 'state.json'),
      JSON.stringify({ apiVersion: 'sitectl/v1', kind: 'LiveState', revision: 3, sites: [], servers: [], note: 'kept' }),
    );
    await backend.update((live) => {
      const applied = applyPlan(live.state, planOf([proxyChange(live.state, 'dp1.contoso.com', CORP)]), { copySites: false });
      return { next: applied.next, events: [], result: undefined };
    });
    const written = JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8')) as LiveState;
    expect(written.note).toBe('kept');
    expect(written.revision).toBe(4);
    expect(written.servers).toEqual([]);
  });

  it('names the state file that cannot be read as bookkeeping', async () => {
    await writeFile(path.join(dir, 'state.json'), '{ not json');
    const error = await backend.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateFileError);
    expect((error as Error).message).toContain(path.join(dir, 'state.json'));
  });

  it('starts a new PowerShell after closing, and after the last one died', async () => {
    await backend.read();
    await backend.close();
    expect((await backend.read()).state.servers).toHaveLength(2);
    const hosts = hostsOf(site.file);
    expect(hosts.length).toBeGreaterThan(0);
    for (const pid of hosts) process.kill(pid, 'SIGKILL');
    // Gone from /proc once reaped: sitectl has then seen its PowerShell end.
    await vi.waitFor(() => expect(hosts.filter((pid) => existsSync(`/proc/${pid}`))).toEqual([]), { timeout: 10_000 });
    expect((await backend.read()).state.servers).toHaveLength(2);
    expect(hostsOf(site.file).length).toBeGreaterThan(0);
  });

  it('says PowerShell was not found, naming what it tried and how to give another', async () => {
    const missing = backendFor({ powershell: path.join(dir, 'no-pwsh') });
    await expect(missing.read()).rejects.toThrow(
      new SiteUnreachableError(
        `PowerShell was not found: '${path.join(dir, 'no-pwsh')}' (give --powershell PATH or set SITECTL_POWERSHELL)`,
      ),
    );
  });

  it('says which site cannot be reached and why, when the host cannot connect', async () => {
    const elsewhere = backendFor({ siteCode: 'XYZ' });
    await expect(elsewhere.read()).rejects.toThrow(/^site XYZ cannot be reached through PowerShell: .+/);
  });

  it('says how PowerShell ended and the last it said, when it ends before answering', async () => {
    const script = path.join(dir, 'Broken-Host.ps1');
    await writeFile(script, "Write-Output 'loading the module'\n[Console]::Error.WriteLine('the module is missing')\nexit 3\n");
    const broken = backendFor({ script });
    await expect(broken.read()).rejects.toThrow(
      new SiteUnreachableError('PowerShell exited with code 3 before answering; it said: loading the module | the module is missing'),
    );
  });
});

// Answers the simulated site never gives, from scripted hosts (test/support/scripted-host.ts).
describeWithPowerShell('ConfigMgrBackend, against scripted hosts', () => {
  const readAnswer = (state: unknown) => `{"sitectl":1,"id":{id},"ok":true,"state":${JSON.stringify(state)}}`;
  const LIVE = {
    sites: [{ code: 'P01', type: 'PrimarySite', version: 2509, siteServer: 'cm01.contoso.com' }],
    servers: SERVERS,
    accounts: [CORP.account],
  };
  const scripted = async (script: HostScript) =>
    backendFor({ script: await writeHostScript(path.join(dir, `scripted-${++scriptedHosts}.ps1`), script) });
  let scriptedHosts = 0;
  let opened: ConfigMgrBackend[] = [];
  afterEach(async () => {
    await Promise.all(opened.map((b) => b.close()));
    opened = [];
  });
  const open = async (script: HostScript) => {
    const b = await scripted(script);
    opened.push(b);
    return b;
  };
  const setBoth = (live: LiveState) =>
    applyPlan(live, planOf([proxyChange(live, 'dp1.contoso.com', CORP), proxyChange(live, 'dp2.contoso.com', null)]), { copySites: false });

  it("reads Windows PowerShell 5.1's list shapes: an empty list as null, a list of one as its element", async () => {
    const b = await open({
      start: [READY],
      answers: [[readAnswer({ sites: LIVE.sites[0], servers: { ...SERVERS[0], roles: null }, accounts: null })]],
    });
    expect((await b.read()).state).toEqual({
      apiVersion: 'sitectl/v1',
      kind: 'LiveState',
      revision: 0,
      sites: LIVE.sites,
      servers: [{ ...SERVERS[0], roles: [] }],
      accounts: [],
    });
  });

  it('reads a role given alone as a list of one, and reads no servers as an empty list', async () => {
    const b = await open({
      start: [READY],
      answers: [
        [readAnswer({ ...LIVE, servers: { ...SERVERS[0], roles: { type: 'DistributionPoint' } } })],
        [readAnswer({ ...LIVE, servers: [] })],
      ],
    });
    expect((await b.read()).state.servers).toEqual([SERVERS[0]]);
    expect((await b.read()).state.servers).toEqual([]);
  });

  it('refuses a read answer without sites or servers', async () => {
    const b = await open({
      start: [READY],
      answers: [['{"sitectl":1,"id":{id},"ok":true}'], [readAnswer({ sites: LIVE.sites })], [readAnswer({ servers: [] })]],
    });
    for (let i = 0; i < 3; i++)
      await expect(b.read()).rejects.toThrow(new SiteUnreachableError('PowerShell answered the read without a live state'));
  });

  it('counts an outcome it does not know as failed, never as written, and shows a message that is not text as JSON', async () => {
    const b = await open({
      start: [READY],
      answers: [
        [readAnswer(LIVE)],
        [
          '{"sitectl":1,"id":{id},"server":"dp1.contoso.com","outcome":"maybe","message":"it went somewhere"}',
          '{"sitectl":1,"id":{id},"server":"dp2.contoso.com","outcome":"failed","message":{"code":5}}',
          '{"sitectl":1,"id":{id},"ok":true,"done":true}',
        ],
      ],
    });
    const error = await b.update((live) => ({ ...setBoth(live.state), result: undefined })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyFailedError);
    expect((error as Error).message).toBe(
      '2 of 2 servers failed (dp1.contoso.com: PowerShell reported an unknown outcome "maybe"; dp2.contoso.com: {"code":5}); 0 applied (revision 0)',
    );
    expect(existsSync(path.join(dir, 'state.json'))).toBe(false);
  });

  it('keeps the servers written before the host died, and says how many of how many', async () => {
    const b = await open({
      start: [READY],
      answers: [[readAnswer(LIVE)], ['{"sitectl":1,"id":{id},"server":"dp1.contoso.com","outcome":"applied","message":""}', 'exit:3']],
    });
    const error = await b.update((live) => ({ ...setBoth(live.state), result: undefined })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SiteUnreachableError);
    expect((error as Error).message).toBe(
      'PowerShell exited with code 3 before answering (1 of 2 servers were written and recorded; revision 1)',
    );
    const book = JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8')) as LiveState;
    expect(book.revision).toBe(1);
    expect(Object.keys(book.managed?.servers ?? {})).toEqual(['dp1.contoso.com']);
    expect((await b.readEvents()).map((e) => [e.reason, e.object.name])).toEqual([['ProxyConfigured', 'dp1.contoso.com']]);
  });
});
