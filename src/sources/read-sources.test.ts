import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSources, type KnownBytes } from './read-sources.js';

const noStdin = (): Promise<Uint8Array> => Promise.reject(new Error('no stdin here'));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-read-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const read = async (known?: KnownBytes) => {
  const { sources } = await readSources([dir], noStdin, dir, known);
  return new Map(sources.map((s) => [s.file, s.bytes]));
};
const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes!).toString('utf8');

describe('readSources with the bytes read before', () => {
  it('gives back the very buffer of a file that holds the same bytes, and new bytes for one that changed', async () => {
    await writeFile(path.join(dir, 'a.yaml'), 'apiVersion: sitectl/v1\nkind: Site\n');
    await writeFile(path.join(dir, 'b.yaml'), 'apiVersion: sitectl/v1\nkind: Proxy\n');
    await writeFile(path.join(dir, 'c.yaml'), 'apiVersion: sitectl/v1\nkind: Site\n');
    const first = await read();

    await writeFile(path.join(dir, 'b.yaml'), 'apiVersion: sitectl/v1\nkind: Proxx\n'); // same size, other bytes
    await writeFile(path.join(dir, 'c.yaml'), 'apiVersion: sitectl/v1\nkind: SiteSystemServer\n'); // grew
    const second = await read(first);
    expect(second.get('a.yaml')).toBe(first.get('a.yaml'));
    expect(text(second.get('b.yaml'))).toBe('apiVersion: sitectl/v1\nkind: Proxx\n');
    expect(text(second.get('c.yaml'))).toBe('apiVersion: sitectl/v1\nkind: SiteSystemServer\n');

    // A buffer given back never shares memory with the next read.
    await writeFile(path.join(dir, 'b.yaml'), 'apiVersion: sitectl/v1\nkind: Proxz\n');
    const third = await read(second);
    expect(text(second.get('b.yaml'))).toBe('apiVersion: sitectl/v1\nkind: Proxx\n');
    expect(text(third.get('b.yaml'))).toBe('apiVersion: sitectl/v1\nkind: Proxz\n');
    expect(third.get('a.yaml')).toBe(first.get('a.yaml'));
  });

  it('reads a file that shrank, or that the known bytes do not name, as it is', async () => {
    await writeFile(path.join(dir, 'a.yaml'), 'apiVersion: sitectl/v1\nkind: SiteSystemServer\n');
    const first = await read();
    await writeFile(path.join(dir, 'a.yaml'), 'apiVersion: sitectl/v1\nkind: Site\n');
    await writeFile(path.join(dir, 'new.yaml'), 'apiVersion: sitectl/v1\nkind: Proxy\n');
    const second = await read(first);
    expect(text(second.get('a.yaml'))).toBe('apiVersion: sitectl/v1\nkind: Site\n');
    expect(text(second.get('new.yaml'))).toBe('apiVersion: sitectl/v1\nkind: Proxy\n');
  });
});
