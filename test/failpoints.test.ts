import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Failpoint } from '../src/backend/failpoints.js';
import { sitectl } from './support/cli.js';
import { readJson, type ApplyReport, type WrittenState } from './support/json.js';
import { server, SITE_P01 } from './support/manifests.js';
import { eventually, startSitectl, type Running } from './support/process.js';
import { parseJson } from './support/json.js';

// The crash and race tests of the write path, made exact with failpoints (src/backend/failpoints.ts):
// a process is crashed or held at a named point of the write, every run, not by chance.

let dir: string;
let state: string;
let running: Running[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-failpoints-'));
  state = path.join(dir, 'state', 'state.json');
});
afterEach(async () => {
  for (const run of running) run.child.kill('SIGKILL');
  await Promise.all(running.map((run) => run.exited));
  running = [];
  await rm(dir, { recursive: true, force: true });
});

/** manifests writes a folder with site P01 and the given servers, each with a proxy on the given port. */
async function manifests(name: string, servers: Record<string, number>): Promise<string> {
  const folder = path.join(dir, name);
  await mkdir(folder, { recursive: true });
  const docs = Object.entries(servers).map(([host, port]) =>
    server(host, `  site: P01\n  proxy: { server: proxy.contoso.com, port: ${port} }\n  roles:\n    - type: DistributionPoint\n`),
  );
  await writeFile(path.join(folder, 'm.yaml'), [SITE_P01, ...docs].join('---\n'));
  return folder;
}

function start(args: readonly string[], failpoints: string): Running {
  const run = startSitectl(args, dir, { SITECTL_FAILPOINTS: failpoints });
  running.push(run);
  return run;
}

const ports = (live: WrittenState) => Object.fromEntries(live.servers.map((s) => [s.name, s.proxy?.port]));
const leftovers = async () => (await readdir(path.dirname(state))).filter((f) => f !== 'state.json' && f !== 'events.jsonl');

describe('a crash at each point of the write', () => {
  const before: readonly Failpoint[] = ['lock.acquired', 'state.read', 'state.temp-written'];

  it.each(before)('at %s leaves the previous revision whole, and the next apply takes the lock and writes', async (point) => {
    const v1 = await manifests('v1', { 'cm02.contoso.com': 8001 });
    const v2 = await manifests('v2', { 'cm02.contoso.com': 8002 });
    expect((await sitectl(['apply', '-f', v1, '--state', state])).code).toBe(0);

    const crashed = start(['apply', '-f', v2, '--state', state], `${point}=crash`);
    await crashed.exited;
    expect(crashed.child.signalCode, crashed.stderr).toBe('SIGKILL'); // it died at the point, not before or after
    const live = await readJson<WrittenState>(state);
    expect([live.revision, ports(live)]).toEqual([1, { 'cm02.contoso.com': 8001 }]);

    expect((await sitectl(['apply', '-f', v2, '--state', state, '--lock-timeout', '5s'])).code).toBe(0);
    const next = await readJson<WrittenState>(state);
    expect([next.revision, ports(next)]).toEqual([2, { 'cm02.contoso.com': 8002 }]);
    expect(await leftovers()).toEqual([]); // the lock and the dead writer's temporary file are gone
  });

  it('at state.renamed leaves the next revision whole, and the next apply finds nothing to do', async () => {
    const v1 = await manifests('v1', { 'cm02.contoso.com': 8001 });
    const v2 = await manifests('v2', { 'cm02.contoso.com': 8002 });
    expect((await sitectl(['apply', '-f', v1, '--state', state])).code).toBe(0);

    const crashed = start(['apply', '-f', v2, '--state', state], 'state.renamed=crash');
    await crashed.exited;
    expect(crashed.child.signalCode, crashed.stderr).toBe('SIGKILL');
    const live = await readJson<WrittenState>(state);
    expect([live.revision, ports(live)]).toEqual([2, { 'cm02.contoso.com': 8002 }]);

    const again = await sitectl(['apply', '-f', v2, '--state', state, '--lock-timeout', '5s']);
    expect([again.code, again.stdout]).toEqual([0, expect.stringContaining('nothing to do: live state stays at revision 2') as unknown]);
    expect(await leftovers()).toEqual([]);
  });

  it('of a watcher, at state.temp-written, leaves the previous revision whole; a new watcher writes the edit', async () => {
    const watched = await manifests('watched', { 'cm02.contoso.com': 8001 });
    expect((await sitectl(['apply', '-f', watched, '--state', state])).code).toBe(0);
    const watch = start(['watch', '-f', watched, '--state', state, '--debounce', '50ms', '--interval', '1h'], 'state.temp-written=crash');
    await watch.waitFor(/pass 1 start unchanged/);
    await manifests('watched', { 'cm02.contoso.com': 8002 });
    // It dies at the point; a watcher whose write does not pass there applies the edit instead.
    await Promise.race([watch.exited, watch.waitFor(/change applied/)]);
    expect(watch.child.signalCode, watch.stdout + watch.stderr).toBe('SIGKILL');
    expect((await readJson<WrittenState>(state)).revision).toBe(1);

    const again = start(['watch', '-f', watched, '--state', state, '--interval', '1h'], '');
    await again.waitFor(/pass 1 start applied \(revision 2\)/);
    expect(ports(await readJson<WrittenState>(state))).toEqual({ 'cm02.contoso.com': 8002 });
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
    expect(await leftovers()).toEqual([]);
  });
});

describe('the writer lock', () => {
  it('makes a second writer wait while the first holds it, then lets it write', async () => {
    const first = await manifests('first', { 'a.contoso.com': 8001 });
    const second = await manifests('second', { 'b.contoso.com': 8002 });
    const held = path.join(dir, 'held');
    const go = path.join(dir, 'go');
    const holder = start(['apply', '-f', first, '--state', state, '-o', 'json'], `lock.acquired=touch(${held})->wait(${go})`);
    await eventually(() => (existsSync(held) ? true : undefined));

    const waiter = start(['apply', '-f', second, '--state', state, '--lock-timeout', '60s', '-o', 'json'], '');
    let waiterDone = false;
    void waiter.exited.then(() => (waiterDone = true));
    // Long enough for a writer that gave up, or took no lock, to have finished several times over.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(waiterDone, waiter.stderr).toBe(false);

    await writeFile(go, '');
    expect(await holder.exited, holder.stderr).toBe(0);
    expect(await waiter.exited, waiter.stderr).toBe(0);
    const revisions = [holder, waiter].map((run) => parseJson<ApplyReport>(run.stdout).revision);
    expect(revisions).toEqual([1, 2]);
    expect(ports(await readJson<WrittenState>(state))).toEqual({ 'a.contoso.com': 8001, 'b.contoso.com': 8002 });
  });

  it('loses no write: five writers of five servers, started while the first is held after its read, all land', async () => {
    const names = ['a', 'b', 'c', 'd', 'e'].map((n) => `${n}.contoso.com`);
    const folders = await Promise.all(names.map((name, i) => manifests(`w${i}`, { [name]: 8001 + i })));
    const read = path.join(dir, 'read');
    const go = path.join(dir, 'go');
    const firstWriter = start(['apply', '-f', folders[0], '--state', state, '-o', 'json'], `state.read=touch(${read})->wait(${go})`);
    await eventually(() => (existsSync(read) ? true : undefined));
    // The others start while the first has read the state and not written it: with no lock, or
    // one that does not hold, they would write from the same revision and one write would be lost.
    const others = folders
      .slice(1)
      .map((folder) => start(['apply', '-f', folder, '--state', state, '--lock-timeout', '60s', '-o', 'json'], ''));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await writeFile(go, '');

    const writers = [firstWriter, ...others];
    for (const run of writers) expect(await run.exited, run.stderr).toBe(0);
    const revisions = writers.map((run) => parseJson<ApplyReport>(run.stdout).revision);
    expect([...revisions].sort((x, y) => Number(x) - Number(y))).toEqual([1, 2, 3, 4, 5]);
    expect(revisions[0]).toBe(1); // the first, held with the lock, wrote first
    const live = await readJson<WrittenState>(state);
    expect(live.revision).toBe(5);
    expect(ports(live)).toEqual(Object.fromEntries(names.map((name, i) => [name, 8001 + i])));
    expect(Object.keys(live.managed.servers).sort()).toEqual(names);
  });
});

describe('SITECTL_FAILPOINTS', () => {
  it('refuses a point or an action it does not know, so a test never runs without the point it set', async () => {
    const folder = await manifests('any', { 'cm02.contoso.com': 8001 });
    const wrong = start(['apply', '-f', folder, '--state', state], 'state.writen=crash');
    expect(await wrong.exited).toBe(3);
    expect(wrong.stderr).toContain('SITECTL_FAILPOINTS: state.writen=crash is not NAME=ACTION');
    expect(existsSync(state)).toBe(false);
  });
});
