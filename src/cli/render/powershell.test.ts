import { describe, expect, it } from 'vitest';
import { planOf } from '../../../test/support/plans.js';
import type { LiveServer, LiveSite } from '../../model/live.js';
import type { Change, Plan } from '../../model/plan.js';
import { psComment, psString } from './powershell-literal.js';
import { renderPowerShell } from './powershell.js';

// What the golden cases (src/cli/golden.test.ts) do not show of the rendered script: which
// site it defaults to, which accounts it reads, and the changes no cmdlet can make.

const LIBRARY = '<#\r\n.SYNOPSIS\r\n    The library.\r\n#>\r\nfunction Connect-SitectlSite {}\r\n';
const site = (code: string, type: string, parent: string | null = null): LiveSite => ({
  code,
  type,
  version: 2509,
  parent,
  siteServer: `${code}.contoso.com`,
});
const server = (name: string, extra: Partial<LiveServer> = {}): LiveServer => ({ name, site: 'P01', proxy: null, roles: [], ...extra });
const plan = (changes: Change[], sites: LiveSite[] = [site('P01', 'PrimarySite')]): Plan => planOf(changes, { sites });
const update = (before: LiveServer, after: LiveServer, record: Change['record'] = { proxy: after.proxy, roles: [] }): Change => ({
  kind: 'SiteSystemServer',
  name: after.name,
  action: 'update',
  patch: [],
  before,
  after,
  ...(record ? { record } : {}),
});
const render = (p: Plan) => renderPowerShell(p, '9.9.9', LIBRARY);
const EU = { server: 'proxy-eu.contoso.com', port: 8080, account: 'CONTOSO\\svc-eu' };

describe('renderPowerShell', () => {
  it.each([
    ['the CAS', [site('P01', 'PrimarySite', 'CAS'), site('CAS', 'CentralAdministrationSite')], "$SiteCode = 'CAS',"],
    ['the one site without a parent', [site('S01', 'SecondarySite', 'P01'), site('P01', 'PrimarySite')], "$SiteCode = 'P01',"],
    [
      'none when two sites have no parent: the site code is then asked for',
      [site('P01', 'PrimarySite'), site('P02', 'PrimarySite')],
      "[Parameter(Mandatory)][ValidatePattern('^[A-Za-z0-9]{3}$')][string]$SiteCode,",
    ],
    ['none without sites', [], '[Parameter(Mandatory)]'],
  ])('defaults the site code to %s', (_what, sites, line) => {
    expect(render(plan([], sites))).toContain(line);
  });

  it('keeps the library without its help, with LF line ends', () => {
    const script = render(plan([]));
    expect(script).toContain('\nfunction Connect-SitectlSite {}\n');
    expect(script).not.toContain('The library.');
    expect(script).not.toContain('\r');
  });

  it('reads the accounts of the sites whose servers get a proxy with an account, once each, in order; not those of holds', () => {
    const changes = [
      update(server('b'), server('b', { site: 'P02', proxy: EU })),
      update(server('a'), server('a', { site: 'P01', proxy: EU })),
      update(server('c'), server('c', { site: 'P02', proxy: EU })),
      update(server('d'), server('d', { site: 'P03', proxy: { ...EU, account: null } })),
      { ...update(server('e'), server('e', { site: 'P04', proxy: EU })), action: 'hold' as const },
    ];
    expect(render(plan(changes))).toContain("    Read-SitectlSite -AccountSites @('P01', 'P02')\n");
    expect(render(plan([]))).toContain('    Read-SitectlSite -AccountSites @()\n');
  });

  it('checks the update point options the plan saw, only those it knew', () => {
    const sup = (options: object) => server('a', { roles: [{ type: 'SoftwareUpdatePoint', ...options }] });
    const script = (before: object) =>
      render(plan([update(sup(before), sup({ useProxy: true, useProxyForAutomaticDeploymentRules: true }), { roles: [] })]));
    expect(script({ useProxy: false, useProxyForAutomaticDeploymentRules: true })).toContain(
      '-ExpectedUpdatePoint @{ UseProxy = $false; UseProxyForAutoDeploymentRule = $true }',
    );
    expect(script({ useProxy: false })).toContain('-ExpectedUpdatePoint @{ UseProxy = $false }');
    expect(script({})).toContain('-ExpectedUpdatePoint @{}');
    expect(script({ useProxy: false })).toContain(
      "Set-CMSoftwareUpdatePoint -SiteSystemServerName 'a' -SiteCode 'P01' -UseProxy $true -UseProxyForAutoDeploymentRule $true",
    );
  });

  it('never writes a proxy nobody manages, even when the live one differs from the plan', () => {
    const script = render(plan([update(server('a', { proxy: EU }), server('a', { proxy: null }), { roles: [] })]));
    expect(script).not.toContain('Set-CMSiteSystemServer');
    expect(script).toContain('# update a (site P01): nothing that a cmdlet sets differs (role list only)');
  });

  it('writes a managed proxy, and says what the write does', () => {
    const script = render(plan([update(server('a', { proxy: EU }), server('a', { proxy: null }))]));
    expect(script).toContain("Set-CMSiteSystemServer -SiteSystemServerName 'a' -SiteCode 'P01' -EnableProxy $false");
    expect(script).toContain("-Description 'proxy-eu.contoso.com:8080 as CONTOSO\\svc-eu -> no proxy' -Write {");
  });

  it('skips, when the script runs, a change no cmdlet can make, saying why', () => {
    // An update point the plan sets options for, which the site does not have yet.
    const after = server('a', { roles: [{ type: 'SoftwareUpdatePoint', useProxy: true }] });
    const lines = render(plan([update(server('a'), after, { roles: [] })])).split('\n');
    const why = 'the software update point is not on the site yet: its proxy options are set by a plan made once it is';
    expect(lines).toContain(`    # update a (site P01): ${why}`);
    expect(lines).toContain(`    Skip-SitectlChange -Server 'a' -Reason '${why}'`);
  });
});

describe('psString and psComment', () => {
  it('keeps printable ASCII, the tilde included, in one literal, and doubles a single quote', () => {
    expect(psString('a ~z')).toBe("'a ~z'");
    expect(psString("it's")).toBe("'it''s'");
  });

  it('writes other characters as [char] codes, starting with a literal', () => {
    expect(psString('\u00e9a')).toBe("('' + [char]0x00E9 + 'a')");
    expect(psString('a\u00e9')).toBe("('a' + [char]0x00E9)");
  });

  it('makes one line of a comment that cannot close its block', () => {
    expect(psComment('a\r\n\u2028b #> c\u00e9')).toBe('a b # > c<U+00E9>');
  });
});
