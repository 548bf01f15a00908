import type { ObjectRef } from './manifest.js';
import type { ProxySettings } from './proxy.js';

/** EventReason is SPEC section 6's closed set of event reasons. */
export type EventReason =
  | 'ProxyConfigured'
  | 'ProxyRemoved'
  | 'ProxyOverwritten'
  | 'RoleSettingsUpdated'
  | 'ProxyConflict'
  | 'DriftDetected'
  | 'DriftCorrected'
  | 'ManifestsInvalid'
  | 'ApplyFailed'
  | 'ApplySkipped'
  | 'Pruned';

/** EVENT_TYPE fixes each reason's type, as SEVERITY_OF does a diagnostic's severity: what a person should look at is a Warning. */
export const EVENT_TYPE: Readonly<Record<EventReason, 'Normal' | 'Warning'>> = {
  ProxyConfigured: 'Normal',
  ProxyRemoved: 'Normal',
  ProxyOverwritten: 'Normal',
  RoleSettingsUpdated: 'Normal',
  ProxyConflict: 'Warning',
  DriftDetected: 'Warning',
  DriftCorrected: 'Normal',
  ManifestsInvalid: 'Warning',
  ApplyFailed: 'Warning',
  ApplySkipped: 'Warning',
  Pruned: 'Normal',
};

/** EventObject is what an event is about: a manifest object, or the manifests as a whole (ManifestsInvalid). */
export type EventObject = ObjectRef | { readonly kind: 'Manifests'; readonly name: string };

/** SiteEvent is one thing that happened to the live site, as `events.jsonl` records it. */
export interface SiteEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: EventReason;
  readonly message: string;
  readonly object: EventObject;
  /** How often this same event happened; repeats raise it instead of adding events. */
  readonly count: number;
  readonly firstTimestamp: string;
  readonly lastTimestamp: string;
  /** The proxy a write replaced or removed, so it can be restored. */
  readonly previous?: ProxySettings | null;
  /** The live revision the event belongs to. */
  readonly revision?: number;
}

/** eventKey identifies "the same event": type, reason, object and message. */
export function eventKey(e: Pick<SiteEvent, 'type' | 'reason' | 'object' | 'message'>): string {
  return `${e.type}|${e.reason}|${e.object.kind}/${e.object.name}|${e.message}`;
}
