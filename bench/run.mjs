// `npm run bench`: runs the benchmarks, prints a table and writes bench/results.json so runs
// can be compared. Sizes: SITECTL_BENCH_SIZES (default 1000,20000,125000); watch latency and
// the ConfigMgr backend on the simulated site are measured on the sizes up to 20,000
// (SITECTL_BENCH_EDITS edits, default 50). Speed is measured here, never in the test suite.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureCold } from './cold.mjs';
import { measureConfigMgr, powershell } from './configmgr.mjs';
import { measureImport } from './import.mjs';
import { measureStatus } from './status.mjs';
import { measureWatch } from './watch-latency.mjs';

const sizes = (process.env.SITECTL_BENCH_SIZES ?? '1000,20000,125000').split(',').map(Number);
const edits = Number(process.env.SITECTL_BENCH_EDITS ?? 50);
// SITECTL_BENCH_ONLY=cold,watch,status,configmgr,import runs some parts; results.json keeps the others' last figures.
const only = new Set((process.env.SITECTL_BENCH_ONLY ?? 'cold,watch,status,configmgr,import').split(','));
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results.json');
const previous = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : {};
const date = new Date().toISOString();
const results = { ...previous, date, node: process.version, dates: { cold: previous.date, watch: previous.date, ...previous.dates } };
for (const part of only) {
  results[part] = [];
  results.dates[part] = date;
}

if (only.has('cold'))
  console.log(
    'servers  floor ms  validate ms cached | uncached (x floor)  diff ms cached | uncached (x floor)  diff/s  apply 1% ms  peak RSS MB (validate/diff/apply)',
  );
for (const servers of only.has('cold') ? sizes : []) {
  const c = measureCold(servers, servers >= 100_000 ? 1 : 5);
  results.cold.push(c);
  const pair = (a, ar, b, br) => `${a} (${ar}) | ${b} (${br})`;
  console.log(
    `${String(servers).padStart(7)}  ${String(c.floorMs).padStart(8)}  ${pair(c.validateMs, c.validateRatio, c.validateUncachedMs, c.validateUncachedRatio).padStart(37)}  ${pair(c.diffMs, c.diffRatio, c.diffUncachedMs, c.diffUncachedRatio).padStart(33)}  ${String(c.diffManifestsPerSecond).padStart(6)}  ${String(c.apply1PercentMs).padStart(11)}  ${c.peakRssMb.validate}/${c.peakRssMb.diff}/${c.peakRssMb.apply}`,
  );
}
for (const servers of only.has('watch') ? sizes.filter((s) => s <= 20_000) : []) {
  const w = await measureWatch(servers, edits);
  results.watch.push(w);
  console.log(
    `watch ${String(servers).padStart(7)} servers: edit-to-applied median ${w.medianMs} ms, p95 ${w.p95Ms} ms over ${w.edits} edits (debounce ${w.debounceMs} ms; first apply ${w.initialApplyMs} ms)`,
  );
}
for (const servers of only.has('status') ? sizes.filter((s) => s <= 20_000) : []) {
  const m = await measureStatus(servers, edits);
  results.status.push(m);
  console.log(
    `status ${String(servers).padStart(7)} servers: median pass ${m.passMsWithout} ms without --health-addr, ${m.passMsWith} ms with it while the page and /metrics load every second (edit-to-applied ${m.editToAppliedMsWithout} / ${m.editToAppliedMsWith} ms); page ${m.pageMs} ms (${m.pageKb} KB), last page ${m.lastPageMs} ms, /metrics ${m.metricsMs} ms over HTTP; in process, a pass in line: counting its sync states ${m.syncCountMs} ms (every pass), listing them ${m.syncListMs} ms (when the page is loaded), rendering a page of a fresh view ${m.renderMs} ms, the metrics text ${m.metricsTextMs} ms`,
  );
}
for (const servers of only.has('import') ? sizes : []) {
  const m = measureImport(servers, servers >= 100_000 ? 3 : 5);
  results.import.push(m);
  console.log(
    `import ${String(servers).padStart(7)} servers: ${m.importMs} ms (peak RSS ${m.importPeakRssMb} MB); diff of the same hierarchy ${m.diffMs} ms cached, ${m.diffUncachedMs} ms uncached`,
  );
}
// The ConfigMgr backend on the simulated site, up to 20,000 servers, when PowerShell is here.
const pwsh = only.has('configmgr') ? powershell() : undefined;
if (only.has('configmgr') && !pwsh) console.log('configmgr: skipped, no pwsh (see README: the PowerShell tests)');
for (const servers of pwsh ? sizes.filter((s) => s <= 20_000) : []) {
  const m = measureConfigMgr(servers, pwsh);
  results.configmgr.push(m);
  const row = (name, r) =>
    `configmgr ${String(servers).padStart(7)} servers, ${name}: ${r.ms} ms (simulator ${r.simulatorMs} ms, of which reading its site at import ${r.simulatorImportMs} ms; sitectl and PowerShell ${r.sitectlMs} ms); calls ${Object.entries(
      r.calls,
    )
      .map(([c, n]) => `${c} ${n}`)
      .join(', ')}`;
  console.log(row('diff, nothing to do', m.diff));
  console.log(row(`apply of a 1% change (${m.changed} servers)`, m.apply1Percent));
  console.log(`configmgr ${String(servers).padStart(7)} servers: PowerShell starts in ${m.powershellStartMs} ms`);
}
writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
console.log(`written to ${path.relative(process.cwd(), out)}`);
