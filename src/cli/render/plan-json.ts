import type { Diagnostic } from '../../model/diagnostic.js';
import { countDiagnostics } from './diagnostics-text.js';

/** ValidationReport is SPEC section 5's Plan document as `validate -o json` prints it: no live state, no changes. */
export interface ValidationReport {
  readonly apiVersion: 'sitectl/v1';
  readonly kind: 'Plan';
  readonly liveRevision: null;
  readonly liveFingerprint: null;
  readonly changes: readonly never[];
  readonly diagnostics: readonly Diagnostic[];
  readonly summary: { create: 0; update: 0; hold: 0; prune: 0; unchanged: 0; errors: number; warnings: number };
}

/** validationReport shapes validate's result as the Plan document of SPEC section 5. */
export function validationReport(diagnostics: readonly Diagnostic[]): ValidationReport {
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
