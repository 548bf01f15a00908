import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { SiteEvent } from '../model/event.js';
import type { WatchMetrics } from './metrics.js';
import { renderStatusPage } from './status-page/page.js';
import { STYLE } from './status-page/style.js';
import type { WatchStatus } from './watcher.js';

/** Condition is a kstatus-style condition, as Kubernetes tooling reads them. */
export interface Condition {
  readonly type: 'Ready' | 'Reconciling' | 'Stalled';
  readonly status: 'True' | 'False';
  readonly reason: string;
  readonly message: string;
}

/** conditions derives Ready, Reconciling and Stalled from the watcher's status. */
export function conditions(status: WatchStatus): Condition[] {
  const last = status.last;
  const ready = last !== null && last.outcome !== 'failed' && last.outcome !== 'invalid';
  const stalled = last?.outcome === 'failed' || last?.outcome === 'invalid';
  const why = last === null ? 'no pass has finished yet' : (last.error ?? `last pass ${last.outcome}`);
  return [
    {
      type: 'Ready',
      status: ready ? 'True' : 'False',
      reason: ready
        ? 'ReconciliationSucceeded'
        : last === null
          ? 'Progressing'
          : last.outcome === 'invalid'
            ? 'ManifestsInvalid'
            : 'ReconciliationFailed',
      message: why,
    },
    {
      type: 'Reconciling',
      status: status.running ? 'True' : 'False',
      reason: status.running ? 'Progressing' : 'Idle',
      message: status.running ? 'a pass is running' : 'waiting for a change or the interval',
    },
    {
      type: 'Stalled',
      status: stalled ? 'True' : 'False',
      reason: stalled ? (last.outcome === 'invalid' ? 'ManifestsInvalid' : 'ReconciliationFailed') : 'None',
      message: stalled ? why : '',
    },
  ];
}

/** parseHealthAddress reads HOST:PORT (an IPv6 host in brackets; no host, `:9090`, is every interface), or answers undefined when the address is not one. */
export function parseHealthAddress(address: string): { host: string; port: number } | undefined {
  const match = /^(.*):(\d{1,5})$/.exec(address);
  if (!match || Number(match[2]) > 65535) return undefined;
  return { host: match[1].replace(/^\[(.*)\]$/, '$1'), port: Number(match[2]) };
}

/** HealthSources is what the health server shows: the watcher's status, and optionally recent events and metrics. */
export interface HealthSources {
  readonly status: () => WatchStatus;
  /** The newest events, newest first, for the status page. */
  readonly events?: (limit: number) => Promise<SiteEvent[]>;
  readonly metrics?: WatchMetrics;
  /** Where a request that fails is logged (its detail is not sent to the client). */
  readonly log?: Logger;
}

/** RECENT_EVENTS is how many events the status page lists. */
const RECENT_EVENTS = 20;

/** MAX_URL is the longest request target answered; the server reads no request bodies at all. */
const MAX_URL = 2048;

/**
 * startHealthServer serves, on HOST:PORT: / (the status page), /status.css, /metrics
 * (Prometheus), /healthz (the process is alive), /readyz (the last pass succeeded) and
 * /status (JSON: conditions, last pass, revision, counts). It has no authentication: bind it to
 * localhost or put it behind a proxy that has. It answers GET and HEAD only, and refuses
 * request bodies and long URLs.
 */
export async function startHealthServer(address: string, sources: HealthSources): Promise<{ server: Server; url: string }> {
  const parsed = parseHealthAddress(address);
  if (!parsed) throw new Error(`--health-addr takes HOST:PORT, e.g. 127.0.0.1:9090 (got ${address})`);
  const { host } = parsed;
  const events = recentEvents(sources);
  const server = createServer({ maxHeaderSize: 8 * 1024, requestTimeout: 10_000 }, (request, response) => {
    answer(request, response, sources, events).catch((error: unknown) => {
      // The detail goes to the log, not to whoever asked: the server has no authentication.
      sources.log?.error({ err: error, url: request.url }, 'health server request failed');
      if (!response.headersSent) send(response, request, 500, TEXT, 'internal error; the watcher log says more');
      else response.destroy();
    });
  });
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // No host (`:9090`) listens on every interface, as Node does when it is given none.
    if (host) server.listen(parsed.port, host, () => resolve());
    else server.listen(parsed.port, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  return { server, url: `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}` };
}

/** SECURITY_HEADERS keep the page inert whatever it shows: no script, nothing from elsewhere, not framed. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

async function answer(
  request: IncomingMessage,
  response: ServerResponse,
  sources: HealthSources,
  events: () => Promise<readonly SiteEvent[] | undefined>,
): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    return send(response, request, 405, TEXT, `method ${request.method ?? ''} not allowed: this server answers GET and HEAD`);
  }
  const body = request.headers['transfer-encoding'] !== undefined || (request.headers['content-length'] ?? '0') !== '0';
  if (body) {
    // Closed rather than kept alive, so that the body is not read.
    response.setHeader('connection', 'close');
    return send(response, request, 413, TEXT, 'request bodies are not accepted');
  }
  const target = request.url ?? '/';
  if (target.length > MAX_URL) return send(response, request, 414, TEXT, `request target longer than ${MAX_URL} characters`);
  let url: URL;
  try {
    url = new URL(target, 'http://status.invalid');
  } catch {
    return send(response, request, 400, TEXT, 'not a request target');
  }
  const current = sources.status();
  switch (url.pathname) {
    case '/healthz':
      return send(response, request, 200, TEXT, 'ok');
    case '/readyz': {
      const ready = conditions(current)[0];
      return send(
        response,
        request,
        ready.status === 'True' ? 200 : 503,
        TEXT,
        ready.status === 'True' ? 'ok' : `not ready: ${ready.message}`,
      );
    }
    case '/status':
      return send(response, request, 200, 'application/json', JSON.stringify(statusDocument(current), null, 2));
    case '/metrics':
      if (!sources.metrics) return send(response, request, 404, TEXT, 'no metrics');
      return send(response, request, 200, sources.metrics.contentType, await sources.metrics.text());
    case '/status.css':
      return send(response, request, 200, 'text/css; charset=utf-8', STYLE);
    case '/': {
      const page = renderStatusPage({ status: current, conditions: conditions(current), events: await events(), query: url.searchParams });
      return send(response, request, 200, 'text/html; charset=utf-8', page);
    }
    default:
      return send(response, request, 404, TEXT, 'not found: try /, /metrics, /healthz, /readyz or /status');
  }
}

/** statusDocument is /status: conditions, passes, the last pass and the last good one, and counts per sync state. */
function statusDocument(current: WatchStatus) {
  return {
    conditions: conditions(current),
    passes: current.passes,
    failures: current.failures,
    lastPass: current.last,
    lastSuccessfulPass: current.lastSuccess,
    revision: current.lastSuccess?.revision ?? null,
    servers: current.sync?.counts ?? null,
  };
}

const TEXT = 'text/plain; charset=utf-8';

/** EVENTS_FOR_MS is how long the page reuses the events it read: a page reloaded by many viewers reads the log once. */
const EVENTS_FOR_MS = 2000;

/** recentEvents reads the newest events at most once per EVENTS_FOR_MS; undefined when they cannot be read. */
function recentEvents(sources: HealthSources): () => Promise<readonly SiteEvent[] | undefined> {
  let cached: { at: number; events: Promise<readonly SiteEvent[] | undefined> } | undefined;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at >= EVENTS_FOR_MS) {
      const read = sources.events?.(RECENT_EVENTS) ?? Promise.resolve([]);
      cached = {
        at: now,
        events: read.catch((error: unknown) => {
          sources.log?.warn({ err: error }, 'the status page could not read the events');
          return undefined;
        }),
      };
    }
    return cached.events;
  };
}

function send(response: ServerResponse, request: IncomingMessage, code: number, type: string, body: string): void {
  const text = type === TEXT || type === 'application/json' ? body + '\n' : body;
  response.writeHead(code, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(text) });
  response.end(request.method === 'HEAD' ? undefined : text);
}
