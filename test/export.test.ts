import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../src/model/plan.js';
import type { ProxySettings } from '../src/model/proxy.js';
import { sitectl } from './support/cli.js';
import { parseJson, readJson } from './support/json.js';

// test/fixtures/export/live.json has the shape Export-SitectlLiveState.ps1 writes: no
// bookkeeping, roles as ConfigMgr reports them, only the SUP options it can read, accounts by
// name, and fields sitectl does not know (exportedAt, exportedBy).
const LIVE = 'test/fixtures/export/live.json';

describe('diff --live on an export of a real site', () => {
  it('plans the one server whose proxy differs, and warns about the account the site lacks', async () => {
    const result = await sitectl(['diff', '-f', 'examples/contoso', '--live', LIVE, '-o', 'json']);
    expect(result.code).toBe(1);
    const plan = parseJson<Plan>(result.stdout);
    expect(plan.liveRevision).toBe(0);
    expect(plan.changes.map((c) => [c.name, c.action])).toEqual([['cm-p01.eu.contoso.com', 'update']]);
    expect(plan.changes[0].patch).toEqual(
      expect.arrayContaining([
        { op: 'replace', path: '/proxy/server', value: 'proxy-eu.contoso.com' },
        { op: 'replace', path: '/proxy/port', value: 8080 },
      ]),
    );
    expect(plan.changes[0].patch).toHaveLength(2);
    const codes = plan.diagnostics.map((d) => d.code);
    expect(codes).toContain('AccountNotFound');
    expect(codes).not.toContain('SiteMismatch');
    expect(plan.summary).toMatchObject({ create: 0, update: 1, hold: 0, prune: 0, unchanged: 27 });
  });

  it('renders that plan as a script that sets the proxy with its account', async () => {
    const result = await sitectl(['plan', '-f', 'examples/contoso', '--live', LIVE, '-o', 'powershell']);
    expect(result.code).toBe(0); // plan made; --detailed-exitcode would say 1
    expect(result.stdout).toContain(
      "Set-CMSiteSystemServer -SiteSystemServerName 'cm-p01.eu.contoso.com' -SiteCode 'P01' -EnableProxy $true -ProxyServerName 'proxy-eu.contoso.com' -ProxyServerPort 8080 -ProxyAccessAccount (Get-SitectlAccount 'CONTOSO\\svc-cmproxy-eu' 'P01')",
    );
    expect(result.stdout).toContain(
      "-ExpectedProxy @{ Server = 'proxy-eu-old.contoso.com'; Port = 3128; Account = 'CONTOSO\\svc-cmproxy-eu' }",
    );
  });
});

describe('diff --live on an export saved by Windows PowerShell', () => {
  // Set-Content -Encoding utf8 in 5.1 writes a BOM; Out-File and > write UTF-16 LE; -Encoding BigEndianUnicode UTF-16 BE.
  const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();
  const encodings = [
    ['UTF-8 with a BOM', (text: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])],
    ['UTF-16 LE with a BOM', (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    ['UTF-16 BE with a BOM', (text: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)])],
  ] as const;

  it.each(encodings)('reads %s as the same plan', async (_name, encode) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sitectl-bom-'));
    try {
      const text = await readFile(LIVE, 'utf8');
      const file = path.join(dir, 'live.json');
      await writeFile(file, encode(text.replace('"name": "cm-p01.eu.contoso.com"', '"name": "cm-p01.eu.contoso.com", "note": "Виктор’s"')));
      const result = await sitectl(['diff', '-f', 'examples/contoso', '--live', file, '-o', 'json']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(1);
      const plan = parseJson<Plan>(result.stdout);
      expect(plan.changes.map((c) => c.name)).toEqual(['cm-p01.eu.contoso.com']);
      expect(plan.changes[0].before.note).toBe('Виктор’s');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('diff --live when only the case of a proxy host or account differs', () => {
  it('plans nothing for it: ConfigMgr compares both case-insensitively', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sitectl-case-'));
    try {
      await cp('examples/contoso', path.join(dir, 'contoso'), { recursive: true });
      const proxies = path.join(dir, 'contoso/proxies/proxies.yaml');
      await writeFile(
        proxies,
        (await readFile(proxies, 'utf8')).replace('account: CONTOSO\\svc-cmproxy-eu', 'account: contoso\\SVC-cmproxy-eu'),
      );
      // The live state as the manifests want it, but for case.
      const live = await readJson<{ servers: { name: string; proxy: ProxySettings | null }[] }>(LIVE);
      const p01 = live.servers.find((s) => s.name === 'cm-p01.eu.contoso.com')!;
      p01.proxy = { server: 'PROXY-EU.contoso.com', port: 8080, account: 'CONTOSO\\svc-cmproxy-eu' };
      await writeFile(path.join(dir, 'live.json'), JSON.stringify(live));
      const result = await sitectl(['diff', '-f', path.join(dir, 'contoso'), '--live', path.join(dir, 'live.json'), '-o', 'json']);
      expect(result.stderr).toBe('');
      expect(parseJson<Plan>(result.stdout).changes).toEqual([]);
      expect(result.code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
