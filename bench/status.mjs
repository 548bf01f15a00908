// Measures what the watcher's status page and metrics cost: the same watch run (edits to one
// server of a generated repository) without --health-addr, then with it while a client loads
// the page and /metrics once a second (an open browser tab and a Prometheus scrape), and how
// long the page (first and last of its pages) and /metrics take to serve.
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { generateRepo } from './generate.mjs';
import { measureWatch } from './watch-latency.mjs';

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function timed(url) {
  const start = performance.now();
  const response = await fetch(url);
  const text = await response.text();
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return { ms: performance.now() - start, bytes: Buffer.byteLength(text) };
}

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');

/** renderCost times, in this process, rendering the first page of a fresh view of `servers` servers (ordering them included) and the metrics text. */
async function renderCost(servers) {
  const { renderStatusPage } = await import(pathToFileURL(path.join(DIST, 'reconcile/status-page/page.js')).href);
  const { countSyncStates } = await import(pathToFileURL(path.join(DIST, 'plan/sync-state.js')).href);
  const { WatchMetrics } = await import(pathToFileURL(path.join(DIST, 'reconcile/metrics.js')).href);
  const states = ['InSync', 'InSync', 'InSync', 'Pending', 'Drifted', 'Held', 'Unmanaged'];
  const list = Array.from({ length: servers }, (_, i) => ({
    name: `server-${String(i).padStart(6, '0')}.contoso.com`,
    site: 'P01',
    state: states[i % states.length],
    reason: i % states.length < 3 ? '' : 'would update: proxy to proxy.contoso.com:8080 as System',
    source: { file: `sites/P01/servers-${i % 64}.yaml`, line: 1 + (i % 100) * 12, column: 9 },
  }));
  const metrics = new WatchMetrics();
  const page = [];
  const text = [];
  for (let run = 0; run < 21; run++) {
    const view = { servers: () => list, counts: countSyncStates(list), at: new Date().toISOString() };
    metrics.syncChanged(view);
    const status = { passes: 1, running: false, failures: 0, last: null, lastSuccess: null, sync: view };
    let start = performance.now();
    renderStatusPage({ status, conditions: [], events: [], query: new URLSearchParams() }); // a new view: ordered afresh
    page.push(performance.now() - start);
    start = performance.now();
    await metrics.text();
    text.push(performance.now() - start);
  }
  return { renderMs: median(page), metricsTextMs: median(text), ...(await syncCost(servers)) };
}

/**
 * syncCost times, in this process, what each pass adds on a generated repository whose site
 * is in line (the common pass): counting the servers by sync state, and listing them (done
 * only when the page is loaded).
 */
async function syncCost(servers) {
  const load = (module) => import(pathToFileURL(path.join(DIST, module)).href);
  const { readSources } = await load('sources/read-sources.js');
  const { checkManifests, planChecked } = await load('reconcile/pass.js');
  const { applyPlan } = await load('apply/apply-plan.js');
  const { syncCounts, syncStates } = await load('plan/sync-state.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'sitectl-bench-sync-'));
  try {
    generateRepo(dir, servers);
    const options = { today: '2026-11-26', prune: false, strict: false };
    const checked = checkManifests(await readSources([dir], () => Promise.reject(new Error('no stdin'))), options);
    const empty = { apiVersion: 'sitectl/v1', kind: 'LiveState', revision: 0, sites: [], servers: [] };
    const { next: live } = applyPlan(empty, planChecked(checked, empty, 'sha256:empty', options), { copySites: true });
    const input = { desired: checked.loaded.desired, live, changes: planChecked(checked, live, 'sha256:live', options).changes };
    const counted = [];
    const listed = [];
    for (let run = 0; run < 21; run++) {
      let start = performance.now();
      syncCounts(input);
      counted.push(performance.now() - start);
      start = performance.now();
      syncStates(input);
      listed.push(performance.now() - start);
    }
    return { countMs: median(counted), listMs: median(listed) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

/** measureStatus runs `edits` edits on `servers` servers with and without the health server, and times its answers. */
export async function measureStatus(servers, edits) {
  const without = await measureWatch(servers, edits);
  const served = { page: [], lastPage: [], metrics: [] };
  let pageBytes = 0;
  const load = (url) => {
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        const page = await timed(`${url}/`);
        pageBytes = page.bytes;
        served.page.push(page.ms);
        served.lastPage.push((await timed(`${url}/?page=${Math.ceil(servers / 50)}`)).ms);
        served.metrics.push((await timed(`${url}/metrics`)).ms);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    })();
    return {
      stop: async () => {
        stopped = true;
        await loop;
      },
    };
  };
  const withHealth = await measureWatch(servers, edits, 200, { healthPort: await freePort(), onStarted: load });
  const round = (ms) => Math.round(ms * 10) / 10;
  const cost = await renderCost(servers);
  return {
    syncCountMs: round(cost.countMs),
    syncListMs: round(cost.listMs),
    renderMs: round(cost.renderMs),
    metricsTextMs: round(cost.metricsTextMs),
    servers,
    edits,
    passMsWithout: without.medianPassMs,
    passMsWith: withHealth.medianPassMs,
    editToAppliedMsWithout: without.medianMs,
    editToAppliedMsWith: withHealth.medianMs,
    pageMs: round(median(served.page)),
    lastPageMs: round(median(served.lastPage)),
    metricsMs: round(median(served.metrics)),
    pageKb: Math.round(pageBytes / 1024),
    loads: served.page.length,
  };
}
