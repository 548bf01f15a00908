import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SITE_P01, server } from './manifests.js';

/**
 * writeVariant writes a folder of `count` servers that all use proxy port `port`, so a state
 * written from it can be told apart from any other variant, server by server.
 */
export async function writeVariant(folder: string, count: number, port: number): Promise<void> {
  await mkdir(folder, { recursive: true });
  const docs = [SITE_P01];
  for (let i = 0; i < count; i++)
    docs.push(server(`s${i}.contoso.com`, `  site: P01\n  proxy: { server: proxy.contoso.com, port: ${port} }\n`));
  await writeFile(path.join(folder, 'servers.yaml'), docs.join('---\n'));
}

/** portsOf lists the distinct proxy ports of a state's servers: one port means no mix of writes. */
export function portsOf(state: { readonly servers: readonly { readonly proxy: { readonly port: number } | null }[] }): number[] {
  return [...new Set(state.servers.map((s) => s.proxy?.port ?? 0))];
}

/** seeded is a small deterministic PRNG (mulberry32), so random kill times repeat run to run. */
export function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
