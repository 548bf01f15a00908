import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/**
 * startHealthServer serves /healthz (the process is alive), /readyz (the last pass succeeded)
 * and /status (JSON: conditions, last pass, revision, counts) on HOST:PORT.
 */
export async function startHealthServer(address: string, status: () => WatchStatus): Promise<{ server: Server; url: string }> {
  const parsed = parseHealthAddress(address);
  if (!parsed) throw new Error(`--health-addr takes HOST:PORT, e.g. 127.0.0.1:9090 (got ${address})`);
  const { host } = parsed;
  const server = createServer((request, response) => {
    const current = status();
    const send = (code: number, body: unknown) => {
      response.writeHead(code, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
      response.end(typeof body === 'string' ? body + '\n' : JSON.stringify(body, null, 2) + '\n');
    };
    const url = (request.url ?? '/').split('?')[0];
    if (url === '/healthz') return send(200, 'ok');
    if (url === '/readyz') {
      const ready = conditions(current)[0];
      return send(ready.status === 'True' ? 200 : 503, ready.status === 'True' ? 'ok' : `not ready: ${ready.message}`);
    }
    if (url === '/status') {
      return send(200, {
        conditions: conditions(current),
        passes: current.passes,
        failures: current.failures,
        lastPass: current.last,
        lastSuccessfulPass: current.lastSuccess,
        revision: current.lastSuccess?.revision ?? null,
      });
    }
    return send(404, 'not found: try /healthz, /readyz or /status');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // No host (`:9090`) listens on every interface, as Node does when it is given none.
    if (host) server.listen(parsed.port, host, () => resolve());
    else server.listen(parsed.port, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  return { server, url: `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}` };
}
