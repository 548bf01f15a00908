// `sitectl import` of a whole site against a `diff` of the same hierarchy: the live state is
// the state file that applying a generated repository made, the import writes a fresh folder
// each run, and the diff plans the generated repository against that state, with the
// manifest cache filled (a repeated run) and with it off (a first run).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, run } from './cold.mjs';
import { generateRepo } from './generate.mjs';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist/sitectl.js');

/** measureImport returns the median import and diff times for one hierarchy size. */
export function measureImport(servers, runs) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sitectl-bench-import-'));
  try {
    const repo = path.join(dir, 'repo');
    generateRepo(repo, servers);
    const state = path.join(dir, 'state.json');
    run([CLI, 'apply', '-f', repo, '--state', state], dir);
    const samples = { import: [], diff: [], diffUncached: [], rss: 0 };
    for (let i = 0; i < runs; i++) {
      const out = path.join(dir, `imported-${i}`);
      const imported = run([CLI, 'import', '--live', state, '-o', out], dir);
      samples.import.push(imported.ms);
      samples.rss = Math.max(samples.rss, imported.rssMb);
      rmSync(out, { recursive: true, force: true });
      samples.diff.push(run([CLI, 'diff', '-f', repo, '--state', state, '-o', 'json'], dir).ms);
      samples.diffUncached.push(run([CLI, 'diff', '-f', repo, '--state', state, '-o', 'json'], dir, 'off').ms);
    }
    const r = (list) => Math.round(median(list));
    return {
      servers,
      runs,
      importMs: r(samples.import),
      diffMs: r(samples.diff),
      diffUncachedMs: r(samples.diffUncached),
      importPeakRssMb: Math.round(samples.rss),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
