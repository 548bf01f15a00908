import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { LiveState } from '../../src/model/live.js';
import type { Plan } from '../../src/model/plan.js';
import { ROOT, sitectl } from '../support/cli.js';
import { parseJson, readJson } from '../support/json.js';
import { describeWithPowerShell, runCommand, runScript } from '../support/powershell.js';
import { hierarchyFromLive, SimulatedSite } from '../support/site-simulator.js';

const EXPORT = path.join(ROOT, 'scripts/Export-SitectlLiveState.ps1');
// A LiveState of examples/contoso with one difference: cm-p01's proxy (see test/export.test.ts).
const FIXTURE = await readJson<LiveState>(path.join(ROOT, 'test/fixtures/export/live.json'));
const withoutStamp = ({ exportedAt: _at, ...rest }: Record<string, unknown>) => rest;

let dir: string;
let site: SimulatedSite;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-export-'));
  site = new SimulatedSite(dir, hierarchyFromLive(FIXTURE, 'CAS'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function exportSite(args: readonly string[] = ['-SiteCode', 'CAS', '-Path', 'live.json'], cwd = dir) {
  const result = await runScript(EXPORT, args, { cwd, env: site.env });
  return result;
}

describeWithPowerShell('Export-SitectlLiveState.ps1 against a simulated site', () => {
  it('exports exactly the live state the site holds, proxy hosts and accounts from Value2, in four calls and one per site for its accounts', async () => {
    const result = await exportSite();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Wrote 28 site system servers of 7 sites');
    const exported = await readJson<LiveState>(path.join(dir, 'live.json'));
    expect(withoutStamp(exported)).toEqual(withoutStamp(FIXTURE));
    expect(site.calls()).toEqual({
      'Get-CMSite': 1,
      'Get-CMSiteSystemServer': 1,
      'Get-CMSiteRole': 1,
      'Get-CMSoftwareUpdatePoint': 1,
      'Get-CMAccount': 7,
    });
  });

  it('gives diff --live nothing to do when the manifests match, and exactly the changed server when they do not', async () => {
    // The site as the manifests have it: cm-p01 gets the proxy examples/contoso gives it.
    site.edit((s) => {
      const props = s.roles.find((r) => r.RoleName === 'SMS Site System' && r.NetworkOSPath === '\\\\cm-p01.eu.contoso.com')!.Props;
      props.find((p) => p.PropertyName === 'ProxyName')!.Value2 = 'proxy-eu.contoso.com';
      props.find((p) => p.PropertyName === 'ProxyServerPort')!.Value = 8080;
    });
    expect((await exportSite()).code).toBe(0);
    const same = await sitectl(['diff', '-f', 'examples/contoso', '--live', path.join(dir, 'live.json')]);
    expect(same.stderr).toBe('');
    expect(same.code).toBe(0);

    site.edit((s) => {
      const props = s.roles.find((r) => r.RoleName === 'SMS Site System' && r.NetworkOSPath === '\\\\cm-p02.us.contoso.com')!.Props;
      props.find((p) => p.PropertyName === 'ProxyServerPort')!.Value = 3128;
    });
    expect((await exportSite()).code).toBe(0);
    const changed = await sitectl(['diff', '-f', 'examples/contoso', '--live', path.join(dir, 'live.json'), '-o', 'json']);
    expect(changed.code).toBe(1);
    const plan = parseJson<Plan>(changed.stdout);
    expect(plan.changes.map((c) => [c.name, c.action, c.patch])).toEqual([
      ['cm-p02.us.contoso.com', 'update', [{ op: 'replace', path: '/proxy/port', value: 8080 }]],
    ]);
  });

  it('reads the System account from AnonymousProxyAccess = 1 whatever ProxyUserName still holds, and no proxy from UseProxy = 0', async () => {
    site.edit((s) => {
      for (const record of s.roles.filter((r) => r.RoleName === 'SMS Site System')) {
        for (const p of record.Props) if (p.PropertyName === 'ProxyUserName' && !p.Value2) p.Value2 = 'CONTOSO\\removed-long-ago';
      }
    });
    expect((await exportSite()).code).toBe(0);
    const exported = await readJson<LiveState>(path.join(dir, 'live.json'));
    expect(withoutStamp(exported)).toEqual(withoutStamp(FIXTURE));
  });

  it('exports a server whose properties come back empty (WMI gives an empty list as null) as one without a proxy', async () => {
    site.edit((s) => {
      s.roles.find((r) => r.RoleName === 'SMS Site System' && r.NetworkOSPath === '\\\\cm-p02.us.contoso.com')!.Props = [];
    });
    const result = await exportSite();
    expect(result.stderr).toBe('');
    const exported = await readJson<LiveState>(path.join(dir, 'live.json'));
    expect(exported.servers.find((s) => s.name === 'cm-p02.us.contoso.com')!.proxy).toBeNull();
  });

  it('maps site builds to releases by number: 9141 is 2509, 9146 is 2603, 9132 is 2409, a build between releases is the one below', async () => {
    site.edit((s) => {
      const build = (code: string, n: number) => (s.sites.find((x) => x['SiteCode'] === code)!['BuildNumber'] = n);
      build('S11', 9132);
      build('S12', 9145);
      build('S21', 9999);
    });
    expect((await exportSite()).code).toBe(0);
    const exported = await readJson<LiveState>(path.join(dir, 'live.json'));
    const versions = Object.fromEntries(exported.sites.map((s) => [s.code, s.version]));
    expect(versions).toEqual({ CAS: 2509, P01: 2509, S11: 2409, S12: 2509, P02: 2603, S21: 2603, S22: 2603 });
  });

  it('writes to live-state.json in the current folder by default, and to an absolute -Path as given', async () => {
    expect((await exportSite(['-SiteCode', 'CAS'])).code).toBe(0);
    expect((await readJson<LiveState>(path.join(dir, 'live-state.json'))).kind).toBe('LiveState');
    const absolute = path.join(dir, 'absolute.json');
    const result = await exportSite(['-SiteCode', 'CAS', '-Path', absolute], ROOT);
    expect(result.code).toBe(0);
    expect((await readJson<LiveState>(absolute)).kind).toBe('LiveState');
  });

  it('makes the site drive from -ProviderMachineName when the module made none, and says what to give when it cannot', async () => {
    site.edit((s) => (s.autoDrive = false));
    const missing = await exportSite();
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.replace(/\s+/g, ' ')).toContain('There is no CAS site drive yet: give -ProviderMachineName');
    const made = await exportSite(['-SiteCode', 'CAS', '-Path', 'live.json', '-ProviderMachineName', 'cm-cas.contoso.com']);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
  });

  it('says where the module was looked for when there is no console', async () => {
    const result = await runScript(EXPORT, ['-SiteCode', 'CAS'], { cwd: dir, env: { ...site.env, SMS_ADMIN_UI_PATH: '' } });
    expect(result.code).not.toBe(0);
    expect(result.stderr.replace(/\s+/g, ' ')).toContain('The ConfigurationManager module was not found');
  });

  it('exports names with quotes and non-ASCII byte for byte', async () => {
    const hostile = "CONTOSO\\o'brien\u2019s-$(Stop-Process)`;-Виктор";
    site.edit((s) => {
      s.accounts.push({ UserName: hostile, SiteCode: 'P02' });
      const props = s.roles.find((r) => r.RoleName === 'SMS Site System' && r.NetworkOSPath === '\\\\cm-p02.us.contoso.com')!.Props;
      props.find((p) => p.PropertyName === 'AnonymousProxyAccess')!.Value = 0;
      props.find((p) => p.PropertyName === 'ProxyUserName')!.Value2 = hostile;
    });
    expect((await exportSite()).code).toBe(0);
    const exported = await readJson<LiveState>(path.join(dir, 'live.json'));
    expect(exported.accounts).toContain(hostile);
    expect(exported.servers.find((s) => s.name === 'cm-p02.us.contoso.com')!.proxy!.account).toBe(hostile);
  });

  it('gives diff --live the same plan after PowerShell saves the export again as UTF-16 or with a BOM', async () => {
    expect((await exportSite()).code).toBe(0);
    // What `Get-Content live.json > copy.json` and Set-Content -Encoding utf8 make of it in Windows PowerShell 5.1.
    const saved = await runCommand(
      '$text = Get-Content -Raw live.json; $text | Out-File -Encoding unicode le.json; $text | Out-File -Encoding bigendianunicode be.json; $text | Set-Content -Encoding utf8BOM bom.json',
      { cwd: dir },
    );
    expect(saved.stderr).toBe('');
    const plans = [];
    for (const file of ['live.json', 'le.json', 'be.json', 'bom.json']) {
      const result = await sitectl(['diff', '-f', 'examples/contoso', '--live', path.join(dir, file), '-o', 'json']);
      expect(result.stderr, file).toBe('');
      expect(result.code, file).toBe(1);
      plans.push(parseJson<Plan>(result.stdout).changes);
    }
    expect(plans[0]).toHaveLength(1);
    for (const plan of plans.slice(1)) expect(plan).toEqual(plans[0]);
  });
});
