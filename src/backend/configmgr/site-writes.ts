import type { NewEvent } from '../../apply/events.js';
import { liveServerIndex, type LiveServer, type LiveState } from '../../model/live.js';
import type { ManagedRecord } from '../../model/plan.js';
import { describeSettings, type ProxySettings } from '../../model/proxy.js';
import { serverWrites, type UpdatePointOptions } from '../../model/server-writes.js';

/**
 * SiteWrite is what one server's change asks of a real site: what the server must still be
 * (the plan's view of it), and what to set. Start-SitectlHost.ps1 reads exactly these fields.
 */
export interface SiteWrite {
  readonly server: string;
  readonly site: string;
  readonly description: string;
  readonly expectedProxy: ProxySettings | null;
  readonly expectedUpdatePoint: UpdatePointOptions | null;
  readonly writeProxy: boolean;
  readonly proxy: ProxySettings | null;
  readonly updatePoint: Required<UpdatePointOptions> | null;
}

/** WriteOutcome is how one server's write ended on the site. */
export interface WriteOutcome {
  readonly server: string;
  readonly outcome: 'applied' | 'skipped' | 'failed';
  readonly message: string;
}

/**
 * siteWrites lists the writes that make the site what `next` (the state applyPlan made from
 * `live`) says: one per server whose object applyPlan replaced or added. A server the site
 * does not have, or whose only difference is one no cmdlet sets, ends skipped at once.
 */
export function siteWrites(live: LiveState, next: LiveState): { writes: SiteWrite[]; skipped: WriteOutcome[] } {
  const current = liveServerIndex(live);
  const writes: SiteWrite[] = [];
  const skipped: WriteOutcome[] = [];
  for (const server of next.servers) {
    const before = current.get(server.name.toLowerCase());
    if (before === server) continue; // applyPlan keeps every server it does not write
    if (!before) {
      skipped.push({ server: server.name, outcome: 'skipped', message: `not a site system server of site ${server.site} yet; add it and its roles in ConfigMgr` });
      continue;
    }
    const write = serverWrite(before, server);
    if (typeof write === 'string') skipped.push({ server: server.name, outcome: 'skipped', message: write });
    else writes.push(write);
  }
  return { writes, skipped };
}

/** serverWrite is the write of one server that the site has, or why there is nothing a cmdlet can write. */
function serverWrite(before: LiveServer, after: LiveServer): SiteWrite | string {
  const { writeProxy, updatePoint, expectedUpdatePoint, notes } = serverWrites(before, after, true);
  if (!writeProxy && !updatePoint) return notes[0] ?? 'only its role list differs from the site, and sitectl does not add or remove roles: add them in ConfigMgr';
  return {
    server: after.name,
    site: after.site,
    description: writeProxy ? `${describeSettings(before.proxy)} -> ${describeSettings(after.proxy)}` : 'software update point proxy options',
    expectedProxy: before.proxy,
    expectedUpdatePoint,
    writeProxy,
    proxy: after.proxy,
    updatePoint,
  };
}

/** Settled is the bookkeeping after a partly written plan: the records to keep (null when nothing was applied) and the events. */
export interface Settled {
  readonly bookkeeping: { readonly revision: number; readonly servers: Readonly<Record<string, ManagedRecord>> } | null;
  readonly events: NewEvent[];
  readonly applied: number;
}

/**
 * settle keeps of `next` only what the site took: the bookkeeping records of the servers
 * applied (a prune removes its record), the revision raised once if any was, and the events
 * of the plan for those servers and for servers it did not write (holds). A skipped or failed
 * server gets ApplySkipped or ApplyFailed instead, so the bookkeeping never claims a write
 * that did not happen.
 */
export function settle(live: LiveState, next: LiveState, planned: readonly NewEvent[], outcomes: readonly WriteOutcome[]): Settled {
  const ended = new Map(outcomes.map((o) => [o.server, o]));
  const applied = outcomes.filter((o) => o.outcome === 'applied');
  const events = planned.filter((e) => {
    const outcome = ended.get(e.object.name);
    return outcome === undefined ? !wrote(live, next, e.object.name) : outcome.outcome === 'applied';
  });
  for (const o of outcomes) {
    if (o.outcome === 'applied') continue;
    const reason = o.outcome === 'failed' ? 'ApplyFailed' : 'ApplySkipped';
    events.push({ type: 'Warning', reason, message: `${o.outcome === 'failed' ? 'write failed' : 'not written'}: ${o.message}`, object: { kind: 'SiteSystemServer', name: o.server } });
  }
  if (applied.length === 0) return { bookkeeping: null, events, applied: 0 };
  const servers: Record<string, ManagedRecord> = { ...live.managed?.servers };
  for (const { server } of applied) {
    const record = next.managed?.servers?.[server];
    if (record) servers[server] = record;
    else delete servers[server];
  }
  return { bookkeeping: { revision: live.revision + 1, servers }, events, applied: applied.length };
}

/** wrote tells whether applyPlan changed a server, which is then written or skipped (and has an outcome) or was never there. */
function wrote(live: LiveState, next: LiveState, name: string): boolean {
  const after = liveServerIndex(next).get(name);
  return after !== undefined && liveServerIndex(live).get(name) !== after;
}
