import type { Diagnostic } from '../model/diagnostic.js';
import type { DesiredState } from '../model/desired.js';
import { changedSince, liveServerIndex, type LiveServer, type LiveState } from '../model/live.js';
import { MemoTable, sameItems } from '../model/memo-table.js';
import type { ManagedRecord } from '../model/plan.js';
import type { SiteSystemServer } from '../model/server.js';
import type { Site } from '../model/site.js';
import { createContext, wholeScope, type Rule } from './context.js';

/** What the rules found judging one server alone, and the inputs they had. */
interface Judged {
  readonly server: SiteSystemServer;
  readonly liveServer: LiveServer | undefined;
  readonly record: ManagedRecord | undefined;
  readonly findings: readonly Diagnostic[];
}

/** What every server's findings also depend on; when any of it changes, every server is judged again. */
interface Shared {
  readonly rules: readonly Rule[];
  readonly today: string;
  readonly hasLive: boolean;
  readonly sites: readonly Site[];
}

/**
 * RuleMemo lets a watcher judge again only the servers whose inputs changed since its last
 * pass. What a per-server rule finds about a server depends on that server, its live object
 * and bookkeeping record, today's date and the sites alone. Inputs are compared by identity,
 * which works because resolving and applying keep the objects of what did not change; when
 * the live state was made from the last one by applying a plan, only the servers written are
 * looked up in it again. A memo used with another list of rules starts over.
 */
export class RuleMemo {
  private shared: Shared | undefined;
  readonly judged = new MemoTable<string, Judged>();
  /** The live state of the last pass that judged every server. */
  private live: LiveState | null = null;

  /**
   * start begins a pass; when something every server depends on changed, every server is
   * judged again. It answers which servers' live objects may differ from those they were
   * judged with: none or those written when the live state is the last one or was made from
   * it by applying a plan, undefined (any) otherwise.
   */
  start(shared: Shared, live: LiveState | null): ReadonlySet<string> | undefined {
    const same =
      this.shared !== undefined &&
      sameItems(this.shared.rules, shared.rules) &&
      this.shared.today === shared.today &&
      this.shared.hasLive === shared.hasLive &&
      sameItems(this.shared.sites, shared.sites);
    this.shared = shared;
    this.judged.start(!same);
    return live && this.live ? changedSince(live, this.live) : undefined;
  }

  /** end forgets the servers this pass did not judge; every kept finding now holds for `live`. */
  end(live: LiveState | null): void {
    this.judged.end();
    this.live = live;
  }
}

/**
 * runRulesIncrementally finds exactly what running `rules` over the whole desired state finds
 * (in another order). Rules that compare servers with each other (`acrossServers`) run over
 * everything; the others run over the sites and cloud distribution points, which are few,
 * and then server by server, taking a server's findings from the memo when its inputs are
 * the same objects as last time.
 */
export function runRulesIncrementally(
  desired: DesiredState,
  today: string,
  live: LiveState | null,
  rules: readonly Rule[],
  acrossServers: ReadonlySet<Rule>,
  memo: RuleMemo,
): Diagnostic[] {
  const found: Diagnostic[] = [];
  const whole = wholeScope(desired);
  const wholeContext = createContext(desired, today, live, found, whole);
  for (const rule of rules) if (acrossServers.has(rule)) rule(wholeContext);

  const perServer = rules.filter((rule) => !acrossServers.has(rule));
  const restContext = createContext(desired, today, live, found, { ...whole, servers: [] });
  for (const rule of perServer) rule(restContext);

  const liveChanged = memo.start({ rules: perServer, today, hasLive: live !== null, sites: [...desired.sites.values()] }, live);
  const liveServers = live ? liveServerIndex(live) : undefined;
  const records = live?.managed?.servers;
  for (const server of desired.servers.values()) {
    let entry = memo.judged.get(server.name);
    if (entry?.server === server && liveChanged?.has(server.name) === false) {
      for (const finding of entry.findings) found.push(finding);
      continue;
    }
    const liveServer = liveServers?.get(server.name);
    const record = records?.[server.name];
    if (!entry || entry.server !== server || entry.liveServer !== liveServer || entry.record !== record) {
      const findings: Diagnostic[] = [];
      const context = createContext(desired, today, live, findings, { servers: [server], sites: [], cloudDistributionPoints: [] });
      for (const rule of perServer) rule(context);
      entry = { server, liveServer, record, findings };
      memo.judged.set(server.name, entry);
    }
    for (const finding of entry.findings) found.push(finding);
  }
  memo.end(live);
  return found;
}
