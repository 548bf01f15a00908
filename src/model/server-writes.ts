import type { LiveRole, LiveServer } from './live.js';
import { sameSettings } from './proxy.js';

/** UpdatePointOptions are a software update point's two proxy options. */
export interface UpdatePointOptions {
  readonly useProxy?: boolean;
  readonly useProxyForAutomaticDeploymentRules?: boolean;
}

/** ServerWrites is what the cmdlets must set on a real site to make a server `after` from `before`. */
export interface ServerWrites {
  /** Whether Set-CMSiteSystemServer writes the proxy. */
  readonly writeProxy: boolean;
  /** The options Set-CMSoftwareUpdatePoint sets; null when none differ or the server has no update point. */
  readonly updatePoint: Required<UpdatePointOptions> | null;
  /** The update point's options as `before` has them, to check before writing; null when none are set. */
  readonly expectedUpdatePoint: UpdatePointOptions | null;
  /** What `after` wants that no cmdlet can set yet, in words. */
  readonly notes: readonly string[];
}

const isUpdatePoint = (role: LiveRole) => role.type === 'SoftwareUpdatePoint';

/**
 * serverWrites compares a server's live object with the one a plan wants and says what the
 * ConfigMgr cmdlets must set: the proxy, when sitectl manages it and it differs, and the
 * update point's options, when they differ and the server has one. The rendered scripts and
 * the ConfigMgr backend both write exactly this.
 */
export function serverWrites(before: Partial<LiveServer>, after: Partial<LiveServer>, proxyManaged: boolean): ServerWrites {
  const writeProxy = proxyManaged && !sameSettings(before.proxy ?? null, after.proxy ?? null);
  const wanted = after.roles?.find(isUpdatePoint);
  const seen = before.roles?.find(isUpdatePoint);
  const differ =
    wanted !== undefined &&
    (wanted.useProxy !== seen?.useProxy || wanted.useProxyForAutomaticDeploymentRules !== seen?.useProxyForAutomaticDeploymentRules);
  if (!differ) return { writeProxy, updatePoint: null, expectedUpdatePoint: null, notes: [] };
  if (!seen)
    return {
      writeProxy,
      updatePoint: null,
      expectedUpdatePoint: null,
      notes: ['the software update point is not on the site yet: its proxy options are set by a plan made once it is'],
    };
  return {
    writeProxy,
    updatePoint: {
      useProxy: wanted.useProxy === true,
      useProxyForAutomaticDeploymentRules: wanted.useProxyForAutomaticDeploymentRules === true,
    },
    expectedUpdatePoint: {
      ...(typeof seen.useProxy === 'boolean' ? { useProxy: seen.useProxy } : {}),
      ...(typeof seen.useProxyForAutomaticDeploymentRules === 'boolean'
        ? { useProxyForAutomaticDeploymentRules: seen.useProxyForAutomaticDeploymentRules }
        : {}),
    },
    notes: [],
  };
}
