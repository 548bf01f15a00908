import type { ProxySettings } from '../model/proxy.js';
import { stableHash } from './stable-hash.js';

/** proxyKey identifies a proxy the way ConfigMgr compares them: host and account case-insensitively, port exactly. */
export function proxyKey(proxy: ProxySettings): string {
  return `${proxy.server.toLowerCase()}\n${proxy.port}\n${(proxy.account ?? '').toLowerCase()}`;
}

const MAX_NAME = 63;

/**
 * nameProxies gives each distinct proxy (by proxyKey) a Proxy document name that a person can
 * read and that depends on the proxy alone wherever it can: the host's first label, the port
 * and the account's user, e.g. `proxy-8080-svc-cmproxy` (an IP address is kept whole). Proxies
 * whose short names collide are named after their whole host and DOMAIN-user instead, and any
 * name still taken gets a hash of its proxy, so the same proxies always get the same names.
 */
export function nameProxies(proxies: readonly ProxySettings[]): Map<string, string> {
  const byKey = new Map<string, ProxySettings>();
  for (const proxy of proxies) if (!byKey.has(proxyKey(proxy))) byKey.set(proxyKey(proxy), proxy);
  const keys = [...byKey.keys()].sort();
  const short = new Map(keys.map((key) => [key, proxyName(byKey.get(key)!, 'short')]));
  const shortCount = countValues(short);
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const key of keys) {
    const proxy = byKey.get(key)!;
    let name = shortCount.get(short.get(key)!) === 1 ? short.get(key)! : proxyName(proxy, 'long');
    if (taken.has(name)) name = withSuffix(name, stableHash(key));
    for (let n = 2; taken.has(name); n++) name = withSuffix(name, String(n));
    taken.add(name);
    names.set(key, name);
  }
  return names;
}

/** proxyName builds a DNS-label name from a proxy's host, port and account, short or long. */
function proxyName(proxy: ProxySettings, form: 'short' | 'long'): string {
  const host = form === 'long' || isAddress(proxy.server) ? proxy.server : proxy.server.split('.')[0]!;
  const account = proxy.account === null ? '' : form === 'long' ? proxy.account : proxy.account.slice(proxy.account.lastIndexOf('\\') + 1);
  const name = label(`${label(host) || 'proxy'}-${proxy.port}${account ? `-${account}` : ''}`);
  return name.length <= MAX_NAME ? name : withSuffix(name, stableHash(proxyKey(proxy)));
}

const isAddress = (host: string): boolean => /^\d+(\.\d+){3}$/.test(host) || host.includes(':');

/** label lower-cases text and turns every run of other characters than a-z and 0-9 into one dash. */
function label(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** withSuffix appends `-suffix`, shortening the name first so that the result fits in a DNS label. */
function withSuffix(name: string, suffix: string): string {
  return `${name.slice(0, MAX_NAME - suffix.length - 1).replace(/-+$/, '')}-${suffix}`;
}

function countValues(map: ReadonlyMap<string, string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of map.values()) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
