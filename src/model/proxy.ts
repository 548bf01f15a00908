import type { Origin } from './server.js';

/** DEFAULT_PROXY_PORT is the port ConfigMgr writes when a proxy leaves its port out. */
export const DEFAULT_PROXY_PORT = 80;

/** ProxySettings is one complete proxy configuration; `account: null` means the computer's System account. */
export interface ProxySettings {
  readonly server: string;
  readonly port: number;
  readonly account: string | null;
}

/**
 * DesiredProxy is what a server's single proxy configuration should be: settings, or none
 * (`{ enabled: false }`). `ref` and `document` remember the Proxy document it came from and
 * where its spec is, for messages only.
 */
export type DesiredProxy =
  | { readonly enabled: true; readonly settings: ProxySettings; readonly ref?: string; readonly document?: Origin }
  | { readonly enabled: false };

/** sameSettings compares two proxies the way ConfigMgr does: server and account case-insensitively, port exactly. */
export function sameSettings(a: ProxySettings | null, b: ProxySettings | null): boolean {
  if (a === null || b === null) return a === b;
  return a.port === b.port && sameText(a.server, b.server) && sameText(a.account ?? '', b.account ?? '');
}

/** sameText compares case-insensitively; equal strings, the usual case, need no lower-casing. */
function sameText(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase();
}

/** settingsKey identifies proxy settings the way sameSettings compares them: equal keys, equal settings. */
export function settingsKey(s: ProxySettings): string {
  return `${s.server.toLowerCase()}\n${s.port}\n${(s.account ?? '').toLowerCase()}`;
}

/** sameProxy compares desired proxies; a ref and identical inline settings are equal. */
export function sameProxy(a: DesiredProxy, b: DesiredProxy): boolean {
  if (!a.enabled || !b.enabled) return a.enabled === b.enabled;
  return sameSettings(a.settings, b.settings);
}

/** describeSettings renders settings for messages, e.g. `proxy-eu.contoso.com:8080 as CONTOSO\svc`. */
export function describeSettings(s: ProxySettings | null): string {
  if (s === null) return 'no proxy';
  return `${s.server}:${s.port} as ${s.account ?? 'System'}`;
}

/** describeProxy renders a desired proxy for messages, naming its Proxy document when it has one. */
export function describeProxy(p: DesiredProxy): string {
  if (!p.enabled) return 'no proxy';
  const text = describeSettings(p.settings);
  return p.ref ? `${p.ref} (${text})` : text;
}
