import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, sitectl } from './support/cli.js';

// The manifest cache (src/sources/manifest-cache.ts) is only a shortcut: a run that reads
// files from it must print exactly what a run that parsed them prints, positions included.

const scratch = () => mkdtempSync(path.join(tmpdir(), 'sitectl-cache-'));
const cacheFiles = (folder: string) => (existsSync(folder) ? readdirSync(folder).filter((n) => n.endsWith('.json')) : []);
const readCache = (folder: string) =>
  JSON.parse(readFileSync(path.join(folder, cacheFiles(folder)[0]), 'utf8')) as {
    entries: Record<string, { documents: { spec: { proxy?: { port?: number } } }[] }>;
  };

const MISTAKES = path.join(ROOT, 'examples/mistakes');

describe('the manifest cache', () => {
  it.concurrent.each(readdirSync(MISTAKES).sort())(
    '%s: the run that reads the cache reports exactly what the run that filled it did',
    async (folder) => {
      const env = { SITECTL_CACHE: path.join(scratch(), 'cache') };
      const args = ['validate', '-f', path.join('examples/mistakes', folder), '-o', 'json'];
      const first = await sitectl(args, { env });
      const second = await sitectl(args, { env });
      expect(second).toEqual(first);
    },
  );

  it('gives diff the same plan from the cache as from the files', async () => {
    const env = { SITECTL_CACHE: path.join(scratch(), 'cache') };
    const args = [
      'diff',
      '-f',
      'examples/gitops-repo/sites',
      '-f',
      'examples/gitops-repo/proxies',
      '--live',
      'examples/gitops-repo/live/export.json',
      '-o',
      'json',
    ];
    const first = await sitectl(args, { env });
    expect(first.code).toBe(1);
    expect(cacheFiles(env.SITECTL_CACHE)).toHaveLength(1);
    expect(await sitectl(args, { env })).toEqual(first);
  });

  it('counts the same documents and files in the text report from the cache', async () => {
    const env = { SITECTL_CACHE: path.join(scratch(), 'cache') };
    const first = await sitectl(['validate', '-f', 'examples/contoso'], { env });
    expect(first.stdout).toMatch(/\d+ documents in \d+ files/);
    expect(await sitectl(['validate', '-f', 'examples/contoso'], { env })).toEqual(first);
  });

  it('answers for a file from the cache when its bytes are unchanged, and parses it again once they change', async () => {
    const dir = scratch();
    const cache = path.join(dir, 'cache');
    await cp(path.join(ROOT, 'examples/contoso'), path.join(dir, 'contoso'), { recursive: true });
    const args = ['diff', '-f', 'contoso', '--state', 'state.json', '-o', 'json'];
    const ports = (stdout: string) =>
      new Set((JSON.parse(stdout) as { changes: { after: { proxy: { port: number } | null } }[] }).changes.map((c) => c.after.proxy?.port));
    const parsed = await sitectl(args, { cwd: dir, env: { SITECTL_CACHE: cache } });
    expect(ports(parsed.stdout).has(4242)).toBe(false);

    // Change what the cache says about every server with a proxy: only a run that reads the cache can print port 4242.
    const file = path.join(cache, cacheFiles(cache)[0]);
    const document = readCache(cache);
    for (const entry of Object.values(document.entries))
      for (const doc of entry.documents) if (doc.spec.proxy?.port) doc.spec.proxy.port = 4242;
    writeFileSync(file, JSON.stringify(document));
    expect(ports((await sitectl(args, { cwd: dir, env: { SITECTL_CACHE: cache } })).stdout).has(4242)).toBe(true);

    // Any edit to a file is a new content hash: that file is parsed again, and the cache keeps only current files.
    const files = readdirSync(path.join(dir, 'contoso'), { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.yaml'));
    for (const name of files)
      writeFileSync(path.join(dir, 'contoso', name), readFileSync(path.join(dir, 'contoso', name), 'utf8') + '\n# edited\n');
    const again = await sitectl(args, { cwd: dir, env: { SITECTL_CACHE: cache } });
    expect(again.stdout).toBe(parsed.stdout);
    expect(Object.keys(readCache(cache).entries)).toHaveLength(files.length);
  });

  it('ignores a corrupt cache file and writes a sound one in its place', async () => {
    const cache = path.join(scratch(), 'cache');
    const args = ['validate', '-f', 'examples/contoso', '-o', 'json'];
    const first = await sitectl(args, { env: { SITECTL_CACHE: cache } });
    const file = path.join(cache, cacheFiles(cache)[0]);
    for (const damage of [
      '{"format":"sitectl-manifest-cache/1","entr',
      '{"format":"sitectl-manifest-cache/1","build":"x","entries":{}}',
      'null',
    ]) {
      writeFileSync(file, damage);
      expect(await sitectl(args, { env: { SITECTL_CACHE: cache } })).toEqual(first);
      expect(Object.keys(readCache(cache).entries).length).toBeGreaterThan(0);
    }
  });

  it('ignores a cache file that someone else could have written', async () => {
    const cache = path.join(scratch(), 'cache');
    const args = ['diff', '-f', 'examples/contoso', '--state', path.join(scratch(), 'state.json'), '-o', 'json'];
    const first = await sitectl(args, { env: { SITECTL_CACHE: cache } });
    const file = path.join(cache, cacheFiles(cache)[0]);
    const document = readCache(cache);
    for (const entry of Object.values(document.entries))
      for (const doc of entry.documents) if (doc.spec.proxy?.port) doc.spec.proxy.port = 4242;
    writeFileSync(file, JSON.stringify(document));
    chmodSync(file, 0o666); // writable by anyone: not to be trusted
    const second = await sitectl(args, { env: { SITECTL_CACHE: cache } });
    expect(second.stdout).not.toContain('4242');
    expect(second).toEqual(first);
  });

  it('lives in $XDG_CACHE_HOME/sitectl, else ~/.cache/sitectl, and SITECTL_CACHE=off turns it off', async () => {
    const home = scratch();
    const env = { HOME: home, XDG_CACHE_HOME: '', SITECTL_CACHE: '' };
    await sitectl(['validate', '-f', 'examples/contoso'], { env });
    expect(cacheFiles(path.join(home, '.cache/sitectl'))).toHaveLength(1);
    await sitectl(['validate', '-f', 'examples/contoso'], { env: { ...env, XDG_CACHE_HOME: path.join(home, 'xdg') } });
    expect(cacheFiles(path.join(home, 'xdg/sitectl'))).toHaveLength(1);

    const off = scratch();
    const result = await sitectl(['validate', '-f', 'examples/contoso'], { env: { HOME: off, XDG_CACHE_HOME: '', SITECTL_CACHE: 'off' } });
    expect(result.code).toBe(0);
    expect(readdirSync(off)).toEqual([]);
  });

  it('does not fail a run when the cache cannot be written', async () => {
    const dir = scratch();
    writeFileSync(path.join(dir, 'a-file'), '');
    const args = ['validate', '-f', 'examples/contoso', '-o', 'json'];
    const expected = await sitectl(args, { env: { SITECTL_CACHE: 'off' } });
    expect(await sitectl(args, { env: { SITECTL_CACHE: path.join(dir, 'a-file', 'cache') } })).toEqual(expected);
  });
});
