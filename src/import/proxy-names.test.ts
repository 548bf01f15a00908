import { describe, expect, it } from 'vitest';
import type { ProxySettings } from '../model/proxy.js';
import { nameProxies, proxyKey } from './proxy-names.js';

const p = (server: string, port: number, account: string | null = null): ProxySettings => ({ server, port, account });
const names = (...proxies: ProxySettings[]) => proxies.map((proxy) => nameProxies(proxies).get(proxyKey(proxy)));

describe('nameProxies', () => {
  it("names a proxy from its host's first label, its port and its account's user", () => {
    expect(names(p('proxy-eu.contoso.com', 8080, 'CONTOSO\\svc-cmproxy'), p('proxy-eu.contoso.com', 3128))).toEqual(['proxy-eu-8080-svc-cmproxy', 'proxy-eu-3128']);
  });

  it('keeps an IP address whole', () => {
    expect(names(p('10.0.0.1', 80), p('fe80::1', 8080))).toEqual(['10-0-0-1-80', 'fe80-1-8080']);
  });

  it('uses the whole host and DOMAIN-user for proxies whose short names collide, and leaves the others short', () => {
    expect(names(p('proxy.contoso.com', 8080, 'CONTOSO\\svc'), p('proxy.fabrikam.com', 8080, 'FABRIKAM\\svc'), p('web.contoso.com', 80))).toEqual([
      'proxy-contoso-com-8080-contoso-svc',
      'proxy-fabrikam-com-8080-fabrikam-svc',
      'web-80',
    ]);
  });

  it('tells apart with a hash what even the long names cannot', () => {
    const [a, b] = names(p('proxy_a.contoso.com', 80), p('proxy-a.contoso.com', 80));
    expect(a).not.toBe(b);
    expect([a, b]).toContain('proxy-a-contoso-com-80');
    expect([a, b].find((n) => n !== 'proxy-a-contoso-com-80')).toMatch(/^proxy-a-contoso-com-80-[0-9a-f]{8}$/);
  });

  it('gives proxies that differ only in case one name', () => {
    const proxies = [p('Proxy.Contoso.com', 8080, 'contoso\\SVC'), p('proxy.contoso.com', 8080, 'CONTOSO\\svc')];
    expect(nameProxies(proxies).size).toBe(1);
    expect(names(...proxies)).toEqual(['proxy-8080-svc', 'proxy-8080-svc']);
  });

  it('keeps every name a DNS label of at most 63 characters', () => {
    const long = p(`${'a'.repeat(80)}.contoso.com`, 65535, `CONTOSO\\${'u'.repeat(80)}`);
    const [name] = names(long);
    expect(name!.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
  });

  it('names the same proxies the same, whatever order they come in', () => {
    const proxies = [p('a.contoso.com', 80), p('a.fabrikam.com', 80), p('b.contoso.com', 8080, 'X\\y')];
    expect(nameProxies([...proxies].reverse())).toEqual(nameProxies(proxies));
  });
});
