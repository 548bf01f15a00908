import { UsageError } from './io.js';

/**
 * today reads "today" for support-date rules: SITECTL_NOW (an ISO date) when set, so runs are
 * reproducible, otherwise the clock. This is the only clock read behind the rules.
 */
export function today(env: Readonly<Record<string, string | undefined>>, now: () => Date = () => new Date()): string {
  const override = env.SITECTL_NOW;
  if (override === undefined || override === '') return now().toISOString().slice(0, 10);
  const parsed = new Date(override);
  if (!/^\d{4}-\d{2}-\d{2}/.test(override) || Number.isNaN(parsed.getTime())) {
    throw new UsageError(`SITECTL_NOW must be an ISO date such as 2026-11-26 (got ${JSON.stringify(override)})`);
  }
  return parsed.toISOString().slice(0, 10);
}
