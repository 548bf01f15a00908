import type { Diagnostic } from '../model/diagnostic.js';
import type { DesiredState } from '../model/desired.js';
import { liveServerIndex, type LiveServer, type LiveState } from '../model/live.js';
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
 * which works because resolving and applying keep the objects of what did not change. A memo
 * used with another list of rules starts over.
 */
export class RuleMemo {
  private shared: Shared | undefined;
  readonly judged = new MemoTable<string, Judged>();

  /** start begins a pass; when something every server depends on changed, every server is judged again. */
  start(shared: Shared): void {
    const same =
      this.shared !== undefined &&
      sameItems(this.shared.rules, shared.rules) &&
      this.shared.today === shared.today &&
      this.shared.hasLive === shared.hasLive &&
      sameItems(this.shared.sites, shared.sites);
    this.shared = shared;
    this.judged.start(!same);
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

  memo.start({ rules: perServer, today, hasLive: live !== null, sites: [...desired.sites.values()] });
  const liveServers = live ? liveServerIndex(live) : undefined;
  const records = live?.managed?.servers;
  for (const server of desired.servers.values()) {
    const liveServer = liveServers?.get(server.name);
    const record = records?.[server.name];
    let entry = memo.judged.get(server.name);
    if (!entry || entry.server !== server || entry.liveServer !== liveServer || entry.record !== record) {
      const findings: Diagnostic[] = [];
      const context = createContext(desired, today, live, findings, { servers: [server], sites: [], cloudDistributionPoints: [] });
      for (const rule of perServer) rule(context);
      entry = { server, liveServer, record, findings };
      memo.judged.set(server.name, entry);
    }
    for (const finding of entry.findings) found.push(finding);
  }
  memo.judged.end();
  return found;
}
