import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveState } from '../src/model/live.js';
import { sitectl } from './support/cli.js';
import { parseJson, readJson, type ApplyReport } from './support/json.js';
import { startSitectl } from './support/process.js';
import { portsOf, seeded, writeVariant } from './support/variants.js';

// Kills sitectl with SIGKILL at random moments (seeded, so each run repeats the same times)
// and checks after every kill that the state file parses, holds the previous or the next
// revision and never a mix of the two, and that the next writer gets the lock.
const SERVERS = 2000;
const KILLS = 50;

let dir: string;
let state: string;
const folder = (port: number) => path.join(dir, `v${port}`);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-crash-'));
  state = path.join(dir, 'state', 'state.json');
  await writeVariant(folder(8001), SERVERS, 8001);
  await writeVariant(folder(8002), SERVERS, 8002);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function readState(): Promise<LiveState> {
  return readJson<LiveState>(state);
}

describe('crash consistency', () => {
  it(`survives ${KILLS} SIGKILLs of apply at random moments with no torn or mixed state`, async () => {
    const started = Date.now();
    expect((await sitectl(['apply', '-f', folder(8001), '--state', state])).code).toBe(0);
    const full = Date.now() - started;
    let previous = { revision: 1, port: 8001 };
    const random = seeded(7);
    let landed = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const port = previous.port === 8001 ? 8002 : 8001;
      const run = startSitectl(['apply', '-f', folder(port), '--state', state, '--lock-timeout', '30s']);
      await new Promise((resolve) => setTimeout(resolve, random() * full * 1.3));
      run.child.kill('SIGKILL');
      await run.exited;

      const live = await readState();
      expect(portsOf(live)).toHaveLength(1);
      if (live.revision === previous.revision) {
        expect(portsOf(live)).toEqual([previous.port]);
      } else {
        expect(live.revision).toBe(previous.revision + 1);
        expect(portsOf(live)).toEqual([port]);
        landed++;
      }
      previous = { revision: live.revision, port: portsOf(live)[0] };
    }
    // The lock a killed apply left behind is taken over, and the next apply succeeds.
    const port = previous.port === 8001 ? 8002 : 8001;
    expect((await sitectl(['apply', '-f', folder(port), '--state', state, '--lock-timeout', '5s'])).code).toBe(0);
    const last = await readState();
    expect(last.revision).toBe(previous.revision + 1);
    expect(portsOf(last)).toEqual([port]);
    expect(landed).toBeLessThan(KILLS); // the kills did land inside applies
  }, 600_000);

  it('survives SIGKILLs of watch in the middle of passes', async () => {
    const watched = path.join(dir, 'watched');
    await writeVariant(watched, SERVERS, 8001);
    const random = seeded(11);
    let previous = await readState().catch(() => ({ revision: 0, servers: [] }));
    for (let kill = 0; kill < 10; kill++) {
      const run = startSitectl(['watch', '-f', watched, '--state', state, '--debounce', '50ms', '--interval', '1h']);
      await run.waitFor(/pass 1 start/);
      const port = 8100 + kill;
      await writeVariant(watched, SERVERS, port);
      await new Promise((resolve) => setTimeout(resolve, random() * 1500));
      run.child.kill('SIGKILL');
      await run.exited;
      const live = await readState();
      expect(portsOf(live)).toHaveLength(1);
      expect([previous.revision, previous.revision + 1, previous.revision + 2]).toContain(live.revision);
      previous = live;
    }
    const final = startSitectl(['watch', '-f', watched, '--state', state, '--interval', '1h']);
    await final.waitFor(/pass 1 start (applied|unchanged)/);
    expect(portsOf(await readState())).toEqual([8109]);
    final.child.kill('SIGTERM');
    expect(await final.exited).toBe(0);
  }, 600_000);
});

describe('concurrency', () => {
  it('serializes 8 applies and a watch on one state file: nothing lost, revisions in order', async () => {
    const shared = path.join(dir, 'shared', 'state.json');
    const ports = Array.from({ length: 8 }, (_, i) => 9000 + i);
    for (const port of [...ports, 9100]) await writeVariant(folder(port), 300, port);
    const watch = startSitectl(['watch', '-f', folder(9100), '--state', shared, '--interval', '1h', '--lock-timeout', '60s']);
    const applies = await Promise.all(
      ports.map((port) => sitectl(['apply', '-f', folder(port), '--state', shared, '--lock-timeout', '60s', '-o', 'json'])),
    );
    await watch.waitFor(/pass 1 start \w+/);
    watch.child.kill('SIGTERM');
    expect(await watch.exited).toBe(0);

    for (const result of applies) expect([0, 3]).toContain(result.code);
    const revisions = applies
      .filter((r) => r.code === 0)
      .map((r) => parseJson<ApplyReport>(r.stdout))
      .filter((r) => r.applied)
      .map((r) => r.revision as number);
    const watchRevision = /pass 1 start applied \(revision (\d+)\)/.exec(watch.stdout)?.[1];
    if (watchRevision) revisions.push(Number(watchRevision));
    const live = await readJson<LiveState>(shared);
    // Every write got its own revision, one after another, and the last one is what the file holds.
    expect([...revisions].sort((a, b) => a - b)).toEqual(Array.from({ length: live.revision }, (_, i) => i + 1));
    expect(portsOf(live)).toHaveLength(1);
    expect([...ports, 9100]).toContain(portsOf(live)[0]);
  }, 300_000);
});
