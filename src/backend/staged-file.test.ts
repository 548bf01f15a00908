import { chmod, chown, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StagedFile } from './staged-file.js';

// StagedFile on its own; backend.test.ts has it under the state file (staging, sweeping, links).

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-staged-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('StagedFile', () => {
  it('creates a file that is not there yet where it is named, on commit and not before', async () => {
    const file = path.join(dir, 'state.json');
    const staged = await StagedFile.prepare(file, Buffer.from('next'));
    expect(staged).toBeDefined();
    expect(await readdir(dir)).toEqual([expect.stringMatching(new RegExp(`^state\\.json\\.${process.pid}\\.[0-9a-f]{8}\\.staged$`))]);
    await staged!.commit();
    expect(await readdir(dir)).toEqual(['state.json']);
    expect(await readFile(file, 'utf8')).toBe('next');
  });

  it('gives the file it replaces its mode, whatever the umask', async () => {
    const file = path.join(dir, 'state.json');
    await writeFile(file, 'old');
    await chmod(file, 0o606);
    await (await StagedFile.prepare(file, Buffer.from('next')))!.commit();
    expect((await stat(file)).mode & 0o777).toBe(0o606);
  });

  it.runIf(process.getuid?.() === 0)('gives the file it replaces its owner, when run as root', async () => {
    const file = path.join(dir, 'state.json');
    await writeFile(file, 'old');
    await chown(file, 4321, 4322);
    await (await StagedFile.prepare(file, Buffer.from('next')))!.commit();
    expect(await stat(file)).toMatchObject({ uid: 4321, gid: 4322 });
  });

  it('is undefined, leaving nothing, when it cannot write beside the file', async () => {
    expect(await StagedFile.prepare(path.join(dir, 'missing', 'state.json'), Buffer.from('next'))).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
  });

  it('is removed by discard, and the file stays as it was', async () => {
    const file = path.join(dir, 'state.json');
    await writeFile(file, 'old');
    await (await StagedFile.prepare(file, Buffer.from('next')))!.discard();
    expect(await readdir(dir)).toEqual(['state.json']);
    expect(await readFile(file, 'utf8')).toBe('old');
  });

  it('finds nothing to remove beside a file whose folder is not there', async () => {
    await expect(StagedFile.removeAbandoned(path.join(dir, 'missing', 'state.json'))).resolves.toBeUndefined();
  });

  it('removes only staged files of its own file and of the shape it writes', async () => {
    const dead = 2 ** 22 + 1; // above the largest pid Linux allows (2^22): no process runs with it
    const kept = [`other.json.${dead}.0123abcd.staged`, `state.json.${dead}.0123abcd.staged.bak`, `state.json.x${dead}.0123abcd.staged`];
    for (const name of [...kept, `state.json.${dead}.0123abcd.staged`]) await writeFile(path.join(dir, name), '');
    await StagedFile.removeAbandoned(path.join(dir, 'state.json'));
    expect((await readdir(dir)).sort()).toEqual([...kept].sort());
  });
});
