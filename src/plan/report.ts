import { countDiagnostics, type Diagnostic } from '../model/diagnostic.js';
import type { Plan } from '../model/plan.js';

/** diagnosticsOnly is the Plan document for a run that read no live state: no changes, null live fields (SPEC section 5). */
export function diagnosticsOnly(diagnostics: readonly Diagnostic[]): Plan {
  const { errors, warnings } = countDiagnostics(diagnostics);
  return {
    apiVersion: 'sitectl/v1',
    kind: 'Plan',
    liveRevision: null,
    liveFingerprint: null,
    changes: [],
    diagnostics,
    summary: { create: 0, update: 0, hold: 0, prune: 0, unchanged: 0, errors, warnings },
  };
}
