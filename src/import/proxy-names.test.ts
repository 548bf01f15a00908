import { describe, expect, it } from 'vitest';
import { settingsKey, type ProxySettings } from '../model/proxy.js';
import { nameProxies } from './proxy-names.js';

const p = (server: string, port: number, account: string | null = null): ProxySettings => ({ server, port, account });
const names = (...proxies: ProxySettings[]) => proxies.map((proxy) => nameProxies(proxies).get(settingsKey(proxy)));

describe('nameProxies', () => {
  it('names a proxy from its whole host, its port and its account as DOMAIN-user', () => {
    expect(
      names(
        p('proxy-eu.contoso.com', 8080, 'CONTOSO\\svc-cmproxy'),
        p('proxy-eu.contoso.com', 3128),
        p('10.0.0.1', 80),
        p('fe80::1', 8080),
      ),
    ).toEqual(['proxy-eu-contoso-com-8080-contoso-svc-cmproxy', 'proxy-eu-contoso-com-3128', '10-0-0-1-80', 'fe80-1-8080']);
  });

  it('keeps the name of a proxy when other proxies come or go', () => {
    const corp = p('proxy.contoso.com', 8080, 'CONTOSO\\svc');
    const alone = nameProxies([corp]).get(settingsKey(corp));
    const withOthers = nameProxies([p('proxy.fabrikam.com', 8080, 'FABRIKAM\\svc'), corp, p('proxy.contoso.com', 80)]).get(
      settingsKey(corp),
    );
    expect(withOthers).toBe(alone);
  });

  it('tells apart with a hash what only punctuation tells apart', () => {
    const [a, b] = names(p('proxy_a.contoso.com', 80), p('proxy-a.contoso.com', 80));
    expect(a).not.toBe(b);
    for (const name of [a, b]) expect(name).toMatch(/^proxy-a-contoso-com-80-[0-9a-f]{8}$/);
  });

  it('gives proxies that differ only in case one name', () => {
    const proxies = [p('Proxy.Contoso.com', 8080, 'contoso\\SVC'), p('proxy.contoso.com', 8080, 'CONTOSO\\svc')];
    expect(nameProxies(proxies).size).toBe(1);
    expect(names(...proxies)).toEqual(['proxy-contoso-com-8080-contoso-svc', 'proxy-contoso-com-8080-contoso-svc']);
  });

  it('keeps every name a DNS label of at most 63 characters', () => {
    const [name] = names(p(`${'a'.repeat(80)}.contoso.com`, 65535, `CONTOSO\\${'u'.repeat(80)}`));
    expect(name!.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
  });

  it('names the same proxies the same, whatever order they come in', () => {
    const proxies = [p('a.contoso.com', 80), p('a.fabrikam.com', 80), p('b.contoso.com', 8080, 'X\\y')];
    expect(nameProxies([...proxies].reverse())).toEqual(nameProxies(proxies));
  });
});
