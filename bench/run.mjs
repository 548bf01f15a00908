// `npm run bench`: runs the benchmarks, prints a table and writes bench/results.json so runs
// can be compared. Sizes: SITECTL_BENCH_SIZES=1000,20000 (default). Speed is measured here,
// never in the test suite.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureWatch } from './watch-latency.mjs';

const sizes = (process.env.SITECTL_BENCH_SIZES ?? '1000,20000').split(',').map(Number);
const edits = Number(process.env.SITECTL_BENCH_EDITS ?? 50);
const results = { date: new Date().toISOString(), node: process.version, watch: [] };
for (const servers of sizes) {
  const r = await measureWatch(servers, edits);
  results.watch.push(r);
  console.log(`watch ${String(servers).padStart(7)} servers: edit-to-applied median ${r.medianMs} ms, p95 ${r.p95Ms} ms over ${r.edits} edits (debounce ${r.debounceMs} ms; first apply ${r.initialApplyMs} ms)`);
}
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results.json');
writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
console.log(`written to ${path.relative(process.cwd(), out)}`);
