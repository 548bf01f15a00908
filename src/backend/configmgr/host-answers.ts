import { stringify } from 'safe-stable-stringify';
import type { LiveServer, LiveState } from '../../model/live.js';
import { fingerprintOf } from '../../plan/fingerprint.js';
import { SiteUnreachableError } from '../errors.js';
import type { HostMessage } from './powershell-host.js';
import type { WriteOutcome } from './site-writes.js';

// What the PowerShell host answers, read into sitectl's model: the site it read, that site's
// fingerprint, and how each server's write ended. Pure, so that it is tested without PowerShell.

/** SiteRead is what the host read of the site: a LiveState without sitectl's bookkeeping. */
export type SiteRead = Pick<LiveState, 'apiVersion' | 'kind' | 'sites' | 'servers' | 'accounts'>;

/** siteRead is the host's answer to a read, its lists as lists however PowerShell wrote them. */
export function siteRead(answer: HostMessage): SiteRead {
  const state = answer['state'] as Partial<LiveState> | null | undefined;
  // Windows PowerShell 5.1 writes an empty list as null and a one-element list as its element in places,
  // so only a list that is missing altogether makes the answer unreadable.
  if (!state || state.sites === undefined || state.servers === undefined)
    throw new SiteUnreachableError('PowerShell answered the read without a live state');
  const list = <V>(value: readonly V[] | V | null | undefined): V[] =>
    value === null || value === undefined ? [] : Array.isArray(value) ? [...(value as readonly V[])] : [value as V];
  const servers = list(state.servers as LiveServer[]).map((s) => ({ ...s, roles: list(s.roles) }));
  return {
    apiVersion: 'sitectl/v1',
    kind: 'LiveState',
    sites: list(state.sites as LiveState['sites'][number][]),
    servers,
    accounts: list(state.accounts as string[]),
  };
}

/** siteFingerprint identifies a site as read, whatever order the cmdlets listed it in. */
export function siteFingerprint(site: SiteRead): string {
  const byName = (a: { name: string; site: string }, b: { name: string; site: string }) =>
    `${a.name}|${a.site}` < `${b.name}|${b.site}` ? -1 : 1;
  const canonical = {
    sites: [...site.sites].sort((a, b) => (a.code < b.code ? -1 : 1)),
    servers: [...site.servers].map((s) => ({ ...s, roles: [...s.roles].sort((a, b) => (a.type < b.type ? -1 : 1)) })).sort(byName),
    accounts: [...(site.accounts ?? [])].map((a) => a.toLowerCase()).sort(),
  };
  return fingerprintOf(stringify(canonical) ?? '');
}

/** messageText keeps what PowerShell said readable whatever it sent: a string as is, anything else as JSON. */
function messageText(value: unknown): string {
  if (typeof value === 'string') return value;
  return value === undefined || value === null ? '' : JSON.stringify(value);
}

/** outcomeOf reads one server's outcome; anything but applied or skipped counts as failed, so nothing unknown is recorded as written. */
export function outcomeOf(message: HostMessage): WriteOutcome {
  const outcome = message['outcome'];
  const text = messageText(message['message']);
  if (outcome === 'applied' || outcome === 'skipped' || outcome === 'failed')
    return { server: String(message['server']), outcome, message: text };
  return {
    server: String(message['server']),
    outcome: 'failed',
    message: `PowerShell reported an unknown outcome ${JSON.stringify(outcome)}`,
  };
}
