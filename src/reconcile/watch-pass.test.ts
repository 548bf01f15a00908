import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { server, SITE_P01 } from '../../test/support/manifests.js';
import { FileStateBackend } from '../backend/state-file.js';
import type { LiveState } from '../model/live.js';
import { newWatchMemory, watchPass, type PassContext, type WatchMemory } from './watch-pass.js';

const manifest = (port: number) =>
  `${SITE_P01}---\n${server('cm02.contoso.com', `  site: P01\n  proxy: { server: proxy.contoso.com, port: ${port} }\n`)}`;

let dir: string;
let file: string;
let state: string;
let memory: WatchMemory;
const context = (
  settled: () => Promise<boolean> = () => Promise.resolve(true),
  changed = () => false,
  unchanged = () => {},
): PassContext => ({
  paths: ['config'],
  cwd: dir,
  backend: new FileStateBackend(state, { lockTimeoutMs: 1000 }),
  mode: 'autocorrect',
  options: { today: '2026-11-26', prune: false, strict: false },
  settled,
  changed,
  unchanged,
});
const port = async () => (JSON.parse(await readFile(state, 'utf8')) as LiveState).servers[0].proxy?.port;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-pass-'));
  file = path.join(dir, 'config', 'servers.yaml');
  state = path.join(dir, 'state.json');
  await mkdir(path.dirname(file));
  await writeFile(file, manifest(8080));
  memory = newWatchMemory();
  expect(await watchPass('start', memory, context())).toMatchObject({ outcome: 'applied', revision: 1 });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('watchPass', () => {
  it('writes nothing when the files changed while it waited, even if no file event said so', async () => {
    await writeFile(file, manifest(8081));
    const changedUnseen = async () => {
      await writeFile(file, manifest(8082)); // an edit whose event was dropped or came early
      return true;
    };
    expect(await watchPass('change', memory, context(changedUnseen))).toEqual({ outcome: 'superseded' });
    expect(await port()).toBe(8080);
    expect((await readdir(dir)).filter((name) => name.endsWith('.staged'))).toEqual([]); // the state it staged is gone
    // The pass that follows plans from what the files hold.
    expect(await watchPass('change', memory, context())).toMatchObject({ outcome: 'applied', revision: 2 });
    expect(await port()).toBe(8082);
  });

  it('starts over at once, without waiting for the files to settle, when a change seen while checking left other bytes', async () => {
    await writeFile(file, manifest(8081));
    let waited = false;
    const settled = () => Promise.resolve((waited = true));
    let saved = false;
    const savedWhileChecking = () => {
      if (saved) return false;
      saved = true;
      writeFileSync(file, manifest(8082)); // the rest of the save, whose event came while the pass checked
      return true;
    };
    expect(await watchPass('change', memory, context(settled, savedWhileChecking))).toEqual({ outcome: 'superseded' });
    expect(waited).toBe(false);
    expect(await port()).toBe(8080);
  });

  it('goes on when a change seen while checking left the bytes it read, and says so to settling', async () => {
    await writeFile(file, manifest(8081));
    let unchanged = 0;
    expect(
      await watchPass(
        'change',
        memory,
        context(
          undefined,
          () => true,
          () => unchanged++,
        ),
      ),
    ).toMatchObject({ outcome: 'applied', revision: 2 });
    expect(unchanged).toBeGreaterThan(0);
    expect(await port()).toBe(8081);
  });

  it('acts on the files as it read them when they did not settle in time', async () => {
    await writeFile(file, manifest(8081));
    const neverSettled = async () => {
      await writeFile(file, manifest(8082)); // still changing
      return false;
    };
    expect(await watchPass('change', memory, context(neverSettled))).toMatchObject({ outcome: 'applied', revision: 2 });
    expect(await port()).toBe(8081);
  });

  it('keeps in force the last valid manifests that settled, not ones a superseded pass saw', async () => {
    await writeFile(file, manifest(8081));
    const brokenMeanwhile = async () => {
      await writeFile(file, manifest(8082).replace('port: 8082', 'port: eighty'));
      return true;
    };
    expect(await watchPass('change', memory, context(brokenMeanwhile))).toEqual({ outcome: 'superseded' });
    expect(await watchPass('change', memory, context())).toMatchObject({ outcome: 'invalid', revision: 1 });
    expect(await port()).toBe(8080);
  });
});
