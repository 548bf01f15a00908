import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventLog, readEvents, readRecentEvents, rotated } from './event-log.js';
import { LockTimeoutError, StateFileError } from './errors.js';
import { acquireLock } from './lock.js';
import { parseLiveState, serializeLiveState } from './state-document.js';
import type { LiveState } from '../model/live.js';
import { FileStateBackend, SnapshotSource } from './state-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-backend-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** configured is server s<i> getting its proxy, an event whose key differs for each i. */
const configured = (i: number) => ({
  type: 'Normal' as const,
  reason: 'ProxyConfigured' as const,
  message: `set ${i}`,
  object: { kind: 'SiteSystemServer' as const, name: `s${i}` },
});

describe('acquireLock', () => {
  it('is exclusive until released, and a second taker times out naming the holder', async () => {
    const file = path.join(dir, 'state.json.lock');
    const lock = await acquireLock(file, 100);
    const error = await acquireLock(file, 100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect((error as Error).message).toContain(`pid ${process.pid}`);
    await lock.release();
    const again = await acquireLock(file, 100);
    await again.release();
    await expect(readFile(file)).rejects.toThrow();
  });

  it('takes over a torn lock file (empty, older than a moment)', async () => {
    const file = path.join(dir, 'state.json.lock');
    await writeFile(file, '');
    const { utimes } = await import('node:fs/promises');
    await utimes(file, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const lock = await acquireLock(file, 100);
    expect((JSON.parse(await readFile(file, 'utf8')) as { pid: number }).pid).toBe(process.pid);
    await lock.release();
  });
});

describe('event log', () => {
  it('counts a repeated event instead of listing it twice, and skips a torn last line', async () => {
    const file = path.join(dir, 'events.jsonl');
    const event = {
      type: 'Warning' as const,
      reason: 'ProxyConflict' as const,
      message: 'held',
      object: { kind: 'SiteSystemServer' as const, name: 'a' },
    };
    await new EventLog(file).record([event], '2026-11-26T10:00:00.000Z');
    await new EventLog(file).record([event, { ...event, message: 'other' }], '2026-11-26T11:00:00.000Z');
    await writeFile(file, (await readFile(file, 'utf8')) + '{"type":"Norm');
    const events = await readEvents(file);
    expect(events).toEqual([
      { ...event, count: 2, firstTimestamp: '2026-11-26T10:00:00.000Z', lastTimestamp: '2026-11-26T11:00:00.000Z' },
      { ...event, message: 'other', count: 1, firstTimestamp: '2026-11-26T11:00:00.000Z', lastTimestamp: '2026-11-26T11:00:00.000Z' },
    ]);
  });
});

describe('event log, kept open by a watcher', () => {
  const event = {
    type: 'Normal' as const,
    reason: 'ProxyConfigured' as const,
    message: 'set',
    object: { kind: 'SiteSystemServer' as const, name: 'a' },
  };

  it("counts on from another writer's append, which it notices by the log's size", async () => {
    const file = path.join(dir, 'events.jsonl');
    const watcher = new EventLog(file);
    await watcher.record([event], '2026-11-26T10:00:00.000Z');
    await new EventLog(file).record([event], '2026-11-26T11:00:00.000Z');
    await watcher.record([event], '2026-11-26T12:00:00.000Z');
    expect(await readEvents(file)).toEqual([
      { ...event, count: 3, firstTimestamp: '2026-11-26T10:00:00.000Z', lastTimestamp: '2026-11-26T12:00:00.000Z' },
    ]);
  });

  it('creates no log for no events, and names rotated logs after the log', async () => {
    const file = path.join(dir, 'events.jsonl');
    await new EventLog(file).record([], '2026-11-26T10:00:00.000Z');
    await expect(stat(file)).rejects.toThrow();
    expect([rotated(file, 2), rotated(path.join(dir, 'events'), 1)]).toEqual([
      path.join(dir, 'events.2.jsonl'),
      path.join(dir, 'events.1'),
    ]);
  });
});

describe('event log rotation', () => {
  it('stays bounded: rotates past its size, keeps three old logs, and reads the kept ones back in order', async () => {
    const file = path.join(dir, 'events.jsonl');
    const log = new EventLog(file, 1000);
    for (let i = 0; i < 60; i++) await log.record([configured(i)], `2026-11-26T10:00:${String(i).padStart(2, '0')}.000Z`);
    const files = (await readdir(dir)).filter((f) => f.startsWith('events')).sort();
    expect(files).toEqual(['events.1.jsonl', 'events.2.jsonl', 'events.3.jsonl', 'events.jsonl']);
    for (const f of files) expect((await stat(path.join(dir, f))).size).toBeLessThan(1000 + 300);
    const events = await readEvents(file);
    // The newest events are all there, in order; the oldest were dropped with the fourth log back.
    expect(events.at(-1)!.message).toBe('set 59');
    expect(events.map((e) => e.message)).toEqual([...events.map((e) => e.message)].sort((a, b) => Number(a.slice(4)) - Number(b.slice(4))));
    expect(events.length).toBeLessThan(60);
    expect(events.length).toBeGreaterThanOrEqual(15);

    // A repeat keeps its count and first time across a rotation, in this process and in the next.
    const repeated = { ...configured(60), message: 'repeated' };
    for (let i = 0; i < 8; i++) {
      await new EventLog(file, 1000).record([repeated], `2026-11-26T11:00:0${i}.000Z`);
      await log.record([configured(100 + i)], `2026-11-26T11:00:0${i}.500Z`);
    }
    expect((await readEvents(file)).find((e) => e.message === 'repeated')).toMatchObject({
      count: 8,
      firstTimestamp: '2026-11-26T11:00:00.000Z',
      lastTimestamp: '2026-11-26T11:00:07.000Z',
    });
  });

  it('rotates a log that has reached its size exactly, before the next append', async () => {
    const file = path.join(dir, 'events.jsonl');
    await new EventLog(file).record([configured(0)], '2026-11-26T10:00:00.000Z');
    const size = (await stat(file)).size;
    const log = new EventLog(file, size);
    await log.record([configured(1)], '2026-11-26T10:00:01.000Z');
    expect((await readdir(dir)).sort()).toEqual(['events.1.jsonl', 'events.jsonl']);
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it("reads a rotated log whose last line was torn as its own: the torn line does not swallow the next log's first", async () => {
    const file = path.join(dir, 'events.jsonl');
    await new EventLog(file).record([configured(0)], '2026-11-26T10:00:00.000Z');
    await writeFile(rotated(file, 1), '{"type":"Norm');
    expect((await readEvents(file)).map((e) => e.object.name)).toEqual(['s0']);
  });
});

describe('recent events', () => {
  it('gives the newest first, as many as asked, reading only the end of a large log', async () => {
    const file = path.join(dir, 'events.jsonl');
    const log = new EventLog(file, 64 * 1024 * 1024);
    for (let i = 0; i < 1500; i++)
      await log.record([{ ...configured(i), message: `set ${i} ${'x'.repeat(60)}` }], '2026-11-26T10:00:00.000Z');
    expect((await stat(file)).size).toBeGreaterThan(128 * 1024); // past what is read: the first line read is cut
    const recent = await readRecentEvents(file, 5);
    expect(recent.map((e) => e.object.name)).toEqual(['s1499', 's1498', 's1497', 's1496', 's1495']);
    expect(await readRecentEvents(path.join(dir, 'none.jsonl'), 5)).toEqual([]);
  });

  it('fills up from the log rotated last when the newest holds fewer', async () => {
    const file = path.join(dir, 'events.jsonl');
    const log = new EventLog(file, 1000);
    for (let i = 0; i < 12; i++) await log.record([configured(i)], `2026-11-26T10:00:${String(i).padStart(2, '0')}.000Z`);
    const newestOnly = (await readFile(file, 'utf8')).trim().split('\n').length;
    expect(newestOnly).toBeLessThan(8);
    const rotatedLast = (await readFile(path.join(dir, 'events.1.jsonl'), 'utf8')).trim().split('\n').length;
    const recent = await readRecentEvents(file, 8);
    // The newest log and the one rotated last hold s5 to s11; s4 went to the log rotated before.
    expect(newestOnly + rotatedLast).toBe(7);
    expect(recent.map((e) => e.object.name)).toEqual(['s11', 's10', 's9', 's8', 's7', 's6', 's5']);
  });

  it('lists an event repeated across a rotation once, at its latest', async () => {
    const file = path.join(dir, 'events.jsonl');
    const log = new EventLog(file, 1000);
    // s0 at 0, 6 and 10: once in each of the three logs, the newest two read here.
    for (let i = 0; i < 12; i++)
      await log.record([configured(i === 6 || i === 10 ? 0 : i)], `2026-11-26T10:00:${String(i).padStart(2, '0')}.000Z`);
    const recent = await readRecentEvents(file, 20);
    expect(recent.filter((e) => e.object.name === 's0')).toEqual([
      expect.objectContaining({ count: 3, lastTimestamp: '2026-11-26T10:00:10.000Z' }),
    ]);
    expect(recent[0].object.name).toBe('s11');
  });

  it('gives no more than the end of a large log holds, however many are asked', async () => {
    const file = path.join(dir, 'events.jsonl');
    const log = new EventLog(file, 64 * 1024 * 1024);
    for (let i = 0; i < 1000; i++)
      await log.record([{ ...configured(i), message: `set ${i} ${'x'.repeat(120)}` }], '2026-11-26T10:00:00.000Z');
    const recent = await readRecentEvents(file, 5000);
    // 64 KiB of ~270-byte lines: a couple of hundred, the newest, each whole.
    expect(recent.length).toBeGreaterThan(100);
    expect(recent.length).toBeLessThan(400);
    expect(recent.map((e) => e.object.name)).toEqual(Array.from({ length: recent.length }, (_, i) => `s${999 - i}`));
  });

  it('fails, rather than showing no events, when the log cannot be read', async () => {
    await writeFile(path.join(dir, 'file'), '');
    await expect(readRecentEvents(path.join(dir, 'file', 'events.jsonl'), 5)).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});

describe('state file', () => {
  it('passes each of its failpoints as it writes: the lock taken, the state read, the next one flushed, and renamed', async () => {
    const points = ['lock.acquired', 'state.read', 'state.temp-written', 'state.renamed'];
    vi.stubEnv('SITECTL_FAILPOINTS', points.map((point) => `${point}=touch(${path.join(dir, point)})`).join(';'));
    vi.resetModules(); // the failpoints are read once per module load
    try {
      const { FileStateBackend: WithFailpoints } = await import('./state-file.js');
      const backend = new WithFailpoints(path.join(dir, 'state.json'), { lockTimeoutMs: 100 });
      await backend.update((live) => ({ next: { ...live.state, revision: 1 }, events: [], result: null }));
      for (const point of points) expect(await readFile(path.join(dir, point), 'utf8')).toBe(point);
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });

  it('reads a missing file as the empty state and creates nothing', async () => {
    const backend = new FileStateBackend(path.join(dir, 'sub', 'state.json'), { lockTimeoutMs: 100 });
    expect((await backend.read()).state).toMatchObject({ revision: 0, servers: [], sites: [] });
    await expect(readFile(path.join(dir, 'sub', 'state.json'))).rejects.toThrow();
  });

  it('keeps fields it does not know when it writes', async () => {
    const file = path.join(dir, 'state.json');
    await writeFile(
      file,
      JSON.stringify({
        apiVersion: 'sitectl/v1',
        kind: 'LiveState',
        revision: 4,
        sites: [],
        servers: [],
        exportedBy: 'Export-SitectlLiveState.ps1',
      }),
    );
    const backend = new FileStateBackend(file, { lockTimeoutMs: 100 });
    await backend.update(({ state }) => ({ next: { ...state, revision: state.revision + 1 }, events: [], result: null }));
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ revision: 5, exportedBy: 'Export-SitectlLiveState.ps1' });
  });

  it("fingerprints the file's bytes, and reads a file with the same bytes again as the same snapshot", async () => {
    const file = path.join(dir, 'state.json');
    const backend = new FileStateBackend(file, { lockTimeoutMs: 100 });
    const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
    expect((await backend.read()).fingerprint).toBe(sha256(''));
    const text = JSON.stringify({ apiVersion: 'sitectl/v1', kind: 'LiveState', revision: 2, sites: [], servers: [] });
    await writeFile(file, text);
    const first = await backend.read();
    expect(first.fingerprint).toBe(sha256(text));
    expect(await backend.read()).toBe(first);
    await writeFile(file, text.replace('2', '3'));
    expect((await backend.read()).state.revision).toBe(3);
  });

  it('names a state file that cannot be read, and a snapshot that is not there', async () => {
    const folder = path.join(dir, 'state.json');
    await mkdir(folder);
    await expect(new FileStateBackend(folder, { lockTimeoutMs: 100 }).read()).rejects.toThrow(
      new StateFileError(`${folder}: cannot be read (EISDIR)`),
    );
    const missing = path.join(dir, 'live.json');
    await expect(new SnapshotSource(missing).read()).rejects.toThrow(new StateFileError(`${missing}: cannot be read (ENOENT)`));
  });

  it('records the events of an update that writes nothing, at the time given, and writes no state', async () => {
    const file = path.join(dir, 'state.json');
    const backend = new FileStateBackend(file, { lockTimeoutMs: 100, now: () => new Date('2026-12-02T09:00:00Z') });
    const event = {
      type: 'Warning' as const,
      reason: 'ProxyConflict' as const,
      message: 'held',
      object: { kind: 'SiteSystemServer' as const, name: 'a' },
    };
    expect(await backend.update(() => ({ next: null, events: [event], result: 'held' }))).toBe('held');
    await expect(stat(file)).rejects.toThrow();
    expect(await backend.readEvents()).toEqual([
      { ...event, count: 1, firstTimestamp: '2026-12-02T09:00:00.000Z', lastTimestamp: '2026-12-02T09:00:00.000Z' },
    ]);
    expect(await backend.recentEvents(1)).toEqual(await backend.readEvents());
    await expect(stat(`${file}.lock`)).rejects.toThrow();
  });

  it('removes the lock whose id it is given, and no other', async () => {
    const file = path.join(dir, 'state.json');
    const backend = new FileStateBackend(file, { lockTimeoutMs: 100 });
    const lock = await acquireLock(`${file}.lock`, 100);
    await expect(backend.forceUnlock('wrong')).rejects.toThrow(LockTimeoutError);
    await backend.forceUnlock(lock.info.id);
    await expect(stat(`${file}.lock`)).rejects.toThrow();
  });

  describe('a state staged ahead of its write', () => {
    const initial = JSON.stringify({ apiVersion: 'sitectl/v1', kind: 'LiveState', revision: 1, sites: [], servers: [] });
    const staged = async () => (await readdir(dir)).filter((name) => name.endsWith('.staged'));

    it("is flushed to a file beside the state, renamed over it by the update, with the state file's mode", async () => {
      const file = path.join(dir, 'state.json');
      await writeFile(file, initial);
      await chmod(file, 0o664); // group-writable: a umask of 022 would take that away
      const backend = new FileStateBackend(file, { lockTimeoutMs: 100 });
      const next: LiveState = { ...(await backend.read()).state, revision: 2 };
      backend.stage(next);
      await expect.poll(staged, { timeout: 10_000 }).toHaveLength(1); // flushed in the background
      const flushed = (await stat(path.join(dir, (await staged())[0]))).ino;
      expect(await readFile(file, 'utf8')).toBe(initial); // nothing written yet
      await backend.update(() => ({ next, events: [], result: null }));
      expect((await stat(file)).ino).toBe(flushed); // the file flushed ahead, renamed: not written again
      expect(await readFile(file, 'utf8')).toBe(serializeLiveState(next).toString('utf8'));
      expect((await stat(file)).mode & 0o777).toBe(0o664);
      expect(await readdir(dir)).toEqual(['state.json']);
    });

    it('is removed, not written, when the update writes another state or the watcher unstages it', async () => {
      const file = path.join(dir, 'state.json');
      await writeFile(file, initial);
      const backend = new FileStateBackend(file, { lockTimeoutMs: 100 });
      const { state } = await backend.read();
      backend.stage({ ...state, revision: 7 });
      await backend.update(() => ({ next: { ...state, revision: 2 }, events: [], result: null }));
      expect((JSON.parse(await readFile(file, 'utf8')) as LiveState).revision).toBe(2);
      expect(await staged()).toEqual([]);

      backend.stage({ ...state, revision: 3 });
      await expect.poll(staged, { timeout: 10_000 }).toHaveLength(1); // flushed in the background
      await backend.unstage();
      expect(await readdir(dir)).toEqual(['state.json']);
      expect((JSON.parse(await readFile(file, 'utf8')) as LiveState).revision).toBe(2);
    });

    it('first removes the staged files of processes that no longer run, and only those', async () => {
      const file = path.join(dir, 'state.json');
      await writeFile(file, initial);
      const exited = spawn(process.execPath, ['-e', '0']);
      const dead = exited.pid!;
      await new Promise((resolve) => exited.on('exit', resolve));
      const abandoned = `state.json.${dead}.0123abcd.staged`;
      const running = `state.json.${process.pid}.89abcdef.staged`; // another writer in this very process
      await writeFile(path.join(dir, abandoned), 'left behind');
      await writeFile(path.join(dir, running), 'about to be renamed');
      const backend = new FileStateBackend(file, { lockTimeoutMs: 100 });
      backend.stage({ ...(await backend.read()).state, revision: 2 });
      await expect.poll(async () => (await readdir(dir)).includes(abandoned), { timeout: 10_000 }).toBe(false);
      expect(await readdir(dir)).toContain(running);
      await backend.unstage();
    });

    it('replaces the file a symbolic link points to, and the link stays', async () => {
      const real = path.join(dir, 'real-state.json');
      const link = path.join(dir, 'state.json');
      await writeFile(real, initial);
      await symlink(real, link);
      const backend = new FileStateBackend(link, { lockTimeoutMs: 100 });
      const next: LiveState = { ...(await backend.read()).state, revision: 2 };
      backend.stage(next);
      await backend.update(() => ({ next, events: [], result: null }));
      expect((await lstat(link)).isSymbolicLink()).toBe(true);
      expect((JSON.parse(await readFile(real, 'utf8')) as LiveState).revision).toBe(2);
      expect(await staged()).toEqual([]);
    });
  });

  it('writes one entry per line, which reads back as the same state', () => {
    const state = {
      apiVersion: 'sitectl/v1' as const,
      kind: 'LiveState' as const,
      revision: 2,
      sites: [{ code: 'P01', type: 'PrimarySite', version: 2509, siteServer: 'cm01.contoso.com' }],
      servers: [
        { name: 'a.contoso.com', site: 'P01', proxy: null, roles: [] },
        {
          name: 'b.contoso.com',
          site: 'P01',
          proxy: { server: 'p', port: 80, account: 'CONTOSO\\x' },
          roles: [{ type: 'ManagementPoint' }],
        },
      ],
      accounts: [],
      managed: { servers: { 'b.contoso.com': { proxy: null, roles: [], revision: 2 } }, note: 'kept' },
    };
    const text = serializeLiveState(state).toString('utf8');
    expect(JSON.parse(text)).toEqual(state);
    expect(text.split('\n').filter((l) => l.includes('.contoso.com"'))).toHaveLength(4);
    expect(parseLiveState(text, 'x')).toEqual(state);
  });

  it('writes a state that shares objects with the last one written exactly as it writes a new one', () => {
    const a = { name: 'a.contoso.com', site: 'P01', proxy: null, roles: [] };
    const b = { name: 'b.contoso.com', site: 'P01', proxy: null, roles: [] };
    const record = { roles: [], revision: 1 };
    const state = (servers: object[], records: Record<string, object>) =>
      ({
        apiVersion: 'sitectl/v1' as const,
        kind: 'LiveState' as const,
        revision: 1,
        sites: [],
        servers,
        managed: { servers: records },
      }) as LiveState;
    const fresh = (s: LiveState) => serializeLiveState(JSON.parse(JSON.stringify(s)) as LiveState).toString('utf8');
    const steps = [
      state([a, b], { 'a.contoso.com': record }),
      state([a, { ...b, proxy: { server: 'p', port: 80, account: null } }], {
        'a.contoso.com': record,
        'b.contoso.com': { ...record, revision: 2 },
      }),
      state([b, a], { 'b.contoso.com': record, 'a.contoso.com': record }), // the same objects in other places, and under other keys
      state([a], {}),
    ];
    const expected = steps.map(fresh); // first: each write is remembered for the next
    expect(steps.map((s) => serializeLiveState(s).toString('utf8'))).toEqual(expected);
  });

  it.each([
    ['broken JSON', '{\n  "revision": 1\n  "servers": []\n}', /state\.json:3:3: not valid JSON/],
    ['another document', '{"apiVersion":"sitectl/v1","kind":"Plan"}', /not a LiveState document/],
    [
      'a proxy without a port',
      '{"apiVersion":"sitectl/v1","kind":"LiveState","revision":1,"sites":[],"servers":[{"name":"a","site":"P01","proxy":{"server":"p","account":null},"roles":[]}]}',
      /servers\/0\/proxy/,
    ],
  ])('refuses %s with a message naming the file', (_name, text, message) => {
    expect(() => parseLiveState(text, 'state.json')).toThrow(StateFileError);
    expect(() => parseLiveState(text, 'state.json')).toThrow(message);
  });
});
