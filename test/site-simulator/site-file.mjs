// The simulated site's JSON file, laid out from a compact description of a hierarchy as
// ConfigMgr's own objects (DOMAIN.md, "How ConfigMgr stores it"). Shared by the tests
// (test/support/site-simulator.ts) and the benchmark (bench/configmgr.mjs); see README.md.

// Site builds of the releases (DOMAIN.md, "Running the ConfigurationManager module").
const BUILDS = {
  1910: 8913,
  2002: 8968,
  2006: 9012,
  2010: 9040,
  2103: 9049,
  2107: 9058,
  2111: 9068,
  2203: 9078,
  2207: 9088,
  2211: 9096,
  2303: 9106,
  2309: 9122,
  2403: 9128,
  2409: 9132,
  2503: 9135,
  2509: 9141,
  2603: 9146,
};
const SITE_TYPES = { SecondarySite: 1, PrimarySite: 2, CentralAdministrationSite: 4 };
// SMS_SCI_SysResUse.RoleName of each sitectl role type.
const ROLE_NAMES = {
  SoftwareUpdatePoint: 'SMS Software Update Point',
  DistributionPoint: 'SMS Distribution Point',
  ManagementPoint: 'SMS Management Point',
  ServiceConnectionPoint: 'SMS Dmp Connector',
  AssetIntelligenceSynchronizationPoint: 'AI Update Service Point',
  CloudManagementGatewayConnectionPoint: 'SMS Cloud Proxy Connector',
  ExchangeServerConnector: 'SMS Exchange Server Connector',
};

const prop = (PropertyName, Value, Value1 = '', Value2 = '') => ({ PropertyName, Value, Value1, Value2 });

/**
 * proxyProps is the "SMS Site System" role's Props for a proxy, with properties sitectl does
 * not read mixed in before, between and after the proxy ones, so a reader must pick by name.
 */
function proxyProps(server) {
  const proxy = server.proxy;
  const stale = server.staleAccount ?? '';
  return [
    prop('FDMOperation', 0),
    prop('Server Remote Public Name', 0, `${server.name}.internet.example`),
    prop('UseProxy', proxy ? 1 : 0),
    prop('ProxyName', 0, '', proxy?.server ?? (stale ? 'old-proxy.example' : '')),
    prop('UseMachineAccount', 1),
    prop('ProxyServerPort', proxy?.port ?? 80),
    prop('UserName', 0, '', 'CONTOSO\\svc-install'),
    prop('AnonymousProxyAccess', proxy?.account ? 0 : 1),
    prop('ProxyUserName', 0, '', proxy?.account ?? stale),
  ];
}

const roleRecord = (RoleName, server, Props = []) => ({ RoleName, SiteCode: server.site, NetworkOSPath: `\\\\${server.name}`, Props });

/** siteFile lays a hierarchy out as the simulated site's file. */
export function siteFile(hierarchy) {
  const provider = hierarchy.sites.find((s) => s.code === hierarchy.siteCode)?.siteServer ?? 'provider.contoso.com';
  const roles = hierarchy.servers.flatMap((server) => [
    roleRecord('SMS Site System', server, proxyProps(server)),
    roleRecord('SMS Component Server', server),
    ...(server.roles ?? []).map((role) => {
      const name = ROLE_NAMES[role.type];
      if (!name) throw new Error(`the simulator has no role name for ${role.type}`);
      if (role.type !== 'SoftwareUpdatePoint') return roleRecord(name, server);
      return roleRecord(name, server, [
        prop('SSLPort', 8531),
        prop('UseProxy', role.useProxy ? 1 : 0),
        prop('UseProxyForADR', role.useProxyForAutomaticDeploymentRules ? 1 : 0),
      ]);
    }),
  ]);
  return {
    provider,
    siteCode: hierarchy.siteCode,
    autoDrive: hierarchy.autoDrive ?? true,
    sites: hierarchy.sites.map((site) => ({
      SiteCode: site.code,
      SiteName: `${site.code} site`,
      Type: SITE_TYPES[site.type],
      BuildNumber: BUILDS[site.version],
      Version: `5.00.${BUILDS[site.version]}.1000`,
      ReportingSiteCode: site.parent ?? '',
      ServerName: site.siteServer.toUpperCase(),
    })),
    roles,
    accounts: (hierarchy.accounts ?? []).flatMap((account) =>
      typeof account === 'string'
        ? hierarchy.sites.map((site) => ({ UserName: account, SiteCode: site.code }))
        : [{ UserName: account.name, SiteCode: account.site }],
    ),
    failWrites: {},
    writeDelayMs: 0,
  };
}
