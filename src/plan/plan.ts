import fastJsonPatch from 'fast-json-patch';
import { countDiagnostics, diagnostic, escalateWarnings, type Diagnostic } from '../model/diagnostic.js';
import type { DesiredState } from '../model/desired.js';
import { driftOf } from '../model/drift.js';
import { changedSince, liveServerIndex, type LiveServer, type LiveServerIndex, type LiveSite, type LiveState } from '../model/live.js';
import { MemoTable } from '../model/memo-table.js';
import type { Change, ManagedRecord, Plan } from '../model/plan.js';
import type { SiteSystemServer } from '../model/server.js';
import type { Site } from '../model/site.js';
import { desiredServerObject, roleSettings } from './server-object.js';

const { compare } = fastJsonPatch;

/** PlanOptions: whether servers that left the manifests lose the proxy sitectl gave them, whether warnings count as errors, and the live fingerprint. */
export interface PlanOptions {
  readonly prune: boolean;
  readonly strict: boolean;
  /** The live state's fingerprint, as its backend computed it when reading. */
  readonly fingerprint: string;
  /** Given by a watcher: a server whose inputs are the objects they were last pass is not compared again. */
  readonly memo?: PlanMemo;
}

interface Planned {
  readonly server: SiteSystemServer;
  readonly current: LiveServer | undefined;
  readonly record: ManagedRecord | undefined;
  readonly change: Change | undefined;
}

/**
 * PlanMemo keeps, per server, the change planned for it and the inputs it was planned from.
 * A server's change depends on its desired object, its live object and its bookkeeping
 * record alone, and resolving and applying keep the objects of what did not change. When the
 * live state is the one last planned against, or was made from it by applying a plan, only
 * the servers that were written need their live objects looked up again.
 */
export class PlanMemo {
  private readonly entries = new MemoTable<string, Planned>();
  /** The live state of the last pass that planned every server. */
  private live: LiveState | undefined;
  /** This pass: the servers whose live objects may differ from those planned against (undefined: any). */
  private liveChanged: ReadonlySet<string> | undefined;

  start(live: LiveState): void {
    this.entries.start();
    this.liveChanged = this.live ? changedSince(live, this.live) : undefined;
  }

  /** planned is the server's entry, planned again only when an input is not the object it was last time. */
  planned(server: SiteSystemServer, liveServers: LiveServerIndex, records: Readonly<Record<string, ManagedRecord>>): Planned {
    let entry = this.entries.get(server.name);
    if (entry?.server === server && this.liveChanged?.has(server.name) === false) return entry;
    const current = liveServers.get(server.name);
    const record = records[server.name];
    if (!entry || entry.server !== server || entry.current !== current || entry.record !== record) {
      entry = planEntry(server, current, record);
      this.entries.set(server.name, entry);
    }
    return entry;
  }

  /** end forgets the servers this pass did not plan; every kept change now holds for `live`. */
  end(live: LiveState): void {
    this.entries.end();
    this.live = live;
  }
}

/** drifted tells whether a server sitectl wrote was changed on the site since; it only marks a change (DriftDetected reports it). */
function drifted(record: ManagedRecord | undefined, current: LiveServer | undefined): boolean {
  return record !== undefined && driftOf(record, current).length > 0;
}

/**
 * planChanges compares the desired state with the live state and lists, per server, what to
 * create, update, hold or prune, each with an RFC 6902 patch against the live object. It reads
 * nothing but its arguments. `diagnostics` are those found so far; the plan adds its own.
 */
export function planChanges(desired: DesiredState, live: LiveState, diagnostics: readonly Diagnostic[], options: PlanOptions): Plan {
  const found = [...diagnostics];
  const liveServers = liveServerIndex(live);
  const records = live.managed?.servers ?? {};
  const changes: Change[] = [];
  let unchanged = 0;

  const memo = options.memo;
  memo?.start(live);
  let recorded = 0; // servers in the manifests that have a bookkeeping record
  for (const server of desired.servers.values()) {
    const { change, record } = memo
      ? memo.planned(server, liveServers, records)
      : planEntry(server, liveServers.get(server.name), records[server.name]);
    if (record) recorded++;
    if (change) changes.push(change);
    else unchanged++;
  }
  memo?.end(live);
  changes.sort(byName); // only changes are listed, so only they need sorting (usually far fewer than the servers)

  // A record of a server no longer in the manifests makes the records outnumber those of servers
  // in them; usually none does, and 20,000 names need not be looked up to find that out.
  const names = Object.keys(records);
  const leftOut = names.length === recorded ? [] : names.filter((n) => !desired.servers.has(n)).sort();
  for (const name of leftOut) {
    const current = liveServers.get(name);
    // Prune removes only a proxy sitectl gave (SPEC section 4): none when the server is gone from
    // the site, when sitectl wrote only its role settings or "no proxy", or when it has none now.
    if (!current || !records[name].proxy || current.proxy === null) continue;
    if (!options.prune) {
      const message = `${name} was configured by sitectl but is no longer in the manifests; run with --prune to remove the proxy sitectl gave it, or add it back.`;
      found.push(diagnostic('PruneCandidate', message, { object: { kind: 'SiteSystemServer', name } }));
      continue;
    }
    const after = { ...current, proxy: null };
    changes.push({
      kind: 'SiteSystemServer',
      name,
      action: 'prune',
      patch: compare(current, after),
      before: current,
      after,
      reason: 'configured by sitectl earlier and removed from the manifests',
    });
  }

  const reported = options.strict ? escalateWarnings(found) : found;
  const counts = countDiagnostics(reported);
  const count = (action: Change['action']) => changes.filter((c) => c.action === action).length;
  return {
    apiVersion: 'sitectl/v1',
    kind: 'Plan',
    liveRevision: live.revision,
    liveFingerprint: options.fingerprint,
    changes,
    diagnostics: reported,
    summary: {
      create: count('create'),
      update: count('update'),
      hold: count('hold'),
      prune: count('prune'),
      unchanged,
      errors: counts.errors,
      warnings: counts.warnings,
    },
    prune: options.prune,
    sites: [...desired.sites.values()].map(liveSite),
  };
}

const UNMANAGED_PROXY = 'proxy not managed: neither the server nor its roles state one, so sitectl leaves it as the site has it';

/** planEntry plans one server; an unchanged server needs no drift check, so drift is looked at only once a change is found. */
function planEntry(server: SiteSystemServer, current: LiveServer | undefined, record: ManagedRecord | undefined): Planned {
  return { server, current, record, change: planServer(server, current, () => drifted(record, current)) };
}

function planServer(server: SiteSystemServer, current: LiveServer | undefined, drifted: () => boolean): Change | undefined {
  const before = current ?? {};
  if (server.effectiveProxy.state === 'held') {
    const reason = 'roles on this server need different proxies and spec.proxy does not choose one (ProxyConflict)';
    return { kind: 'SiteSystemServer', name: server.name, action: 'hold', patch: [], before, after: before, reason };
  }
  const after = desiredServerObject(server, current);
  if (after === current) return undefined; // already as it should be (most servers): no patch to build
  const patch = compare(before, after);
  if (patch.length === 0) return undefined;
  const record = {
    ...(server.effectiveProxy.state === 'managed' ? { proxy: after.proxy } : {}),
    roles: server.roles.map(roleSettings),
  };
  const drift = drifted();
  // `proxy: null` reads the same for `{ enabled: false }` and for a proxy nobody states: say which.
  const unmanaged = server.effectiveProxy.state === 'unmanaged' ? { reason: UNMANAGED_PROXY } : {};
  return {
    kind: 'SiteSystemServer',
    name: server.name,
    action: current ? 'update' : 'create',
    patch,
    before,
    after,
    record,
    ...unmanaged,
    ...(drift ? { drift } : {}),
  };
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** liveSite is a desired site in the live state's shape. */
function liveSite(site: Site): LiveSite {
  return {
    code: site.code,
    type: site.type,
    version: site.version,
    hotfixes: [...site.hotfixes],
    parent: site.parent,
    siteServer: site.siteServer,
    features: { ...site.features },
  };
}
