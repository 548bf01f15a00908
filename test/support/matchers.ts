import { expect } from 'vitest';

// Vitest declares its asymmetric matchers as returning `any`; these say `unknown`, so a matcher
// can stand for a field inside an expected object without an unsafe assignment.

/** stringContaining matches any string that contains `text`. */
export function stringContaining(text: string): unknown {
  return expect.stringContaining(text);
}

/** stringMatching matches any string that `pattern` matches. */
export function stringMatching(pattern: string | RegExp): unknown {
  return expect.stringMatching(pattern);
}

/** objectContaining matches any object that has at least the given fields. */
export function objectContaining(fields: Record<string, unknown>): unknown {
  return expect.objectContaining(fields);
}
