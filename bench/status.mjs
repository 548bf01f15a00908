// Measures what the watcher's status page and metrics cost: the same watch run (edits to one
// server of a generated repository) without --health-addr, then with it while a client loads
// the page and /metrics once a second (an open browser tab and a Prometheus scrape), and how
// long the page (first and last of its pages) and /metrics take to serve.
import { createServer } from 'node:net';
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
  return {
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
