import type { Diagnostic } from '../model/diagnostic.js';
import type { DesiredState } from '../model/desired.js';
import type { LiveState } from '../model/live.js';
import { createContext, wholeScope, type Rule } from './context.js';
import { runRulesIncrementally, type RuleMemo } from './incremental.js';
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

/** STATIC_RULES look at the manifests alone; their findings do not depend on the live state. */
export const STATIC_RULES: readonly Rule[] = [
  siteVersionKnown,
  siteHierarchy,
  roleHierarchy,
  duplicateRole,
  singletonRoleDuplicated,
  proxyConflict,
  proxyNotConfigurableOnRole,
  adrDownloadWithoutProxy,
  settingIgnoredOnSecondarySite,
  roleDeprecated,
  featureRequiresVersion,
  unsupportedSiteVersion,
];

/**
 * LIVE_RULES read the live state when there is one (a host whose proxy the manifests leave
 * unmanaged, drift, accounts, sites); `validate` runs them without, where they say less.
 */
export const LIVE_RULES: readonly Rule[] = [
  roleProxyWithoutServerProxy,
  connectedCacheProxyUnsupported,
  internetRoleWithoutProxy,
  managementPointIgnoresSiteProxy,
  proxyResetOnOverwrite,
  accountNotFound,
  siteMismatch,
  driftDetected,
];

/** RULES are all the domain rules of DOMAIN.md. */
export const RULES: readonly Rule[] = [...STATIC_RULES, ...LIVE_RULES];

/** ACROSS_SERVERS are the rules that compare servers with each other; every other rule judges a server on its own. */
const ACROSS_SERVERS: ReadonlySet<Rule> = new Set([singletonRoleDuplicated, accountNotFound]);

/** RuleOptions are the rules' inputs besides the desired state: today's date, the live state when read, and which rules to run. */
export interface RuleOptions {
  readonly today: string;
  readonly live?: LiveState | null;
  /** Defaults to all of them. */
  readonly rules?: readonly Rule[];
  /** Given by a watcher: servers whose inputs did not change since its last pass are not judged again. */
  readonly memo?: RuleMemo;
}

/** runRules runs every domain rule and returns what they found. */
export function runRules(desired: DesiredState, options: RuleOptions): Diagnostic[] {
  const live = options.live ?? null;
  const rules = options.rules ?? RULES;
  if (options.memo) return runRulesIncrementally(desired, options.today, live, rules, ACROSS_SERVERS, options.memo);
  const found: Diagnostic[] = [];
  const ctx = createContext(desired, options.today, live, found, wholeScope(desired));
  for (const rule of rules) rule(ctx);
  return found;
}
