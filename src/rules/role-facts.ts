import type { Role, RoleType } from '../model/server.js';

/** ROLE_LOGS names the logs on the site system where each role's internet problems show. */
export const ROLE_LOGS: Readonly<Record<RoleType, string>> = {
  AssetIntelligenceSynchronizationPoint: 'AIUpdateSvc.log and aikbmgr.log',
  CloudDistributionPoint: 'CloudMgr.log on the site server',
  CloudManagementGatewayConnectionPoint: 'SMS_CLOUD_PROXYCONNECTOR.log',
  DistributionPoint: 'DoincSetup.log and distmgr.log',
  ExchangeServerConnector: 'easdisc.log',
  ManagementPoint: 'the management point logs',
  ServiceConnectionPoint: 'dmpdownloader.log and SMS_CLOUDCONNECTION.log',
  SoftwareUpdatePoint: 'wsyncmgr.log and WCM.log',
};

/** isInternetFacing tells whether a role reaches the internet through its host's proxy (DOMAIN.md). */
export function isInternetFacing(role: Role): boolean {
  switch (role.type) {
    case 'SoftwareUpdatePoint':
    case 'ServiceConnectionPoint':
    case 'AssetIntelligenceSynchronizationPoint':
    case 'ExchangeServerConnector':
    case 'CloudManagementGatewayConnectionPoint':
      return true;
    case 'DistributionPoint':
      return role.connectedCache;
    default:
      return false;
  }
}

/** CONNECTED_CACHE_AUTH_HOTFIX lets Connected Cache on 2409, 2503 and 2509 use an authenticated proxy. */
export const CONNECTED_CACHE_AUTH_HOTFIX = 'KB33247081';
