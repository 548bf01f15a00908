import { UsageError } from './io.js';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** parseDuration reads `500ms`, `2s`, `5m` or `1h` (SPEC section 4) as milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag} takes a duration such as 500ms, 2s, 5m or 1h (got ${JSON.stringify(text)})`);
  return Math.round(Number(match[1]) * UNITS[match[2]]);
}
