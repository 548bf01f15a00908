import type { NewEvent } from '../../apply/events.js';
import { stringify } from 'safe-stable-stringify';
import { liveServerIndex, writtenIn, type LiveServer, type LiveState } from '../../model/live.js';
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
 * siteWrites lists the writes that make the site what `next` (the state applyPlan made) says:
 * one per server the plan wrote, compared with the server as `live` (the read under the lock)
 * has it. A server the site does not have, or whose only difference is one no cmdlet sets,
 * ends skipped at once; one that needs no cmdlet at all (a prune of a proxy already gone, a
 * proxy equal but for case) ends applied, so its bookkeeping follows the plan.
 */
export function siteWrites(live: LiveState, next: LiveState): { writes: SiteWrite[]; ended: WriteOutcome[] } {
  const current = liveServerIndex(live);
  const planned = liveServerIndex(next);
  const writes: SiteWrite[] = [];
  const ended: WriteOutcome[] = [];
  for (const name of written(live, next)) {
    const server = planned.get(name);
    if (!server) continue;
    const before = current.get(name);
    if (!before) {
      ended.push({
        server: server.name,
        outcome: 'skipped',
        message: `not a site system server of site ${server.site} yet; add it and its roles in ConfigMgr`,
      });
      continue;
    }
    const write = serverWrite(before, server);
    if (typeof write === 'string') ended.push({ server: server.name, outcome: 'skipped', message: write });
    else if (write) writes.push(write);
    else ended.push({ server: server.name, outcome: 'applied', message: '' });
  }
  return { writes, ended };
}

/**
 * written names the servers applyPlan wrote to make `next`. Identity with `live` would not do:
 * a watcher plans ahead on one read of the site and applies under the lock on another, equal
 * read whose objects are not the same ones.
 */
function written(live: LiveState, next: LiveState): Iterable<string> {
  return (
    writtenIn(next) ?? next.servers.filter((s) => liveServerIndex(live).get(s.name.toLowerCase()) !== s).map((s) => s.name.toLowerCase())
  );
}

/** serverWrite is the write of one server that the site has; undefined when no cmdlet needs to run, or why none can. */
function serverWrite(before: LiveServer, after: LiveServer): SiteWrite | string | undefined {
  const { writeProxy, updatePoint, expectedUpdatePoint, notes } = serverWrites(before, after, true);
  if (!writeProxy && !updatePoint) {
    if (notes.length > 0) return notes[0];
    if (sameRoles(before, after)) return undefined;
    return 'only its role list differs from the site, and sitectl does not add or remove roles: add them in ConfigMgr';
  }
  return {
    server: after.name,
    site: after.site,
    description: writeProxy
      ? `${describeSettings(before.proxy)} -> ${describeSettings(after.proxy)}`
      : 'software update point proxy options',
    expectedProxy: before.proxy,
    expectedUpdatePoint,
    writeProxy,
    proxy: after.proxy,
    updatePoint,
  };
}

/** sameRoles tells whether the plan left the server's role list as the site has it. */
function sameRoles(before: LiveServer, after: LiveServer): boolean {
  return stringify(before.roles) === stringify(after.roles);
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
  const writtenNames = new Set(written(live, next));
  const events = planned.filter((e) => {
    const outcome = ended.get(e.object.name);
    return outcome === undefined ? !writtenNames.has(e.object.name.toLowerCase()) : outcome.outcome === 'applied';
  });
  for (const o of outcomes) {
    if (o.outcome === 'applied') continue;
    const reason = o.outcome === 'failed' ? 'ApplyFailed' : 'ApplySkipped';
    events.push({
      type: 'Warning',
      reason,
      message: `${o.outcome === 'failed' ? 'write failed' : 'not written'}: ${o.message}`,
      object: { kind: 'SiteSystemServer', name: o.server },
    });
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
