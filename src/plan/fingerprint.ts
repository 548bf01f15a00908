import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import type { LiveState } from '../model/live.js';

/** fingerprint is the sha256 of the live state in canonical JSON (keys sorted), so a saved plan can tell whether the site changed since. */
export function fingerprint(live: LiveState): string {
  return 'sha256:' + createHash('sha256').update(stringify(live) ?? '').digest('hex');
}
