import type { ObjectRef } from './manifest.js';

/** Severity is how much a diagnostic matters: errors stop an apply, warnings are shown, info is advice. */
export type Severity = 'error' | 'warning' | 'info';

/** DiagnosticCode is the closed vocabulary of SPEC.md section 6; scripts match on these. */
export type DiagnosticCode =
  | 'YamlSyntax'
  | 'SchemaViolation'
  | 'DuplicateObject'
  | 'UnknownReference'
  | 'DuplicateRole'
  | 'InvalidHierarchy'
  | 'ProxyNotConfigurableOnRole'
  | 'RoleProxyWithoutServerProxy'
  | 'ConnectedCacheProxyUnsupported'
  | 'SingletonRoleDuplicated'
  | 'NoManifests'
  | 'ProxyConflict'
  | 'ProxyResetOnOverwrite'
  | 'SettingIgnoredOnSecondarySite'
  | 'RoleDeprecated'
  | 'FeatureRequiresVersion'
  | 'InternetRoleWithoutProxy'
  | 'AdrDownloadWithoutProxy'
  | 'UnsupportedSiteVersion'
  | 'AccountNotFound'
  | 'PruneCandidate'
  | 'SiteMismatch'
  | 'DriftDetected'
  | 'ManagementPointIgnoresSiteProxy';

/** SEVERITY_OF fixes each code's severity, so a rule cannot report a code at the wrong level. */
export const SEVERITY_OF: Readonly<Record<DiagnosticCode, Severity>> = {
  YamlSyntax: 'error',
  SchemaViolation: 'error',
  DuplicateObject: 'error',
  UnknownReference: 'error',
  DuplicateRole: 'error',
  InvalidHierarchy: 'error',
  ProxyNotConfigurableOnRole: 'error',
  RoleProxyWithoutServerProxy: 'error',
  ConnectedCacheProxyUnsupported: 'error',
  SingletonRoleDuplicated: 'error',
  NoManifests: 'error',
  ProxyConflict: 'warning',
  ProxyResetOnOverwrite: 'warning',
  SettingIgnoredOnSecondarySite: 'warning',
  RoleDeprecated: 'warning',
  FeatureRequiresVersion: 'warning',
  InternetRoleWithoutProxy: 'warning',
  AdrDownloadWithoutProxy: 'warning',
  UnsupportedSiteVersion: 'warning',
  AccountNotFound: 'warning',
  PruneCandidate: 'warning',
  SiteMismatch: 'warning',
  DriftDetected: 'warning',
  ManagementPointIgnoresSiteProxy: 'info',
};

/** SourcePosition is a 1-based line and column in a manifest file (or `-` for standard input). */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Diagnostic is one finding about the manifests or the live state, shaped as SPEC.md section 5 prints it. */
export interface Diagnostic {
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly object?: ObjectRef;
  readonly source?: SourcePosition;
  /** JSON pointer into the document (for manifests) of the offending node. */
  readonly path?: string;
}

/** Where locates a diagnostic: the object it concerns, the file position and the JSON pointer. */
export interface Where {
  readonly object?: ObjectRef | undefined;
  readonly source?: SourcePosition | undefined;
  readonly path?: string | undefined;
}

/** diagnostic builds a Diagnostic with the severity its code prescribes, leaving out empty location fields. */
export function diagnostic(code: DiagnosticCode, message: string, where: Where = {}): Diagnostic {
  return {
    severity: SEVERITY_OF[code],
    code,
    message,
    ...(where.object ? { object: where.object } : {}),
    ...(where.source ? { source: where.source } : {}),
    ...(where.path !== undefined ? { path: where.path } : {}),
  };
}

/** formatPosition renders a position as `file:line:col`, the form editors and terminals link. */
export function formatPosition(p: SourcePosition): string {
  return `${p.file}:${p.line}:${p.column}`;
}

/**
 * compareDiagnostics orders by file, line, column, code, then message: a total order, so
 * output is the same run to run and whichever order the checks found things in.
 */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  const fa = a.source?.file ?? '';
  const fb = b.source?.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  const la = a.source?.line ?? 0;
  const lb = b.source?.line ?? 0;
  if (la !== lb) return la - lb;
  const ca = a.source?.column ?? 0;
  const cb = b.source?.column ?? 0;
  if (ca !== cb) return ca - cb;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/** Counts are how many diagnostics of each severity were found. */
export interface Counts {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
}

/** countDiagnostics tallies diagnostics by severity. */
export function countDiagnostics(diagnostics: readonly Diagnostic[]): Counts {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
    else infos++;
  }
  return { errors, warnings, infos };
}

/** escalateWarnings makes every warning an error, for --strict. */
export function escalateWarnings(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.map((d) => (d.severity === 'warning' ? { ...d, severity: 'error' } : d));
}
