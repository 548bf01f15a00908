import type { Operation } from 'fast-json-patch';
import type { Diagnostic } from './diagnostic.js';
import type { LiveRole, LiveServer, LiveSite } from './live.js';
import type { ProxySettings } from './proxy.js';

/** ChangeAction is what a plan does to one server. A `hold` writes nothing; it is listed so the reason is seen. */
export type ChangeAction = 'create' | 'update' | 'hold' | 'prune';

/** ManagedRecord is sitectl's bookkeeping for one server: the fields it last wrote, so drift and prune can be told. */
export interface ManagedRecord {
  /** Present when sitectl manages the server's proxy; null means it wrote "no proxy". */
  readonly proxy?: ProxySettings | null;
  readonly roles: readonly LiveRole[];
  /** The live revision that write produced. */
  readonly revision: number;
}

/** Change is one server's entry in a plan: an RFC 6902 patch against the live object, with before and after. */
export interface Change {
  readonly kind: 'SiteSystemServer';
  readonly name: string;
  readonly action: ChangeAction;
  readonly patch: Operation[];
  readonly before: Partial<LiveServer>;
  readonly after: Partial<LiveServer>;
  /** Why a server is held or pruned, or that its proxy is not managed, in words. */
  readonly reason?: string;
  /** True when the live server had drifted from what sitectl last applied. */
  readonly drift?: boolean;
  /** The bookkeeping to store once this change is written (absent for holds and prunes). */
  readonly record?: Omit<ManagedRecord, 'revision'>;
}

/** PlanSummary counts changes by action and diagnostics by severity. */
export interface PlanSummary {
  readonly create: number;
  readonly update: number;
  readonly hold: number;
  readonly prune: number;
  readonly unchanged: number;
  readonly errors: number;
  readonly warnings: number;
}

/** Plan is SPEC section 5's document: what would change, against which live state, and what was found on the way. */
export interface Plan {
  readonly apiVersion: 'sitectl/v1';
  readonly kind: 'Plan';
  readonly liveRevision: number | null;
  readonly liveFingerprint: string | null;
  readonly changes: readonly Change[];
  readonly diagnostics: readonly Diagnostic[];
  readonly summary: PlanSummary;
  /** Whether the plan prunes; a saved plan keeps it so applying it later does the same. */
  readonly prune?: boolean;
  /** The manifests' sites, which the state-file backend copies into the state when it writes. */
  readonly sites?: readonly LiveSite[];
}

/** isPlanDocument tells whether a parsed JSON value says it is a sitectl Plan (apiVersion and kind). */
export function isPlanDocument(value: unknown): value is Partial<Plan> {
  const plan = value as { apiVersion?: unknown; kind?: unknown } | null;
  return typeof plan === 'object' && plan !== null && plan.apiVersion === 'sitectl/v1' && plan.kind === 'Plan';
}

/** hasChanges tells whether applying the plan would write anything (holds are not changes). */
export function hasChanges(plan: Pick<Plan, 'changes'>): boolean {
  return plan.changes.some((c) => c.action !== 'hold');
}
