import type { Server } from 'node:http';
import { request } from 'node:http';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import parsePrometheusTextFormat, { type MetricFamily } from 'parse-prometheus-text-format';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStateBackend } from '../src/backend/state-file.js';
import { startHealthServer } from '../src/reconcile/health.js';
import { WatchMetrics } from '../src/reconcile/metrics.js';
import { Watcher } from '../src/reconcile/watcher.js';
import { parseJson } from './support/json.js';
import { eventually } from './support/process.js';
import { server, SITE_P01 } from './support/manifests.js';

// The health server of a real watcher, in this process: real files, a real state file, real HTTP.

const servers = (port: number, account: string) =>
  [
    SITE_P01,
    server(
      'cm02.contoso.com',
      `  site: P01\n  proxy: { server: proxy.contoso.com, port: ${port} }\n  roles:\n    - type: DistributionPoint\n`,
    ),
    server(
      'cm03.contoso.com',
      '  site: P01\n  roles:\n    - type: SoftwareUpdatePoint\n' +
        `      proxy: { server: proxy-eu.contoso.com, port: 8080, account: '${account}' }\n` +
        '    - type: ExchangeServerConnector\n      proxy: { server: proxy-us.contoso.com, port: 8080 }\n',
    ),
  ].join('---\n');

let dir: string;
let file: string;
let watcher: Watcher;
let health: Server;
let base: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-status-'));
  file = path.join(dir, 'config', 'servers.yaml');
  await mkdir(path.dirname(file));
  await writeFile(file, servers(8080, 'CONTOSO\\svc'));
  await start(50);
});

/** start runs a watcher on the folder, with its health server, and waits for its first pass. */
async function start(debounceMs: number): Promise<void> {
  const backend = new FileStateBackend(path.join(dir, 'state.json'), { lockTimeoutMs: 5000 });
  const metrics = new WatchMetrics();
  watcher = new Watcher({
    paths: ['config'],
    cwd: dir,
    backend,
    mode: 'autocorrect',
    intervalMs: 60_000,
    debounceMs,
    options: () => ({ today: '2026-11-26', prune: false, strict: false }),
    log: pino({ level: 'silent' }),
    metrics,
  });
  const started = await startHealthServer('127.0.0.1:0', {
    status: () => watcher.status(),
    events: (n) => backend.recentEvents(n),
    metrics,
  });
  health = started.server;
  base = started.url;
  await watcher.start();
  await eventually(() => (watcher.status().last ? true : undefined));
}

afterEach(async () => {
  await watcher.stop();
  await new Promise((resolve) => health.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

async function metrics(): Promise<MetricFamily[]> {
  const response = await fetch(`${base}/metrics`);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusTextFormat(await response.text());
}

function sample(families: readonly MetricFamily[], name: string, labels: Record<string, string> = {}): number {
  const family = families.find((f) => f.name === name);
  if (!family) throw new Error(`no metric ${name}`);
  const metric = family.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  if (!metric) throw new Error(`no ${name} with ${JSON.stringify(labels)}`);
  return Number(metric.value ?? metric.count);
}

/** send makes a raw HTTP request, for what fetch will not send (a body on GET, a long target). */
function send(method: string, target: string, body?: string): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const req = request({ host: url.hostname, port: url.port, method, path: target }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    if (body !== undefined) req.setHeader('content-length', Buffer.byteLength(body));
    req.end(body);
  });
}

describe('/metrics', () => {
  it('parses as the Prometheus text format, with sitectl_ names in base units and _total counters', async () => {
    const families = await metrics();
    // Every metric is sitectl's own or one of Node's process metrics, under the names dashboards know.
    expect(families.filter((f) => !/^(sitectl|process|nodejs)_/.test(f.name)).map((f) => f.name)).toEqual([]);
    expect(families.map((f) => f.name)).toContain('process_cpu_seconds_total');
    const ours = families.filter((f) => f.name.startsWith('sitectl_'));
    for (const counter of ours.filter((f) => f.type === 'COUNTER')) expect(counter.name).toMatch(/_total$/);
    expect(Object.fromEntries(ours.map((f) => [f.name, f.type]))).toEqual({
      sitectl_watch_pass_duration_seconds: 'HISTOGRAM',
      sitectl_watch_passes_total: 'COUNTER',
      sitectl_servers: 'GAUGE',
      sitectl_changes_applied_total: 'COUNTER',
      sitectl_changes_failed_total: 'COUNTER',
      sitectl_last_successful_pass_timestamp_seconds: 'GAUGE',
      sitectl_drift_detected_total: 'COUNTER',
      sitectl_manifests_invalid_total: 'COUNTER',
    });
    expect(sample(families, 'sitectl_watch_passes_total', { trigger: 'start', result: 'applied' })).toBe(1);
    expect(sample(families, 'sitectl_changes_applied_total', { action: 'create' })).toBe(1); // cm03 is held: nothing written for it
    expect(sample(families, 'sitectl_servers', { state: 'InSync' })).toBe(1);
    expect(sample(families, 'sitectl_servers', { state: 'Held' })).toBe(1);
    expect(sample(families, 'sitectl_last_successful_pass_timestamp_seconds')).toBeGreaterThan(Date.parse('2026-01-01') / 1000);
  });

  it('moves its counters as passes run: an applied edit, then an invalid one', async () => {
    await writeFile(file, servers(8081, 'CONTOSO\\svc'));
    await eventually(async () =>
      sample(await metrics(), 'sitectl_watch_passes_total', { trigger: 'change', result: 'applied' }) === 1 ? true : undefined,
    );
    let families = await metrics();
    expect(sample(families, 'sitectl_changes_applied_total', { action: 'update' })).toBe(1);
    // The parser folds a histogram's series together, so its per-label count is read from the exposition itself.
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('sitectl_watch_pass_duration_seconds_count{trigger="change",result="applied"} 1\n');

    await writeFile(file, 'kind: [');
    await eventually(async () => (sample(await metrics(), 'sitectl_manifests_invalid_total') === 1 ? true : undefined));
    families = await metrics();
    expect(sample(families, 'sitectl_watch_passes_total', { trigger: 'change', result: 'invalid' })).toBe(1);
    expect(sample(families, 'sitectl_servers', { state: 'InSync' })).toBe(1); // the last valid manifests stay in force
  });
});

describe('the health server', () => {
  it('answers GET and HEAD only, refuses request bodies and long targets, and sends no script-enabling headers', async () => {
    const post = await send('POST', '/', 'x');
    expect([post.status, post.headers['allow']]).toEqual([405, 'GET, HEAD']);
    expect((await send('GET', '/', 'a body')).status).toBe(413);
    expect((await send('GET', '/?' + 'x'.repeat(3000))).status).toBe(414);
    const head = await send('HEAD', '/');
    expect([head.status, head.text, Number(head.headers['content-length'])]).toEqual([200, '', expect.any(Number) as unknown]);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(1000);
    expect(head.headers['content-security-policy']).toContain("default-src 'none'");
    expect((await send('GET', '/nowhere')).status).toBe(404);
  });

  it('serves the page with the held server, both its roles and where they are written', async () => {
    const page = await (await fetch(`${base}/`)).text();
    const held = /<section id="held">([\s\S]*?)<\/section>/.exec(page)?.[1] ?? '';
    expect(held).toContain('cm03.contoso.com');
    expect(held).toMatch(/SoftwareUpdatePoint needs proxy-eu\.contoso\.com:8080 as CONTOSO\\svc.*config\/servers\.yaml:27/);
    expect(held).toMatch(/ExchangeServerConnector needs proxy-us\.contoso\.com:8080 as System.*config\/servers\.yaml:29/);
  });

  it('shows a manifest value holding <script> as text: the event of the edit that the schema refused', async () => {
    await writeFile(file, servers(8080, 'CONTOSO\\<script>alert(1)</script>'));
    const page = await eventually(async () => {
      const text = await (await fetch(`${base}/`)).text();
      return text.includes('alert(1)') ? text : undefined;
    });
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('drops a Pending preview when the edit is undone before the files settle: nothing was written', async () => {
    await watcher.stop();
    await new Promise((resolve) => health.close(resolve));
    await start(3000); // a window wide enough to undo the edit in
    const counts = async () => parseJson<{ servers: Record<string, number> }>(await (await fetch(`${base}/status`)).text()).servers;
    const original = servers(8080, 'CONTOSO\\svc');
    // Saved as editors save, whole (a temporary file renamed over it): a pass that read the file
    // half-written would plan nothing and only find out once the window has passed.
    const save = async (text: string) => {
      await writeFile(`${file}.tmp`, text);
      await rename(`${file}.tmp`, file);
    };
    await save(servers(8081, 'CONTOSO\\svc'));
    await eventually(async () => ((await counts()).Pending === 1 ? true : undefined), 20_000);
    await save(original); // the pass starts over, finds the files as they were, and skips
    await eventually(async () => ((await counts()).Pending === 0 ? true : undefined), 20_000);
    expect(await counts()).toEqual({ Failed: 0, Held: 1, Drifted: 0, Pending: 0, Unmanaged: 0, InSync: 1 });
    expect(sample(await metrics(), 'sitectl_servers', { state: 'Pending' })).toBe(0);
    expect(watcher.status().lastSuccess?.revision).toBe(1);
  });

  it('reports the counts per sync state in /status', async () => {
    const status = (await (await fetch(`${base}/status`)).json()) as { servers: Record<string, number> };
    expect(status.servers).toEqual({ Failed: 0, Held: 1, Drifted: 0, Pending: 0, Unmanaged: 0, InSync: 1 });
  });
});
