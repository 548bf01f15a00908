import type { DesiredState } from '../model/desired.js';
import type { SourcePosition } from '../model/diagnostic.js';
import { liveServerIndex, type LiveState } from '../model/live.js';
import type { Change } from '../model/plan.js';
import { describeProxy, describeSettings } from '../model/proxy.js';

/**
 * SyncState is where one server stands against the manifests, as a watcher and `get servers`
 * show it: InSync (nothing to write), Pending (a change planned, not yet written), Drifted
 * (changed on the site since sitectl wrote it), Held (its roles need different proxies),
 * Failed (the last write of it failed) or Unmanaged (on the site, not in the manifests).
 */
export type SyncState = 'InSync' | 'Pending' | 'Drifted' | 'Held' | 'Failed' | 'Unmanaged';

/** SYNC_STATES in the order a person reads them: what needs attention first. */
export const SYNC_STATES: readonly SyncState[] = ['Failed', 'Held', 'Drifted', 'Pending', 'Unmanaged', 'InSync'];

/** HeldRole is one role of a held server with the proxy it needs and where that was written. */
export interface HeldRole {
  readonly role: string;
  readonly proxy: string;
  readonly source: SourcePosition;
}

/** ServerSync is one server's sync state, why, and the manifest position that decides it. */
export interface ServerSync {
  readonly name: string;
  readonly site: string;
  readonly state: SyncState;
  /** Why the server is not InSync, in words; empty when it is. */
  readonly reason: string;
  /** The SiteSystemServer document that states the server; absent for servers not in the manifests. */
  readonly source?: SourcePosition;
  /** For a held server: the roles whose proxies disagree. */
  readonly roles?: readonly HeldRole[];
}

/** NotTaken is what the site said when it did not take a server's write: it failed, or it skipped it (it changed since the plan, say). */
export interface NotTaken {
  readonly outcome: 'failed' | 'skipped';
  readonly message: string;
}

/** SyncInput is a plan's view of the site: the desired state, the live state planned against, and the changes still to write. */
export interface SyncInput {
  readonly desired: DesiredState;
  readonly live: LiveState;
  /** The plan's changes that are not written yet (all of them before a write; after it, what the site did not take). */
  readonly changes: readonly Change[];
  /**
   * Servers (lower case) the site did not take at the last write of them, with what it said:
   * a failed one is Failed, a skipped one says why, while it still has a change.
   */
  readonly notTaken?: ReadonlyMap<string, NotTaken>;
}

/**
 * syncStates gives every server in the manifests or on the site its sync state, in the order
 * of the manifests and then the site. It is a function of the plan alone, so a watcher's view
 * after a pass is the one a fresh plan of the same files and site gives. It allocates one
 * object per server and looks nothing up twice: at 20,000 servers it runs on every pass that
 * someone looks at.
 */
export function syncStates(input: SyncInput): ServerSync[] {
  const changes = changesByName(input.changes);
  const result: ServerSync[] = [];
  for (const [key, server] of input.desired.servers) {
    const change = changes.get(key);
    const source = server.origin.source;
    if (!change) result.push({ name: server.name, site: server.site, state: 'InSync', reason: '', source });
    else if (change.action === 'hold') {
      const reason = change.reason ?? 'roles need different proxies';
      result.push({ name: server.name, site: server.site, state: 'Held', reason, source, roles: heldRoles(input.desired, key) });
    } else {
      const { state, reason } = stateOfChange(change, input.notTaken?.get(key));
      result.push({ name: server.name, site: server.site, state, reason, source });
    }
  }
  const live = liveServerIndex(input.live);
  for (const [key, at] of live.lowerNames()) {
    if (input.desired.servers.has(key)) continue;
    const server = input.live.servers[at];
    const change = changes.get(key); // a prune: the server left the manifests and --prune removes what sitectl gave it
    if (!change) result.push({ name: server.name, site: server.site, state: 'Unmanaged', reason: 'on the site, not in the manifests' });
    else result.push({ name: server.name, site: server.site, ...stateOfChange(change, input.notTaken?.get(key)) });
  }
  return result;
}

/** syncCounts counts servers by state as syncStates would, without listing them: what a pass keeps for /metrics and /status. */
export function syncCounts(input: SyncInput): Record<SyncState, number> {
  const counts = noServers();
  const changes = changesByName(input.changes);
  const live = liveServerIndex(input.live);
  let changedInManifests = 0;
  for (const [key, change] of changes) {
    const declared = input.desired.servers.has(key);
    if (!declared && !live.get(key)) continue; // a prune of a server gone from the site lists nothing
    if (declared) changedInManifests++;
    counts[change.action === 'hold' ? 'Held' : stateOfChange(change, input.notTaken?.get(key)).state]++;
  }
  counts.InSync = input.desired.servers.size - changedInManifests;
  for (const [key] of live.lowerNames()) {
    if (!input.desired.servers.has(key) && !changes.has(key)) counts.Unmanaged++;
  }
  return counts;
}

function changesByName(changes: readonly Change[]): Map<string, Change> {
  return new Map(changes.map((c) => [c.name.toLowerCase(), c]));
}

function noServers(): Record<SyncState, number> {
  return { Failed: 0, Held: 0, Drifted: 0, Pending: 0, Unmanaged: 0, InSync: 0 };
}

/** countSyncStates counts servers by state, every state present (zero when none). */
export function countSyncStates(servers: readonly ServerSync[]): Record<SyncState, number> {
  const counts = noServers();
  for (const server of servers) counts[server.state]++;
  return counts;
}

/** stateOfChange is the state of a server with a change to write: Failed when the site refused its last write, else Drifted or Pending. */
function stateOfChange(change: Change, notTaken: NotTaken | undefined): { state: SyncState; reason: string } {
  const what = `would ${change.action}${change.action === 'prune' ? '' : ': ' + changedFields(change)}`;
  if (notTaken?.outcome === 'failed') return { state: 'Failed', reason: `the last write failed: ${notTaken.message}; ${what}` };
  const skipped = notTaken ? `the site skipped the last write: ${notTaken.message}; ` : '';
  if (change.drift) return { state: 'Drifted', reason: `${skipped}changed on the site since sitectl wrote it; ${what}` };
  const pending = change.action === 'prune' ? `${change.reason ?? 'removed from the manifests'}; would prune` : what;
  return { state: 'Pending', reason: skipped + pending };
}

/** changedFields names the fields a change writes, the proxy with its new value: `proxy to proxy.contoso.com:8081 as System, roles`. */
function changedFields(change: Change): string {
  if (change.action === 'create') return 'a new server';
  const fields = [...new Set(change.patch.map((op) => op.path.split('/')[1]))];
  const named = fields.map((field) =>
    field === 'proxy' && change.after.proxy !== undefined ? `proxy to ${describeSettings(change.after.proxy)}` : field,
  );
  return named.length > 0 ? named.join(', ') : 'bookkeeping';
}

/** heldRoles lists the roles of a held server that state a proxy, with the proxy and where the role is declared (as ProxyConflict's message says). */
function heldRoles(desired: DesiredState, key: string): HeldRole[] {
  const server = desired.servers.get(key);
  return (server?.roles ?? []).flatMap((role) =>
    role.proxy ? [{ role: role.type, proxy: describeProxy(role.proxy.proxy), source: role.origin.source }] : [],
  );
}
