import type { SourceFile } from '../../src/manifest/source.js';
import { validate, type Validation } from '../../src/validate.js';
import type { LiveState } from '../../src/model/live.js';
import type { Diagnostic, DiagnosticCode } from '../../src/model/diagnostic.js';
import { TODAY } from './cli.js';

/** sources turns `{ path: text }` into in-memory manifest files. */
export function sources(files: Record<string, string>): SourceFile[] {
  return Object.entries(files).map(([file, text]) => ({ file, bytes: new TextEncoder().encode(text) }));
}

/** check validates in-memory files with today pinned, optionally against a live state. */
export function check(files: Record<string, string>, live: LiveState | null = null): Validation {
  return validate(sources(files), { today: TODAY, live });
}

/** only keeps the diagnostics of one code. */
export function only(result: { diagnostics: Diagnostic[] }, code: DiagnosticCode): Diagnostic[] {
  return result.diagnostics.filter((d) => d.code === code);
}

/** codes lists the distinct codes found, sorted. */
export function codes(result: { diagnostics: Diagnostic[] }): string[] {
  return [...new Set(result.diagnostics.map((d) => d.code))].sort();
}

/** SITE_P01 is a minimal valid primary site on a supported release. */
export const SITE_P01 = `apiVersion: sitectl/v1
kind: Site
metadata:
  name: P01
spec:
  type: PrimarySite
  version: 2509
  siteServer: cm01.contoso.com
`;

/** server builds a SiteSystemServer document from its spec lines (indented two spaces). */
export function server(name: string, specLines: string): string {
  return `apiVersion: sitectl/v1
kind: SiteSystemServer
metadata:
  name: ${name}
spec:
${specLines}`;
}

/** liveState builds a LiveState document for rules that read live state. */
export function liveState(servers: LiveState['servers'], extra: Partial<LiveState> = {}): LiveState {
  return { apiVersion: 'sitectl/v1', kind: 'LiveState', revision: 1, sites: [], servers, ...extra };
}
