import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStateBackend } from '../src/backend/state-file.js';
import { applyChecked, checkManifests, newPassMemo, planChecked, type PassOptions } from '../src/reconcile/pass.js';
import { readSources } from '../src/sources/read-sources.js';
import { ROOT } from './support/cli.js';

// A watcher's passes reuse what earlier passes resolved, judged and planned (PassMemo). This
// runs one series of edits twice over the same folder, once with a memo carried from pass to
// pass and once from scratch, and requires the same reports, the same plans and the same
// state file, byte for byte, after every step.

let dir: string;
let repo: string;
const options: PassOptions = { today: '2026-11-26', prune: false, strict: false };
const noStdin = (): Promise<Uint8Array> => Promise.resolve(new Uint8Array());

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-memo-'));
  repo = path.join(dir, 'repo');
  await cp(path.join(ROOT, 'examples/contoso'), repo, { recursive: true });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function edit(file: string, change: (text: string) => string): Promise<void> {
  const full = path.join(repo, file);
  const before = await readFile(full, 'utf8');
  const after = change(before);
  expect(after, `the edit of ${file} changes it`).not.toBe(before);
  await writeFile(full, after);
}

/** editState changes both state files the same way, as a change made on the site would. */
async function editState(files: readonly string[], change: (text: string) => string): Promise<void> {
  for (const file of files) {
    const before = await readFile(file, 'utf8');
    expect(change(before), `the edit of ${file} changes it`).not.toBe(before);
    await writeFile(file, change(before));
  }
}

const EDITS: [name: string, run: (states: readonly string[]) => Promise<void>][] = [
  ['nothing yet: the first pass', async () => {}],
  [
    'a server takes another proxy',
    () => edit('P01/servers.yaml', (t) => t.replace('proxy: { ref: corp-eu }', 'proxy: { ref: corp-eu-anon }')),
  ],
  ['nothing changed', async () => {}],
  [
    'a named proxy changes port, which every server that uses it follows',
    () => edit('proxies/proxies.yaml', (t) => t.replace('port: 8080', 'port: 8081')),
  ],
  [
    'a SiteSystemRole document changes',
    () => edit('P01/roles/exchange-connector.yaml', (t) => t.replace('proxy: { ref: corp-eu }', 'proxy: { ref: corp-eu-anon }')),
  ],
  ['a file breaks', () => edit('P02/servers.yaml', (t) => t.replace('kind: SiteSystemServer', 'kind: SiteSystemServer\n  bad: [indent'))],
  [
    'the file is fixed',
    () => edit('P02/servers.yaml', (t) => t.replace('kind: SiteSystemServer\n  bad: [indent', 'kind: SiteSystemServer')),
  ],
  [
    'the site changes the proxy of a server sitectl manages (drift)',
    (states) => editState(states, (t) => t.replace('"port":3128', '"port":3129')),
  ],
  ['a site moves to another version', () => edit('P01/site.yaml', (t) => t.replace('version: 2509', 'version: 2603'))],
  [
    'a server leaves the manifests',
    () =>
      edit('P01/servers.yaml', (t) =>
        t.replace(/---\napiVersion: sitectl\/v1\nkind: SiteSystemServer\nmetadata:\n {2}name: cm-p01-mp2[\s\S]*?(?=---)/, ''),
      ),
  ],
  [
    'a second document names a server already declared',
    () =>
      edit(
        'P02/site.yaml',
        (t) => `${t}---\napiVersion: sitectl/v1\nkind: SiteSystemServer\nmetadata:\n  name: CM-P01.eu.contoso.com\nspec:\n  site: P01\n`,
      ),
  ],
  [
    'a server is declared again under another proxy',
    () =>
      edit('P02/site.yaml', (t) =>
        t.replace(
          /---\napiVersion: sitectl\/v1\nkind: SiteSystemServer[\s\S]*$/,
          `---\napiVersion: sitectl/v1\nkind: SiteSystemServer\nmetadata:\n  name: cm-p01-mp2.eu.contoso.com\nspec:\n  site: P01\n  proxy: { ref: corp-us }\n`,
        ),
      ),
  ],
];

describe('watch passes with a memo', () => {
  it('report, plan and write exactly what passes without one do', async () => {
    const memo = newPassMemo();
    const states = [path.join(dir, 'memo', 'state.json'), path.join(dir, 'fresh', 'state.json')];
    const [withMemo, fresh] = states.map(
      (file) => new FileStateBackend(file, { lockTimeoutMs: 5000, now: () => new Date('2026-11-26T00:00:00Z') }),
    );
    let applied = 0;
    const invalid: string[] = [];
    for (const [name, run] of EDITS) {
      await run(states);
      const input = await readSources([repo], noStdin, dir);
      const checked = [checkManifests(input, options, memo), checkManifests(input, options)] as const;
      expect(checked[0].report, name).toEqual(checked[1].report);
      if (checked[0].invalid) {
        invalid.push(name);
        continue;
      }

      // monitor mode plans without writing; autocorrect applies
      const [liveA, liveB] = [await withMemo.read(), await fresh.read()];
      expect(planChecked(checked[0], liveA.state, liveA.fingerprint, options, memo), name).toEqual(
        planChecked(checked[1], liveB.state, liveB.fingerprint, options),
      );
      const results = [await applyChecked(checked[0], withMemo, options, memo), await applyChecked(checked[1], fresh, options)];
      expect(results[0], name).toEqual(results[1]);
      if (results[0].applied) applied++;
      const written = await readFile(states[0], 'utf8');
      expect(written, name).toBe(await readFile(states[1], 'utf8'));
      expect(JSON.parse(written), name).toEqual((await fresh.read()).state);
    }
    // The series must have exercised what it names: applies, and the two invalid steps.
    expect(applied).toBeGreaterThanOrEqual(6);
    expect(invalid).toEqual(['a file breaks', 'a second document names a server already declared']);
  });
});
