import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeWithPowerShell, runCommand } from '../support/powershell.js';
import { SimulatedSite, type SimHierarchy } from '../support/site-simulator.js';

// The simulated site is a test double: these tests hold it to the behaviours its README cites
// from DOMAIN.md, so that the scripts tested against it are tested against those behaviours.
const HIERARCHY: SimHierarchy = {
  siteCode: 'CAS',
  sites: [
    { code: 'CAS', type: 'CentralAdministrationSite', version: 2509, siteServer: 'cas.contoso.com' },
    { code: 'P01', type: 'PrimarySite', version: 2509, parent: 'CAS', siteServer: 'p01.contoso.com' },
  ],
  servers: [
    {
      name: 'cm01.contoso.com',
      site: 'P01',
      proxy: { server: 'proxy.contoso.com', port: 8080, account: 'CONTOSO\\svc' },
      roles: [{ type: 'SoftwareUpdatePoint', useProxy: true }],
    },
    { name: 'cm02.contoso.com', site: 'P01', proxy: null, staleAccount: 'CONTOSO\\old' },
    { name: 'cas.contoso.com', site: 'CAS', proxy: null },
  ],
  accounts: ['CONTOSO\\svc', 'CONTOSO\\other'],
};

// What the console's "Connect via Windows PowerShell" does: import by path, enter the drive.
const CONNECT =
  "Import-Module (Join-Path (Split-Path $env:SMS_ADMIN_UI_PATH -Parent) 'ConfigurationManager.psd1'); Set-Location 'CAS:\\'; ";

let dir: string;
let site: SimulatedSite;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-sim-'));
  site = new SimulatedSite(dir, HIERARCHY);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function ps(code: string) {
  const result = await runCommand(CONNECT + code, { env: site.env });
  if (result.code !== 0) throw new Error(`PowerShell failed (${result.code}):\n${result.stderr}`);
  return result.stdout.trim();
}

describeWithPowerShell('the simulated site', () => {
  it('makes the site drive on import, and its cmdlets refuse to run elsewhere (S2, S9)', async () => {
    const result = await runCommand(
      "Import-Module (Join-Path (Split-Path $env:SMS_ADMIN_UI_PATH -Parent) 'ConfigurationManager.psd1'); (Get-PSDrive -PSProvider CMSite).Name; Get-CMSite",
      { env: site.env },
    );
    expect(result.stdout.trim()).toBe('CAS');
    expect(result.stderr.replace(/\s+/g, ' ')).toContain('you must first connect to a Configuration Manager drive');
  });

  it('makes no drive on import when the console is set not to (S9)', async () => {
    site.edit((s) => (s.autoDrive = false));
    const result = await runCommand(
      "Import-Module (Join-Path (Split-Path $env:SMS_ADMIN_UI_PATH -Parent) 'ConfigurationManager.psd1'); @(Get-PSDrive -PSProvider CMSite).Count",
      { env: site.env },
    );
    expect(result.stdout.trim()).toBe('0');
  });

  it('returns servers with NetworkOSPath, typed Props and unrelated properties, for the drive site or -AllSite (S3, S4)', async () => {
    const out = await ps(
      "$all = @(Get-CMSiteSystemServer -AllSite); $cas = @(Get-CMSiteSystemServer); $s = Get-CMSiteSystemServer -SiteSystemServerName 'CM01.contoso.com' -SiteCode P01; " +
        "$all.Count; $cas.Count; $s.NetworkOSPath; $s.PSObject.TypeNames[0]; $s.Props[0].PSObject.TypeNames[0]; ($s.Props | Where-Object PropertyName -eq 'ProxyName').Value2; " +
        "($s.Props | Where-Object PropertyName -eq 'ProxyName').Value1.Length; ($s.Props.PropertyName -join ',')",
    );
    expect(out.split(/\r?\n/)).toEqual([
      '3',
      '1',
      '\\\\cm01.contoso.com',
      'IResultObject#SMS_SCI_SysResUse',
      'IResultObject#SMS_EmbeddedProperty',
      'proxy.contoso.com',
      '0',
      'FDMOperation,Server Remote Public Name,UseProxy,ProxyName,UseMachineAccount,ProxyServerPort,UserName,AnonymousProxyAccess,ProxyUserName',
    ]);
  });

  it('returns the account objects of one site by name, or nothing (S6)', async () => {
    site.edit((s) => s.accounts.push({ UserName: 'CONTOSO\\p01-only', SiteCode: 'P01' }));
    const out = await ps(
      "(Get-CMAccount -UserName 'contoso\\svc').PSObject.TypeNames[0]; @(Get-CMAccount -UserName 'CONTOSO\\nobody').Count; @(Get-CMAccount).Count; @(Get-CMAccount -SiteCode P01).Count; (Get-CMAccount -SiteCode P01 -UserName 'CONTOSO\\svc').SiteCode",
    );
    expect(out.split(/\r?\n/)).toEqual(['IResultObject#SMS_SCI_Reserved', '0', '2', '3', 'P01']);
  });

  it('overwrites the proxy whole: a left-out port becomes 80 and a left-out account System, with ProxyUserName left stale (S7)', async () => {
    await ps(
      "Set-CMSiteSystemServer -SiteSystemServerName 'cm01.contoso.com' -SiteCode P01 -EnableProxy $true -ProxyServerName 'new.contoso.com'",
    );
    const props = site.systemProps('cm01.contoso.com');
    expect([
      props['UseProxy'].Value,
      props['ProxyName'].Value2,
      props['ProxyServerPort'].Value,
      props['AnonymousProxyAccess'].Value,
      props['ProxyUserName'].Value2,
    ]).toEqual([1, 'new.contoso.com', 80, 1, 'CONTOSO\\svc']);
  });

  it("sets the account from the object Get-CMAccount returns for the server's site, and refuses a name, another site's account or nothing (S7)", async () => {
    await ps(
      "Set-CMSiteSystemServer -SiteSystemServerName 'cm02.contoso.com' -SiteCode P01 -EnableProxy $true -ProxyServerName 'p' -ProxyServerPort 3128 -ProxyAccessAccount (Get-CMAccount -SiteCode P01 -UserName 'CONTOSO\\other')",
    );
    const props = site.systemProps('cm02.contoso.com');
    expect([props['AnonymousProxyAccess'].Value, props['ProxyUserName'].Value2, props['ProxyServerPort'].Value]).toEqual([
      0,
      'CONTOSO\\other',
      3128,
    ]);
    const unknown = await runCommand(
      CONNECT +
        "Set-CMSiteSystemServer -SiteSystemServerName 'cm02.contoso.com' -SiteCode P01 -EnableProxy $true -ProxyServerName 'p' -ProxyAccessAccount (Get-CMAccount -SiteCode P01 -UserName 'CONTOSO\\nobody')",
      { env: site.env },
    );
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/ProxyAccessAccount/);
    const text = await runCommand(
      CONNECT +
        "Set-CMSiteSystemServer -SiteSystemServerName 'cm02.contoso.com' -SiteCode P01 -EnableProxy $true -ProxyServerName 'p' -ProxyAccessAccount 'CONTOSO\\other'",
      { env: site.env },
    );
    expect(text.code).not.toBe(0);
    const otherSite = await runCommand(
      CONNECT +
        "Set-CMSiteSystemServer -SiteSystemServerName 'cm02.contoso.com' -SiteCode P01 -EnableProxy $true -ProxyServerName 'q' -ProxyAccessAccount (Get-CMAccount -SiteCode CAS -UserName 'CONTOSO\\other')",
      { env: site.env },
    );
    expect(otherSite.stderr.replace(/\s+/g, ' ')).toContain("User account 'CONTOSO\\other' was not found at site 'P01'.");
    expect(site.systemProps('cm02.contoso.com')['ProxyName'].Value2).toBe('p');
    expect(site.systemProps('cm02.contoso.com')['ProxyServerPort'].Value).toBe(3128);
  });

  it('turns the proxy off and leaves the old values in the other properties (S7)', async () => {
    await ps("Set-CMSiteSystemServer -SiteSystemServerName 'cm01.contoso.com' -SiteCode P01 -EnableProxy $false");
    const props = site.systemProps('cm01.contoso.com');
    expect([props['UseProxy'].Value, props['ProxyName'].Value2, props['ProxyServerPort'].Value]).toEqual([0, 'proxy.contoso.com', 8080]);
  });

  it('sets the software update point options, and fails for a server without one (S8)', async () => {
    await ps(
      "Set-CMSoftwareUpdatePoint -SiteSystemServerName 'cm01.contoso.com' -SiteCode P01 -UseProxy $false -UseProxyForAutoDeploymentRule $true",
    );
    expect([site.supProps('cm01.contoso.com')['UseProxy'].Value, site.supProps('cm01.contoso.com')['UseProxyForADR'].Value]).toEqual([
      0, 1,
    ]);
    const none = await runCommand(
      CONNECT + "Set-CMSoftwareUpdatePoint -SiteSystemServerName 'cm02.contoso.com' -SiteCode P01 -UseProxy $true",
      { env: site.env },
    );
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('No object corresponds');
  });

  it('fails the writes it is told to fail, and counts every call (S1, S5)', async () => {
    site.failWrites('cm01.contoso.com', 'The SMS Provider reported an error.');
    site.resetCalls();
    const result = await runCommand(
      CONNECT + "Get-CMSite | Out-Null; Set-CMSiteSystemServer -SiteSystemServerName 'cm01.contoso.com' -SiteCode P01 -EnableProxy $false",
      { env: site.env },
    );
    expect(result.stderr).toContain('The SMS Provider reported an error.');
    expect(site.systemProps('cm01.contoso.com')['UseProxy'].Value).toBe(1);
    expect(site.calls()).toEqual({ 'Get-CMSite': 1, 'Set-CMSiteSystemServer': 1 });
  });
});
