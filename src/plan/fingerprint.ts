import { createHash } from 'node:crypto';

/**
 * fingerprintOf identifies a live state document by the sha256 of its bytes as stored, so a
 * saved plan can tell whether anything changed since: any write, even one that only reformats,
 * changes it (a stale plan is refused rather than risked). An absent state file is the empty string.
 */
export function fingerprintOf(bytes: Uint8Array | string): string {
  return 'sha256:' + createHash('sha256').update(bytes).digest('hex');
}
