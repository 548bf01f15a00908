import { settingsKey, type ProxySettings } from '../model/proxy.js';
import { stableHash } from './stable-hash.js';

const MAX_NAME = 63;

/**
 * nameProxies gives each distinct proxy (by settingsKey) a Proxy document name that a person can
 * read and that depends on that proxy alone, so that a re-import after another proxy appeared
 * renames nothing: its whole host, its port and its account as DOMAIN-user, e.g.
 * `proxy-contoso-com-8080-contoso-svc-cmproxy`. Two proxies that only punctuation tells apart
 * (`proxy_a` and `proxy-a`), or a name longer than a DNS label, get a hash of the proxy too.
 */
export function nameProxies(proxies: readonly ProxySettings[]): Map<string, string> {
  const byKey = new Map<string, ProxySettings>();
  for (const proxy of proxies) if (!byKey.has(settingsKey(proxy))) byKey.set(settingsKey(proxy), proxy);
  const plain = new Map([...byKey].map(([key, proxy]) => [key, proxyName(proxy)]));
  const uses = countValues(plain);
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const key of [...byKey.keys()].sort()) {
    let name = uses.get(plain.get(key)!) === 1 ? plain.get(key)! : withSuffix(plain.get(key)!, stableHash(key));
    for (let n = 2; taken.has(name); n++) name = withSuffix(name, String(n));
    taken.add(name);
    names.set(key, name);
  }
  return names;
}

/** proxyName builds a DNS-label name from a proxy's host, port and account. */
function proxyName(proxy: ProxySettings): string {
  const name = label(`${label(proxy.server) || 'proxy'}-${proxy.port}${proxy.account !== null ? `-${proxy.account}` : ''}`);
  return name.length <= MAX_NAME ? name : withSuffix(name, stableHash(settingsKey(proxy)));
}

/** label lower-cases text and turns every run of other characters than a-z and 0-9 into one dash. */
function label(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
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
