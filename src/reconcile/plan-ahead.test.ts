import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { server, SITE_P01, sources } from '../../test/support/manifests.js';
import { FileStateBackend } from '../backend/state-file.js';
import { serializeLiveState } from '../backend/state-document.js';
import type { LiveState } from '../model/live.js';
import { applyChecked, applyManifests, checkManifests, planAhead } from './pass.js';

const OPTIONS = { today: '2026-11-26', prune: false, strict: false };
const manifests = (servers: Record<string, number>) =>
  checkManifests(
    {
      sources: sources({
        'site.yaml': [
          SITE_P01,
          ...Object.entries(servers).map(([name, port]) =>
            server(name, `  site: P01\n  proxy: { server: proxy.contoso.com, port: ${port} }\n`),
          ),
        ].join('---\n'),
      }),
      diagnostics: [],
    },
    OPTIONS,
  );

let dir: string;
let state: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-ahead-'));
  state = path.join(dir, 'state.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a plan made ahead of the writer lock', () => {
  it('is written as made when the live state is still the one it was made from', async () => {
    const backend = new FileStateBackend(state, { lockTimeoutMs: 1000 });
    const checked = manifests({ 'cm02.contoso.com': 8080 });
    const ahead = await planAhead(checked, backend, OPTIONS);
    const result = await applyChecked(checked, backend, OPTIONS, undefined, ahead);
    expect(result.plan).toBe(ahead.transaction.result.plan);
    expect(result).toMatchObject({ applied: true, revision: 1 });
    expect(await readFile(state, 'utf8')).toBe(serializeLiveState(ahead.transaction.next!).toString('utf8'));
  });

  it('is planned again, on the state as it is, when another writer changed it meanwhile', async () => {
    const watcher = new FileStateBackend(state, { lockTimeoutMs: 1000 });
    const checked = manifests({ 'cm02.contoso.com': 8080 });
    const ahead = await planAhead(checked, watcher, OPTIONS);
    // Another process applies other manifests between the plan and the write.
    const other = new FileStateBackend(state, { lockTimeoutMs: 1000 });
    const input = {
      sources: sources({
        'site.yaml': [
          SITE_P01,
          server('cm02.contoso.com', '  site: P01\n  proxy: { server: proxy.contoso.com, port: 9090 }\n'),
          server('cm03.contoso.com', '  site: P01\n'),
        ].join('---\n'),
      }),
      diagnostics: [],
    };
    expect((await applyManifests(input, other, OPTIONS)).revision).toBe(1);

    const result = await applyChecked(checked, watcher, OPTIONS, undefined, ahead);
    expect(result.plan).not.toBe(ahead.transaction.result.plan);
    expect(result).toMatchObject({ applied: true, revision: 2 });
    const written = JSON.parse(await readFile(state, 'utf8')) as LiveState;
    expect(written.revision).toBe(2);
    expect(written.servers.map((s) => [s.name, s.proxy?.port ?? null])).toEqual([
      ['cm02.contoso.com', 8080],
      ['cm03.contoso.com', null],
    ]);
  });

  it('never lets a state rendered ahead stand in for another one', async () => {
    const backend = new FileStateBackend(state, { lockTimeoutMs: 1000 });
    const first = await planAhead(manifests({ 'cm02.contoso.com': 8080 }), backend, OPTIONS); // renders its state ahead
    const checked = manifests({ 'cm02.contoso.com': 8081 });
    await applyChecked(checked, backend, OPTIONS);
    expect(first.transaction.next).not.toBeNull();
    expect((JSON.parse(await readFile(state, 'utf8')) as LiveState).servers[0].proxy?.port).toBe(8081);
  });
});
