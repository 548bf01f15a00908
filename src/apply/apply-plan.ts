import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { keepDerivation, keepIndex, liveServerIndex, type LiveServer, type LiveState } from '../model/live.js';
import type { ManagedRecord, Plan } from '../model/plan.js';
import { eventsFor, type NewEvent } from './events.js';

const { applyPatch, deepClone } = fastJsonPatch;
/** Patches are cloned because applyPatch keeps their values in the document it builds. */
const clonePatch = (patch: readonly Operation[]): Operation[] => deepClone(patch) as Operation[];

/** Applied is the outcome of executing a plan: the next live state (null when nothing is written) and what happened. */
export interface Applied {
  readonly next: LiveState | null;
  readonly events: NewEvent[];
}

/** ApplyOptions: whether to copy the manifests' sites into the state (the state-file backend plays the site). */
export interface ApplyOptions {
  readonly copySites: boolean;
}

/**
 * applyPlan executes a plan against the live state it was made from, and nothing else: each
 * change's patch is applied to its server, the bookkeeping records what was written, and the
 * revision rises by exactly one. A plan with only holds writes nothing.
 */
export function applyPlan(live: LiveState, plan: Plan, options: ApplyOptions): Applied {
  const revision = live.revision + 1;
  const writes = plan.changes.filter((c) => c.action !== 'hold');
  const events = plan.changes.flatMap((c) => eventsFor(c, c.action === 'hold' ? live.revision : revision));
  if (writes.length === 0) return { next: null, events };

  const servers: LiveServer[] = [...live.servers];
  const index = liveServerIndex(live); // the planner already indexed this state
  const records: Record<string, ManagedRecord> = Object.assign({}, live.managed?.servers); // faster than a spread for thousands of keys
  for (const change of writes) {
    const at = index.position(change.name);
    if (change.action === 'create') {
      servers.push(applyPatch({}, clonePatch(change.patch)).newDocument as LiveServer);
    } else if (at === undefined) {
      // Unreachable while callers check the plan's fingerprint against this live state first.
      throw new Error(`plan does not match the live state: ${change.name} is not there to ${change.action}`);
    } else {
      servers[at] = applyPatch(deepClone(servers[at]), clonePatch(change.patch)).newDocument as LiveServer;
    }
    if (change.action === 'prune') delete records[change.name];
    else if (change.record) records[change.name] = { ...change.record, revision };
  }
  const next: LiveState = {
    ...live,
    revision,
    servers,
    ...(options.copySites && plan.sites ? { sites: plan.sites } : {}),
    managed: { ...live.managed, servers: records },
  };
  // A change keeps the name its server was found under (in lower case), so the next state shares this one's positions,
  // and every server not written keeps its objects: a watcher's next pass looks up only those written.
  keepIndex(next, index.withServers(servers, servers.length - live.servers.length));
  keepDerivation(next, live, new Set(writes.map((c) => c.name)));
  return { next, events };
}
