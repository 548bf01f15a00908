import { EVENT_TYPE, type EventReason, type SiteEvent } from '../model/event.js';
import type { Change } from '../model/plan.js';
import { describeSettings, sameSettings } from '../model/proxy.js';
import { roleChanges } from '../model/role-changes.js';
import { stringify } from 'safe-stable-stringify';

/** NewEvent is an event before the event log counts it: no count or timestamps yet. */
export type NewEvent = Omit<SiteEvent, 'count' | 'firstTimestamp' | 'lastTimestamp'>;

function event(reason: EventReason, change: Change, message: string, extra: Partial<NewEvent> = {}): NewEvent {
  return { type: EVENT_TYPE[reason], reason, message, object: { kind: change.kind, name: change.name }, ...extra };
}

/** eventsFor says what one executed change did, in the events of SPEC section 6. */
export function eventsFor(change: Change, revision: number): NewEvent[] {
  const before = change.before;
  const after = change.after;
  const previous = before.proxy ?? null;
  const next = after.proxy ?? null;
  const at = { revision };
  switch (change.action) {
    case 'hold':
      return [event('ProxyConflict', change, `proxy held: ${change.reason ?? 'roles need different proxies'}`)];
    case 'prune':
      return [
        event('Pruned', change, `removed proxy ${describeSettings(previous)}: ${change.reason ?? 'left the manifests'}`, {
          previous,
          ...at,
        }),
      ];
    case 'create':
    case 'update': {
      const events: NewEvent[] = [];
      if (change.drift)
        events.push(event('DriftCorrected', change, 'restored the settings sitectl applied, which had been changed on the site', at));
      if (!sameSettings(previous, next)) {
        if (next === null) events.push(event('ProxyRemoved', change, `removed proxy ${describeSettings(previous)}`, { previous, ...at }));
        else if (previous === null) events.push(event('ProxyConfigured', change, `configured proxy ${describeSettings(next)}`, at));
        else
          events.push(
            event('ProxyOverwritten', change, `replaced proxy ${describeSettings(previous)} with ${describeSettings(next)}`, {
              previous,
              ...at,
            }),
          );
      }
      if (change.action === 'update' && stringify(before.roles ?? []) !== stringify(after.roles ?? [])) {
        events.push(
          event(
            'RoleSettingsUpdated',
            change,
            `role settings changed: ${roleChanges(before.roles ?? [], after.roles ?? []).join(', ') || 'roles added'}`,
            at,
          ),
        );
      }
      return events;
    }
  }
}
