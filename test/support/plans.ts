import type { Change, Plan } from '../../src/model/plan.js';

/**
 * planOf builds the Plan document a unit test hands to what applies or renders plans, without
 * running the planner: the summary counts the given changes by action, as the planner's would.
 */
export function planOf(changes: readonly Change[], extra: Partial<Omit<Plan, 'changes' | 'summary'>> = {}): Plan {
  const count = (action: Change['action']) => changes.filter((c) => c.action === action).length;
  return {
    apiVersion: 'sitectl/v1',
    kind: 'Plan',
    liveRevision: 1,
    liveFingerprint: 'sha256:test',
    diagnostics: [],
    ...extra,
    changes,
    summary: {
      create: count('create'),
      update: count('update'),
      hold: count('hold'),
      prune: count('prune'),
      unchanged: 0,
      errors: 0,
      warnings: 0,
    },
  };
}
