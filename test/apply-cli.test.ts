import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SiteEvent } from '../src/model/event.js';
import type { LiveSite, LiveState } from '../src/model/live.js';
import type { Plan } from '../src/model/plan.js';
import { ROOT, sitectl } from './support/cli.js';
import { parseJson, readJson, type WrittenState } from './support/json.js';
import { server, SITE_P01 } from './support/manifests.js';
import { stringContaining, stringMatching } from './support/matchers.js';

let dir: string;
let state: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-apply-'));
  state = path.join(dir, 'state', 'state.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function manifests(name: string, files: Record<string, string>): Promise<string> {
  const folder = path.join(dir, name);
  for (const [file, text] of Object.entries(files)) {
    await import('node:fs/promises').then((fs) => fs.mkdir(path.dirname(path.join(folder, file)), { recursive: true }));
    await writeFile(path.join(folder, file), text);
  }
  return folder;
}

const readState = () => readJson<WrittenState>(state);
const proxyOf = (s: LiveState, name: string) => s.servers.find((x) => x.name === name)?.proxy;

describe('sitectl apply', () => {
  it('applies the contoso example into the default state file, then diff finds nothing to do', async () => {
    const work = path.join(dir, 'repo');
    await cp(path.join(ROOT, 'examples'), path.join(work, 'examples'), { recursive: true });
    const env = { SITECTL_STATE: '' };
    const applied = await sitectl(['apply', '-f', 'examples/contoso'], { cwd: work, env });
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('applied: live state is now at revision 1');
    const written = await readJson<WrittenState>(path.join(work, '.sitectl/state.json'));
    expect(written.revision).toBe(1);
    expect(written.servers).toHaveLength(28);
    expect(written.sites.map((s) => s.code).sort()).toEqual(['CAS', 'P01', 'P02', 'S11', 'S12', 'S21', 'S22']);
    const diff = await sitectl(['diff', '-f', 'examples/contoso'], { cwd: work, env });
    expect(diff.code).toBe(0);
    expect(diff.stdout).toMatch(/^0 to create, 0 to update, 0 held, 28 unchanged/m);
  });

  it('writes once per apply that changes something, and not at all when nothing changes', async () => {
    const a = await manifests('a', {
      'm.yaml': `${SITE_P01}---\n${server('cm02.contoso.com', '  site: P01\n  proxy: { server: p.contoso.com, port: 8080 }\n')}`,
    });
    expect((await sitectl(['apply', '-f', a, '--state', state])).code).toBe(0);
    const first = await readFile(state, 'utf8');
    const again = await sitectl(['apply', '-f', a, '--state', state, '-o', 'json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ applied: false, revision: 1 });
    expect(await readFile(state, 'utf8')).toBe(first);
  });

  it('records the previous proxy in ProxyOverwritten, so it can be restored', async () => {
    const v1 = await manifests('v1', {
      'm.yaml': `${SITE_P01}---\n${server('cm02.contoso.com', '  site: P01\n  proxy: { server: old.contoso.com, port: 3128, account: CONTOSO\\old }\n')}`,
    });
    const v2 = await manifests('v2', {
      'm.yaml': `${SITE_P01}---\n${server('cm02.contoso.com', '  site: P01\n  proxy: { server: new.contoso.com, port: 3128, account: CONTOSO\\old }\n')}`,
    });
    await sitectl(['apply', '-f', v1, '--state', state]);
    expect((await sitectl(['apply', '-f', v2, '--state', state])).code).toBe(0);
    const events = parseJson<SiteEvent[]>(
      (await sitectl(['events', '--state', state, '--for', 'SiteSystemServer/cm02.contoso.com', '-o', 'json'])).stdout,
    );
    const overwritten = events.find((e) => e.reason === 'ProxyOverwritten');
    expect(overwritten).toMatchObject({
      type: 'Normal',
      previous: { server: 'old.contoso.com', port: 3128, account: 'CONTOSO\\old' },
      revision: 2,
    });
    expect(overwritten!.message).toContain('old.contoso.com:3128 as CONTOSO\\old');
  });

  it("leaves a held server's live proxy as it is and counts the repeated ProxyConflict event", async () => {
    const v1 = await manifests('v1', {
      'm.yaml': `${SITE_P01}---\n${server('cm02.contoso.com', '  site: P01\n  proxy: { server: old.contoso.com }\n')}`,
    });
    const held = server(
      'cm02.contoso.com',
      '  site: P01\n  roles:\n    - type: ExchangeServerConnector\n      proxy: { server: a.contoso.com }\n    - type: ServiceConnectionPoint\n      proxy: { server: b.contoso.com }\n',
    );
    const v2 = await manifests('v2', { 'm.yaml': `${SITE_P01}---\n${held}` });
    await sitectl(['apply', '-f', v1, '--state', state]);
    for (let i = 0; i < 2; i++) {
      const result = await sitectl(['apply', '-f', v2, '--state', state]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('! SiteSystemServer cm02.contoso.com (hold)');
    }
    const live = await readState();
    expect(proxyOf(live, 'cm02.contoso.com')).toEqual({ server: 'old.contoso.com', port: 80, account: null });
    expect(live.revision).toBe(1);
    const events = parseJson<SiteEvent[]>((await sitectl(['events', '--state', state, '-o', 'json'])).stdout);
    expect(events.filter((e) => e.reason === 'ProxyConflict')).toEqual([expect.objectContaining({ type: 'Warning', count: 2 })]);
  });

  it('refuses a saved plan once the live state has changed (exit 3), and applies it when it has not', async () => {
    const a = await manifests('a', {
      'm.yaml': `${SITE_P01}---\n${server('cm02.contoso.com', '  site: P01\n  proxy: { server: a.contoso.com }\n')}`,
    });
    const b = await manifests('b', {
      'm.yaml': `${SITE_P01}---\n${server('cm03.contoso.com', '  site: P01\n  proxy: { server: b.contoso.com }\n')}`,
    });
    const planFile = path.join(dir, 'plan.json');
    expect((await sitectl(['plan', '-f', a, '--state', state, '--out', planFile])).code).toBe(0);
    expect((await sitectl(['apply', '-f', b, '--state', state])).code).toBe(0);
    const before = await readFile(state, 'utf8');
    const stale = await sitectl(['apply', planFile, '--state', state]);
    expect(stale.code).toBe(3);
    expect(stale.stderr).toContain('live state changed since this plan was made (revision 0, now 1');
    expect(await readFile(state, 'utf8')).toBe(before);

    expect((await sitectl(['plan', '-f', a, '--state', state, '--out', planFile])).code).toBe(0);
    const fresh = await sitectl(['apply', planFile, '--state', state]);
    expect(fresh.code).toBe(0);
    expect(proxyOf(await readState(), 'cm02.contoso.com')).toEqual({ server: 'a.contoso.com', port: 80, account: null });
  });

  it('plan --out && apply works: plan exits 0 once it made a plan, and 1 with --detailed-exitcode when it has changes', async () => {
    const a = await manifests('a', {
      'm.yaml': `${SITE_P01}---\n${server('cm02.contoso.com', '  site: P01\n  proxy: { server: a.contoso.com }\n')}`,
    });
    const planFile = path.join(dir, 'plan.json');
    expect((await sitectl(['plan', '-f', a, '--state', state, '--detailed-exitcode'])).code).toBe(1);
    // The shell line plan --help shows, run by a shell.
    const cli = `"${process.execPath}" "${path.join(ROOT, 'dist/sitectl.js')}"`;
    const chained = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(
        'sh',
        ['-c', `${cli} plan -f "${a}" --state "${state}" --out "${planFile}" && ${cli} apply "${planFile}" --state "${state}"`],
        (error, stdout) => resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout }),
      ),
    );
    expect(chained.stdout).toContain('applied: live state is now at revision 1');
    expect(chained.code).toBe(0);
    expect((await sitectl(['plan', '-f', a, '--state', state, '--detailed-exitcode'])).code).toBe(0);

    // The same plan again is already applied: nothing to do, not a stale plan.
    const again = await sitectl(['apply', planFile, '--state', state]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to do: this plan was already applied; live state stays at revision 1');
  });

  it('never saves a plan over a manifest or a file that is not a plan, and points a manifest given to apply at -f', async () => {
    const a = await manifests('a', {
      'm.yaml': `${SITE_P01}---\n${server('cm02.contoso.com', '  site: P01\n  proxy: { server: a.contoso.com }\n')}`,
    });
    const manifest = path.join(a, 'm.yaml');
    const before = await readFile(manifest, 'utf8');
    const over = await sitectl(['plan', '-f', a, '--state', state, '--out', manifest]);
    expect(over.code).toBe(2);
    expect(over.stderr).toContain('one of the manifests being planned');
    expect(await readFile(manifest, 'utf8')).toBe(before);

    const notes = path.join(dir, 'notes.json');
    await writeFile(notes, '{"mine": true}\n');
    const notPlan = await sitectl(['plan', '-f', a, '--state', state, '--out', notes]);
    expect(notPlan.code).toBe(2);
    expect(notPlan.stderr).toContain('exists and is not a saved plan');
    expect(await readFile(notes, 'utf8')).toBe('{"mine": true}\n');

    const intoFolder = await sitectl(['plan', '-f', a, '--state', state, '--out', dir]);
    expect(intoFolder.code).toBe(2);
    expect(intoFolder.stderr).toContain(`--out ${dir} is a folder; name a file in it`);
    const noFolder = await sitectl(['plan', '-f', a, '--state', state, '--out', path.join(dir, 'nope', 'p.json')]);
    expect(noFolder.code).toBe(2);
    expect(noFolder.stderr).toContain('does not exist; create it first');

    const forgotF = await sitectl(['apply', manifest, '--state', state]);
    expect(forgotF.code).toBe(2);
    expect(forgotF.stderr).toContain(
      `holds manifests, not a saved plan; to apply manifests, name them with -f: sitectl apply -f ${manifest}`,
    );
    expect(forgotF.stderr).not.toContain('plan --out');
    const folder = await sitectl(['apply', a, '--state', state]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain(`${a} is a folder, not a saved plan; to apply manifests, name them with -f`);
  });

  it('refuses to save a plan made against a --live snapshot, which apply could not write', async () => {
    const result = await sitectl([
      'plan',
      '-f',
      'examples/contoso',
      '--live',
      'test/fixtures/export/live.json',
      '--out',
      path.join(dir, 'plan.json'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is a snapshot apply cannot write');
    expect(existsSync(path.join(dir, 'plan.json'))).toBe(false);
  });

  it('saves no plan when the manifests have errors, and exits 2', async () => {
    const bad = await manifests('bad', { 'm.yaml': server('cm02.contoso.com', '  site: P09\n') });
    const planFile = path.join(dir, 'plan.json');
    const result = await sitectl(['plan', '-f', bad, '--state', state, '--out', planFile]);
    expect(result.code).toBe(2);
    await expect(readFile(planFile)).rejects.toThrow();
  });

  it('leaves the state byte-for-byte unchanged on invalid manifests and on a corrupt state file', async () => {
    const good = await manifests('good', {
      'm.yaml': `${SITE_P01}---\n${server('cm02.contoso.com', '  site: P01\n  proxy: { server: a.contoso.com }\n')}`,
    });
    const bad = await manifests('bad', {
      'm.yaml': `${SITE_P01}---\n${server('cm02.contoso.com', '  site: P01\n  proxy: { server: "http://a" }\n')}`,
    });
    await sitectl(['apply', '-f', good, '--state', state]);
    const before = await readFile(state);
    const invalid = await sitectl(['apply', '-f', bad, '--state', state]);
    expect(invalid.code).toBe(2);
    expect(invalid.stdout).toContain('nothing applied');
    expect(await readFile(state)).toEqual(before);

    const corrupt = Buffer.from('{\n  "apiVersion": "sitectl/v1",\n  "revision": 1,,\n}\n');
    await writeFile(state, corrupt);
    const refused = await sitectl(['apply', '-f', good, '--state', state]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/state\.json:3:\d+: not valid JSON/);
    expect(await readFile(state)).toEqual(corrupt);
    expect((await sitectl(['diff', '-f', good, '--state', state])).code).toBe(3);
  });

  it('reports manifests that only the live rules find invalid before reading a corrupt state (exit 2, not 3)', async () => {
    // ConnectedCacheProxyUnsupported is a live rule: diff and apply run it with the live state,
    // and without it only when that fails, so this case reaches the code that keeps SPEC's precedence.
    const mistake = path.join(ROOT, 'examples/mistakes/ConnectedCacheProxyUnsupported');
    const corrupt = Buffer.from('{ "apiVersion": "sitectl/v1", ');
    await mkdir(path.dirname(state), { recursive: true });
    await writeFile(state, corrupt);
    for (const command of ['diff', 'apply']) {
      const result = await sitectl([command, '-f', mistake, '--state', state, '-o', 'json']);
      expect(result.code).toBe(2);
      const report = JSON.parse(result.stdout) as { liveRevision: unknown; diagnostics: { code: string; severity: string }[] };
      expect(report.liveRevision).toBeNull();
      expect(report.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['ConnectedCacheProxyUnsupported']);
    }
    expect(await readFile(state)).toEqual(corrupt);

    // With a sound state, the same manifests give the same report: nothing is planned or written.
    await rm(state);
    const fresh = await sitectl(['apply', '-f', mistake, '--state', state, '-o', 'json']);
    expect(fresh.code).toBe(2);
    expect((JSON.parse(fresh.stdout) as { liveRevision: unknown }).liveRevision).toBeNull();
    await expect(readFile(state)).rejects.toThrow();
  });

  it('serializes two applies on one state file: both succeed and neither update is lost', async () => {
    const a = await manifests('a', {
      'm.yaml': `${SITE_P01}---\n${server('cm02.contoso.com', '  site: P01\n  proxy: { server: a.contoso.com }\n')}`,
    });
    const b = await manifests('b', {
      'm.yaml': `${SITE_P01}---\n${server('cm03.contoso.com', '  site: P01\n  proxy: { server: b.contoso.com }\n')}`,
    });
    const [ra, rb] = await Promise.all([sitectl(['apply', '-f', a, '--state', state]), sitectl(['apply', '-f', b, '--state', state])]);
    expect([ra.code, rb.code]).toEqual([0, 0]);
    const live = await readState();
    expect(live.revision).toBe(2);
    expect(proxyOf(live, 'cm02.contoso.com')).toMatchObject({ server: 'a.contoso.com' });
    expect(proxyOf(live, 'cm03.contoso.com')).toMatchObject({ server: 'b.contoso.com' });
    await expect(readFile(`${state}.lock`)).rejects.toThrow();
  });

  it('waits for a live lock holder, then exits 3 naming it', async () => {
    const a = await manifests('a', {
      'm.yaml': `${SITE_P01}---\n${server('cm02.contoso.com', '  site: P01\n  proxy: { server: a.contoso.com }\n')}`,
    });
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      await import('node:fs/promises').then((fs) => fs.mkdir(path.dirname(state), { recursive: true }));
      await writeFile(
        `${state}.lock`,
        JSON.stringify({ id: 'x', pid: holder.pid, host: hostname(), startedAt: '2026-11-26T10:00:00.000Z' }),
      );
      const result = await sitectl(['apply', '-f', a, '--state', state, '--lock-timeout', '300ms']);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`state is locked by pid ${holder.pid} on ${hostname()} since 2026-11-26T10:00:00.000Z`);
    } finally {
      holder.kill();
    }
  });

  it('takes over at once a lock whose holder no longer runs', async () => {
    const a = await manifests('a', {
      'm.yaml': `${SITE_P01}---\n${server('cm02.contoso.com', '  site: P01\n  proxy: { server: a.contoso.com }\n')}`,
    });
    const gone = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => gone.on('exit', resolve));
    await import('node:fs/promises').then((fs) => fs.mkdir(path.dirname(state), { recursive: true }));
    await writeFile(`${state}.lock`, JSON.stringify({ id: 'x', pid: gone.pid, host: hostname(), startedAt: '2026-11-26T10:00:00.000Z' }));
    const result = await sitectl(['apply', '-f', a, '--state', state, '--lock-timeout', '100ms']);
    expect(result.code).toBe(0);
    expect((await readState()).revision).toBe(1);
  });

  it('prunes only with --prune, and reports a PruneCandidate otherwise', async () => {
    const both = await manifests('both', {
      'm.yaml': `${SITE_P01}---\n${server('cm02.contoso.com', '  site: P01\n  proxy: { server: a.contoso.com }\n')}---\n${server('cm03.contoso.com', '  site: P01\n  proxy: { server: a.contoso.com }\n')}`,
    });
    const one = await manifests('one', {
      'm.yaml': `${SITE_P01}---\n${server('cm02.contoso.com', '  site: P01\n  proxy: { server: a.contoso.com }\n')}`,
    });
    await sitectl(['apply', '-f', both, '--state', state]);
    const candidate = await sitectl(['diff', '-f', one, '--state', state, '-o', 'json']);
    expect(candidate.code).toBe(0);
    expect(parseJson<Plan>(candidate.stdout).diagnostics).toEqual([
      expect.objectContaining({ code: 'PruneCandidate', object: { kind: 'SiteSystemServer', name: 'cm03.contoso.com' } }),
    ]);
    const pruned = await sitectl(['apply', '-f', one, '--state', state, '--prune']);
    expect(pruned.code).toBe(0);
    const live = await readState();
    expect(proxyOf(live, 'cm03.contoso.com')).toBeNull();
    expect(live.managed.servers['cm03.contoso.com']).toBeUndefined();
    expect((await sitectl(['diff', '-f', one, '--state', state, '--prune'])).code).toBe(0);
  });

  it('detects drift made on the site and corrects it with DriftCorrected', async () => {
    const a = await manifests('a', {
      'm.yaml': `${SITE_P01}---\n${server('cm02.contoso.com', '  site: P01\n  proxy: { server: a.contoso.com }\n')}`,
    });
    await sitectl(['apply', '-f', a, '--state', state]);
    // Someone changes cm02's proxy port on the site.
    const live = await readJson<{ servers: { proxy: { port: number } }[] }>(state);
    live.servers[0].proxy.port = 9999;
    await writeFile(state, JSON.stringify(live));
    const diff = await sitectl(['diff', '-f', a, '--state', state, '-o', 'json']);
    expect(diff.code).toBe(1);
    const found = parseJson<Plan>(diff.stdout).diagnostics;
    expect(found.filter((d) => d.code === 'DriftDetected')).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: stringContaining('proxy is a.contoso.com:9999 as System, sitectl set a.contoso.com:80 as System'),
      }),
    ]);
    expect((await sitectl(['apply', '-f', a, '--state', state])).code).toBe(0);
    const events = parseJson<SiteEvent[]>((await sitectl(['events', '--state', state, '-o', 'json'])).stdout);
    expect(events.map((e) => e.reason)).toContain('DriftCorrected');
  });

  it.each([
    [['diff', '-f', 'examples/contoso', '--live', 'no-such.json'], 3],
    [['apply', '-f', 'examples/contoso', '--live', 'x.json'], 2],
    [['apply', 'no-such-plan.json'], 2],
    [['diff', '-f', 'examples/contoso', '--lock-timeout', '5m'], 2],
    [['apply', '-f', 'examples/contoso', '--lock-timeout', 'soon'], 2],
    [['get', 'widgets'], 2],
  ])('exits %j with %i', async (args, code) => {
    const result = await sitectl(args, { cwd: ROOT, env: { SITECTL_STATE: path.join(dir, 'never.json') } });
    expect(result.code).toBe(code);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('sitectl diff', () => {
  it('tells a proxy that { enabled: false } removes from one that nobody states', async () => {
    const m = await manifests('m', {
      'm.yaml': `${SITE_P01}---\n${server('off.contoso.com', '  site: P01\n  proxy: { enabled: false }\n')}---\n${server('unset.contoso.com', '  site: P01\n')}`,
    });
    const result = await sitectl(['diff', '-f', m, '--state', state]);
    expect(result.code).toBe(1);
    const [off, unset] = result.stdout.split('\n\n');
    expect(off).toContain('+ SiteSystemServer off.contoso.com (create)\n  + name: off.contoso.com');
    expect(off).not.toContain('not managed');
    expect(unset).toContain(
      '+ SiteSystemServer unset.contoso.com (create)\n  # proxy not managed: neither the server nor its roles state one, so sitectl leaves it as the site has it',
    );
  });
});

describe('warnings about a Proxy document', () => {
  it('point at the Proxy document that a server refers to, where the fix goes', async () => {
    const proxy =
      'apiVersion: sitectl/v1\nkind: Proxy\nmetadata: { name: corp }\nspec:\n  server: proxy.contoso.com\n  account: CONTOSO\\missing\n';
    const m = await manifests('m', {
      'proxies.yaml': proxy,
      'servers.yaml': `${SITE_P01}---\n${server('cm02.contoso.com', '  site: P01\n  proxy: { ref: corp }\n')}`,
    });
    const live = path.join(dir, 'live.json');
    await writeFile(
      live,
      JSON.stringify({
        apiVersion: 'sitectl/v1',
        kind: 'LiveState',
        revision: 1,
        sites: [],
        accounts: ['CONTOSO\\svc'],
        servers: [{ name: 'cm02.contoso.com', site: 'P01', proxy: { server: 'old.contoso.com', port: 8080, account: null }, roles: [] }],
      }),
    );
    const plan = parseJson<Plan>((await sitectl(['diff', '-f', m, '--live', live, '-o', 'json'])).stdout);
    const where = (code: string) => plan.diagnostics.find((d) => d.code === code);
    expect(where('AccountNotFound')).toMatchObject({
      object: { kind: 'Proxy', name: 'corp' },
      source: { file: stringMatching(/proxies\.yaml$/), line: 6, column: 12 },
      path: '/spec/account',
    });
    expect(where('ProxyResetOnOverwrite')).toMatchObject({
      object: { kind: 'Proxy', name: 'corp' },
      source: { file: stringMatching(/proxies\.yaml$/), line: 5 },
      path: '/spec',
    });
  });
});

describe('sitectl get', () => {
  it('get servers -f gives each live server its sync state against the manifests, in a SYNC column and in JSON', async () => {
    const dp = (name: string, port: number) =>
      server(name, `  site: P01\n  proxy: { server: proxy.contoso.com, port: ${port} }\n  roles:\n    - type: DistributionPoint\n`);
    const held = server(
      'held.contoso.com',
      '  site: P01\n  roles:\n    - type: SoftwareUpdatePoint\n      proxy: { server: proxy-eu.contoso.com, port: 8080 }\n' +
        '    - type: ExchangeServerConnector\n      proxy: { server: proxy-us.contoso.com, port: 8080 }\n',
    );
    const first = await manifests('sync-v1', {
      'm.yaml': [SITE_P01, dp('a.contoso.com', 8080), dp('b.contoso.com', 8080), held].join('---\n'),
    });
    expect((await sitectl(['apply', '-f', first, '--state', state])).code).toBe(0);
    // On the site: a is changed in the console, and a server nobody declared appears. In the manifests: b gets a new port.
    const written = await readState();
    const servers = written.servers.map((s) =>
      s.name === 'a.contoso.com' ? { ...s, proxy: { server: 'console.contoso.com', port: 3128, account: null } } : s,
    );
    const byHand = { name: 'by-hand.contoso.com', site: 'P01', proxy: null, roles: [{ type: 'DistributionPoint' }] };
    // The held server was never written (sitectl holds it), so it is on the site as ConfigMgr made it.
    const heldLive = {
      name: 'held.contoso.com',
      site: 'P01',
      proxy: null,
      roles: [{ type: 'SoftwareUpdatePoint' }, { type: 'ExchangeServerConnector' }],
    };
    expect(servers.map((s) => s.name)).not.toContain('held.contoso.com');
    await writeFile(state, JSON.stringify({ ...written, servers: [...servers, byHand, heldLive] }));
    const second = await manifests('sync-v2', {
      'm.yaml': [SITE_P01, dp('a.contoso.com', 8080), dp('b.contoso.com', 8081), held].join('---\n'),
    });

    const table = await sitectl(['get', 'servers', '--state', state, '-f', second]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+SITE\s+SYNC\s+PROXY\s+ACCOUNT\s+ROLES$/m);
    const column = Object.fromEntries(
      table.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => {
          const [name, , sync] = line.split(/\s+/);
          return [name, sync];
        }),
    );
    expect(column).toEqual({
      'a.contoso.com': 'Drifted',
      'b.contoso.com': 'Pending',
      'held.contoso.com': 'Held',
      'by-hand.contoso.com': 'Unmanaged',
    });
    const json = parseJson<{ name: string; sync: { state: string; reason: string } }[]>(
      (await sitectl(['get', 'servers', '--state', state, '-f', second, '-o', 'json'])).stdout,
    );
    expect(Object.fromEntries(json.map((s) => [s.name, s.sync.state]))).toEqual({
      'a.contoso.com': 'Drifted',
      'b.contoso.com': 'Pending',
      'held.contoso.com': 'Held',
      'by-hand.contoso.com': 'Unmanaged',
    });
    expect(json.find((s) => s.name === 'b.contoso.com')?.sync.reason).toBe('would update: proxy to proxy.contoso.com:8081 as System');
  });

  it('shows servers, sites and proxies from a snapshot, and exits 2 for a name it does not have', async () => {
    const live = 'test/fixtures/export/live.json';
    const servers = await sitectl(['get', 'servers', '--live', live]);
    expect(servers.code).toBe(0);
    expect(servers.stdout).toMatch(/^NAME\s+SITE\s+PROXY\s+ACCOUNT\s+ROLES$/m);
    expect(servers.stdout).toMatch(
      /^cm-p01\.eu\.contoso\.com\s+P01\s+proxy-eu-old\.contoso\.com:3128\s+CONTOSO\\svc-cmproxy-eu\s+ManagementPoint,SoftwareUpdatePoint$/m,
    );
    const site = parseJson<LiveSite>((await sitectl(['get', 'site', 'p01', '--live', live, '-o', 'json'])).stdout);
    expect(site).toMatchObject({ code: 'P01', type: 'PrimarySite', parent: 'CAS' });
    expect((await sitectl(['get', 'proxies', '--live', live])).stdout).toMatch(/^proxy-us\.contoso\.com\s+3128\s+System\s+2$/m);
    // In hierarchy order: the CAS, then each primary followed by its secondaries.
    const sites = await sitectl(['get', 'sites', '--live', 'examples/gitops-repo/live/export.json']);
    expect(
      sites.stdout
        .split('\n')
        .slice(1, 4)
        .map((line) => line.split(/\s+/)[0]),
    ).toEqual(['CAS', 'P01', 'S01']);
    // With -f, proxies are named after the Proxy documents that declare them, and found by that name.
    const gitops = ['--live', 'examples/gitops-repo/live/export.json', '-f', 'examples/gitops-repo/proxies'];
    expect((await sitectl(['get', 'proxies', ...gitops])).stdout).toMatch(/^corp-anonymous\s+proxy\.contoso\.com\s+3128\s+System\s+1$/m);
    expect(JSON.parse((await sitectl(['get', 'proxies', 'corp', ...gitops, '-o', 'json'])).stdout)).toMatchObject({
      names: ['corp'],
      servers: ['cm-cas.contoso.com', 'cm-s01.contoso.com'],
    });
    // -f with manifests that have errors is refused, and sites take no -f.
    const broken = await manifests('broken', {
      'p.yaml': 'apiVersion: sitectl/v1\nkind: Proxy\nmetadata: { name: corp }\nspec: { sever: x }\n',
    });
    expect((await sitectl(['get', 'proxies', '--live', live, '-f', broken])).code).toBe(2);
    expect((await sitectl(['get', 'servers', '--live', live, '-f', broken])).code).toBe(2);
    expect((await sitectl(['get', 'sites', '--live', live, '-f', 'examples/gitops-repo/proxies'])).code).toBe(2);
    const missing = await sitectl(['get', 'sites', 'X99', '--live', live]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('site X99 not found');
  });
});
