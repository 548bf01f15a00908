import type { Diagnostic } from '../model/diagnostic.js';
import type { DesiredState } from '../model/desired.js';
import type { LiveState } from '../model/live.js';
import { createContext, type Rule } from './context.js';
import { siteHierarchy, roleHierarchy } from './hierarchy.js';
import { adrDownloadWithoutProxy, internetRoleWithoutProxy } from './internet.js';
import {
  connectedCacheProxyUnsupported,
  managementPointIgnoresSiteProxy,
  proxyConflict,
  proxyNotConfigurableOnRole,
  roleProxyWithoutServerProxy,
} from './proxy.js';
import { accountNotFound, driftDetected, proxyResetOnOverwrite, siteMismatch } from './live.js';
import { duplicateRole, roleDeprecated, settingIgnoredOnSecondarySite, singletonRoleDuplicated } from './roles.js';
import { featureRequiresVersion, siteVersionKnown, unsupportedSiteVersion } from './versions.js';

/** RULES are the domain rules of DOMAIN.md, run in this order over the desired state. */
export const RULES: readonly Rule[] = [
  siteVersionKnown,
  siteHierarchy,
  roleHierarchy,
  duplicateRole,
  singletonRoleDuplicated,
  proxyConflict,
  roleProxyWithoutServerProxy,
  proxyNotConfigurableOnRole,
  connectedCacheProxyUnsupported,
  internetRoleWithoutProxy,
  adrDownloadWithoutProxy,
  settingIgnoredOnSecondarySite,
  roleDeprecated,
  featureRequiresVersion,
  unsupportedSiteVersion,
  managementPointIgnoresSiteProxy,
  proxyResetOnOverwrite,
  accountNotFound,
  siteMismatch,
  driftDetected,
];

/** RuleOptions are the rules' inputs besides the desired state: today's date and, when read, the live state. */
export interface RuleOptions {
  readonly today: string;
  readonly live?: LiveState | null;
}

/** runRules runs every domain rule and returns what they found. */
export function runRules(desired: DesiredState, options: RuleOptions): Diagnostic[] {
  const found: Diagnostic[] = [];
  const ctx = createContext(desired, options.today, options.live ?? null, found);
  for (const rule of RULES) rule(ctx);
  return found;
}
