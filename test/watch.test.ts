import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SiteEvent } from '../src/model/event.js';
import type { Condition } from '../src/reconcile/health.js';
import { sitectl } from './support/cli.js';
import { parseJson, readJson } from './support/json.js';
import { server, SITE_P01 } from './support/manifests.js';
import { stringContaining } from './support/matchers.js';
import { eventually, startSitectl, type Running } from './support/process.js';

let dir: string;
let folder: string;
let state: string;
let running: Running[] = [];

const manifest = (port: number) =>
  `${SITE_P01}---\n${server('cm02.contoso.com', `  site: P01\n  proxy: { server: proxy.contoso.com, port: ${port} }\n`)}`;
/** State is what these tests read of the state file, and change as an edit made on the site would: servers with a proxy. */
interface State {
  revision: number;
  servers: { proxy: { port: number } }[];
}
const readState = () => readJson<State>(state);
const port = async () => (await readState()).servers[0].proxy.port;

function watch(...extra: string[]): Running {
  const process = startSitectl(['watch', '-f', folder, '--state', state, '--debounce', '100ms', '--interval', '1h', ...extra]);
  running.push(process);
  return process;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  await writeFile(temp, text);
  await rename(temp, file);
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-watch-'));
  folder = path.join(dir, 'config');
  state = path.join(dir, 'state', 'state.json');
  await mkdir(folder);
  await writeFile(path.join(folder, 'servers.yaml'), manifest(8080));
});
afterEach(async () => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  running = [];
  await rm(dir, { recursive: true, force: true });
});

describe('sitectl watch', () => {
  it('applies on start, on an edit and on an atomic save', async () => {
    const w = watch();
    await w.waitFor(/pass 1 start applied \(revision 1\)/);
    expect(await port()).toBe(8080);
    await writeFile(path.join(folder, 'servers.yaml'), manifest(8081));
    await w.waitFor(/pass \d+ change applied \(revision 2\)/);
    expect(await port()).toBe(8081);
    await writeAtomically(path.join(folder, 'servers.yaml'), manifest(8082));
    await w.waitFor(/pass \d+ change applied \(revision 3\)/);
    expect(await port()).toBe(8082);
  });

  it('keeps an invalid edit away from the site, records ManifestsInvalid, and applies the fix', async () => {
    const w = watch('--interval', '1s');
    await w.waitFor(/pass 1 start applied \(revision 1\)/);
    await writeFile(
      path.join(folder, 'servers.yaml'),
      manifest(8081).replace('  site: P01\n  proxy', '  site: P01\n  password: x\n  proxy'),
    );
    // The pass line counts the edit's error, and stderr says what and where, once.
    await w.waitFor(/pass \d+ change invalid \(revision 1\): 0 to create, 0 to update, 0 to prune, 0 held, 1 error, 0 warnings/);
    await w.waitFor(/servers\.yaml:16:3 {2}error {2}SchemaViolation/, 'stderr');
    // An interval pass finds the same error again, and does not print it again.
    await w.waitFor(/pass \d+ interval invalid .*1 error/);
    expect(w.stderr.match(/SchemaViolation/g)).toHaveLength(1);
    expect((await readState()).revision).toBe(1);
    const events = parseJson<SiteEvent[]>((await sitectl(['events', '--state', state, '-o', 'json'])).stdout);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'Warning',
        reason: 'ManifestsInvalid',
        message: stringContaining('servers.yaml:16:3 SchemaViolation'),
      }),
    );
    await writeFile(path.join(folder, 'servers.yaml'), manifest(8083));
    await w.waitFor(/pass \d+ change applied \(revision 2\)/);
    expect(await port()).toBe(8083);
  });

  it('refuses at start, with exit 2, a folder that does not exist, an interval under a second and a health address without a port', async () => {
    const cases: [string[], string][] = [
      [['-f', path.join(dir, 'no-such-dir')], 'no such file or folder'],
      [['-f', folder, '--interval', '0s'], '--interval 0s is too short'],
      [['-f', folder, '--health-addr', '9090'], '--health-addr takes HOST:PORT'],
    ];
    for (const [args, message] of cases) {
      const result = await sitectl(['watch', ...args, '--state', state]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
    }
  });

  it('writes an edit only once the files have been quiet for the debounce window after the last change', async () => {
    const w = watch('--debounce', '1s');
    await w.waitFor(/pass 1 start applied \(revision 1\)/);
    await writeAtomically(path.join(folder, 'servers.yaml'), manifest(8081));
    await new Promise((resolve) => setTimeout(resolve, 500)); // inside the window: the files have not settled
    const lastEdit = Date.now();
    await writeAtomically(path.join(folder, 'servers.yaml'), manifest(8082));
    await w.waitFor(/pass \d+ change applied \(revision 2\)/);
    expect(Date.now() - lastEdit).toBeGreaterThanOrEqual(1000);
    // One write, of the last edit: the first was never written on its own.
    expect(await port()).toBe(8082);
    expect((await readState()).revision).toBe(2);
  });

  it('on SIGTERM while a pass waits for the files to settle, finishes it at once and exits 0', async () => {
    const w = watch('--debounce', '1h', '--log-level', 'debug');
    await w.waitFor(/pass 1 start applied \(revision 1\)/);
    await writeAtomically(path.join(folder, 'servers.yaml'), manifest(8081));
    await w.waitFor(/"pass":2,"trigger":"change","msg":"pass started"/, 'stderr');
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    expect((await readState()).revision).toBe(2);
    expect(await port()).toBe(8081);
  });

  it('still reconciles a folder whose files never settle: the interval ends the wait for them', async () => {
    // Enough servers that checking them takes longer than the gap between two writes.
    const many = Array.from({ length: 3000 }, (_, i) => server(`s${i}.contoso.com`, '  site: P01\n')).join('---\n');
    await writeFile(path.join(folder, 'many.yaml'), many);
    const w = watch('--debounce', '1s', '--interval', '2s');
    await w.waitFor(/pass 1 start applied \(revision 1\)/);
    // Each write also changes the site's server, so that every pass checks all 3,000 servers
    // again and file events keep arriving while it does.
    let next = 9000;
    const churn = setInterval(
      () => writeFileSync(path.join(folder, 'servers.yaml'), manifest(++next).replace('cm01.contoso.com', `cm${next}.contoso.com`)),
      20,
    );
    try {
      await w.waitFor(/pass \d+ \w+ applied \(revision 2\)/);
    } finally {
      clearInterval(churn);
    }
  });

  it('writes nothing for an edit undone before the files settled', async () => {
    const w = watch('--debounce', '1s', '--log-level', 'debug');
    await w.waitFor(/pass 1 start applied \(revision 1\)/);
    await writeFile(path.join(folder, 'servers.yaml'), manifest(8081));
    await writeFile(path.join(folder, 'servers.yaml'), manifest(8080));
    // Whichever content a pass planned from, the files settle as they were: a pass finds nothing new.
    await w.waitFor(/"outcome":"skipped"/, 'stderr');
    expect((await readState()).revision).toBe(1);
    expect(w.stdout).not.toMatch(/ change /);
  });

  it('converges 200 rapid edits to the last one in far fewer passes', async () => {
    const w = watch();
    await w.waitFor(/pass 1 start applied/);
    for (let i = 1; i <= 200; i++) writeFileSync(path.join(folder, 'servers.yaml'), manifest(10_000 + i));
    await eventually(async () => ((await port()) === 10_200 ? true : undefined));
    // The pass prints its line after it writes; wait for the line of the pass that wrote the last edit.
    await w.waitFor(new RegExp(`change applied \\(revision ${(await readState()).revision}\\)`));
    const passes = w.stdout.split('\n').filter((l) => / change (applied|unchanged)/.test(l)).length;
    expect(passes).toBeLessThan(40);
  });

  it('corrects drift made on the site at the next interval', async () => {
    const w = watch('--interval', '1s');
    await w.waitFor(/pass 1 start applied \(revision 1\)/);
    const drifted = await readState();
    drifted.servers[0].proxy.port = 9999;
    await writeAtomically(state, JSON.stringify(drifted));
    await w.waitFor(/pass \d+ interval applied \(revision 2\)/);
    expect(await port()).toBe(8080);
    const events = parseJson<SiteEvent[]>((await sitectl(['events', '--state', state, '-o', 'json'])).stdout);
    expect(events.map((e) => e.reason)).toContain('DriftCorrected');
  });

  it('only reports drift in monitor mode', async () => {
    expect((await sitectl(['apply', '-f', folder, '--state', state])).code).toBe(0);
    const drifted = await readState();
    drifted.servers[0].proxy.port = 9999;
    await writeAtomically(state, JSON.stringify(drifted));
    const w = watch('--mode', 'monitor', '--interval', '1s');
    await w.waitFor(/pass \d+ interval reported \(revision 1\)/);
    expect(await port()).toBe(9999);
    const events = parseJson<SiteEvent[]>((await sitectl(['events', '--state', state, '-o', 'json'])).stdout);
    expect(events).toContainEqual(
      expect.objectContaining({ reason: 'DriftDetected', type: 'Warning', message: stringContaining('replace /proxy/port 8080') }),
    );
  });

  it('serves health endpoints', async () => {
    const w = watch('--health-addr', '127.0.0.1:0', '--log-level', 'info');
    const [, url] = await w.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/, 'stderr');
    await w.waitFor(/pass 1 start applied/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const status = parseJson<{ conditions: Condition[] }>(await (await fetch(`${url}/status`)).text());
    expect(status.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }));
    expect(status).toMatchObject({ passes: 1, revision: 1 });
    expect(w.stderr).toMatch(/"msg":"pass finished".*"trigger":"start"|"trigger":"start".*"msg":"pass finished"/);
  });

  it('keeps reporting the last pass that acted after a save that changed nothing', async () => {
    const w = watch('--health-addr', '127.0.0.1:0', '--log-level', 'debug');
    const [, url] = await w.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/, 'stderr');
    await w.waitFor(/pass 1 start applied/);
    await writeFile(path.join(folder, 'servers.yaml'), manifest(8080));
    await w.waitFor(/"outcome":"skipped"/, 'stderr');
    const status = parseJson<unknown>(await (await fetch(`${url}/status`)).text());
    expect(status).toMatchObject({ revision: 1, lastPass: { id: 1, outcome: 'applied' } });
  });

  it('on SIGTERM during a pass, finishes it, releases the lock and exits 0 with the state whole', async () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      server(`s${i}.contoso.com`, '  site: P01\n  proxy: { server: proxy.contoso.com, port: 8080 }\n'),
    ).join('---\n');
    await writeFile(path.join(folder, 'many.yaml'), many);
    const w = watch('--log-level', 'debug');
    await w.waitFor(/"msg":"pass started"/, 'stderr');
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    const live = await readState();
    expect(live.revision).toBe(1);
    expect(live.servers).toHaveLength(3001);
    await expect(readFile(`${state}.lock`)).rejects.toThrow();
  });
});
