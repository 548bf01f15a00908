import path from 'node:path';
import { FileStateBackend, SnapshotSource, DEFAULT_STATE_PATH } from '../backend/state-file.js';
import type { LiveSnapshot, LiveStateSource, StateBackend } from '../backend/backend.js';
import { forceUnlock } from '../backend/lock.js';
import { packageFile } from '../package-files.js';
import { BACKENDS, type BackendKind } from './backend-kinds.js';
import type { ManifestInput, PassOptions } from '../reconcile/pass.js';
import { cacheFolder, ManifestCache } from '../sources/manifest-cache.js';
import { IGNORE_FILE, readSources } from '../sources/read-sources.js';
import { parseDuration } from './duration.js';
import { UsageError, type Io } from './io.js';
import { today } from './today.js';

/** ManifestFlags are the options of every command that reads manifests. */
export interface ManifestFlags {
  readonly filename?: readonly string[];
  readonly strict?: boolean;
  readonly prune?: boolean;
}

/** StateFlags select the live state: the state file (--state, SITECTL_STATE), a real site (--backend configmgr), or a read-only snapshot (--live). */
export interface StateFlags {
  readonly state?: string;
  readonly live?: string;
  readonly lockTimeout?: string;
  readonly forceUnlock?: string;
  readonly backend?: string;
  readonly site?: string;
  readonly provider?: string;
  readonly powershell?: string;
}

/** readManifests reads the -f paths (at least one is required) and opens their manifest cache unless SITECTL_CACHE=off. */
export async function readManifests(flags: ManifestFlags, io: Io, command: string): Promise<ManifestInput> {
  const paths = flags.filename ?? [];
  if (paths.length === 0)
    throw new UsageError(`${command} needs at least one -f PATH (a manifest file, a folder, or - for standard input)`);
  const { sources, diagnostics, leftOut } = await readSources(paths, io.readStdin, io.cwd);
  if (leftOut.length > 0) {
    const listed = leftOut.length > 5 ? `${leftOut.slice(0, 5).join(', ')} and ${leftOut.length - 5} more` : leftOut.join(', ');
    io.stderr(
      `sitectl: info: left out ${leftOut.length} YAML file${leftOut.length === 1 ? '' : 's'} that hold${leftOut.length === 1 ? 's' : ''} no sitectl manifests: ${listed} (list them in ${IGNORE_FILE} to leave them out quietly)\n`,
    );
  }
  const folder = cacheFolder(io.env, io.cwd);
  const store = folder ? ManifestCache.open(folder, paths, io.cwd) : undefined;
  return { sources, diagnostics, ...(store ? { store } : {}) };
}

/** passOptions gathers a pass's settings from the flags and environment. */
export function passOptions(flags: ManifestFlags, io: Io): PassOptions {
  return { today: today(io.env), prune: flags.prune === true, strict: flags.strict === true };
}

/** writableState opens the live state for writing (the state file, or a real site), first removing the lock that --force-unlock names. */
export async function writableState(flags: StateFlags, io: Io): Promise<StateBackend> {
  if (flags.forceUnlock) await forceUnlock(`${statePath(flags, io)}.lock`, flags.forceUnlock);
  return backendKind(flags, io) === 'configmgr' ? configMgrBackend(flags, io) : stateBackend(flags, io);
}

/** statePath is the state file: --state, else SITECTL_STATE, else .sitectl/state.json. */
function statePath(flags: StateFlags, io: Io): string {
  return path.resolve(io.cwd, flags.state ?? (io.env.SITECTL_STATE || DEFAULT_STATE_PATH));
}

/** stateBackend opens the state file: --state, else SITECTL_STATE, else .sitectl/state.json. */
export function stateBackend(flags: StateFlags, io: Io): FileStateBackend {
  return new FileStateBackend(statePath(flags, io), { lockTimeoutMs: lockTimeoutMs(flags) });
}

function lockTimeoutMs(flags: StateFlags): number {
  return parseDuration(flags.lockTimeout ?? '30s', '--lock-timeout');
}

/** liveSource is where diff, plan and get read the live state: the --live snapshot if given, else the backend. */
export async function liveSource(flags: StateFlags, io: Io): Promise<LiveStateSource> {
  if (flags.live) return new SnapshotSource(path.resolve(io.cwd, flags.live));
  return backendKind(flags, io) === 'configmgr' ? configMgrBackend(flags, io) : stateBackend(flags, io);
}

/** readLive reads the live state once and lets go of the backend. */
export async function readLive(flags: StateFlags, io: Io): Promise<LiveSnapshot> {
  return withSource(await liveSource(flags, io), (source) => source.read());
}

/** withSource runs `use` on an opened live state, then closes it (the ConfigMgr backend's PowerShell process) whatever happened. */
export async function withSource<S extends LiveStateSource, T>(source: S, use: (source: S) => Promise<T>): Promise<T> {
  try {
    return await use(source);
  } finally {
    await source.close?.();
  }
}

const isBackendKind = (kind: string): kind is BackendKind => (BACKENDS as readonly string[]).includes(kind);

function backendKind(flags: StateFlags, io: Io): BackendKind {
  const kind = flags.backend ?? (io.env.SITECTL_BACKEND || 'file');
  if (!isBackendKind(kind)) throw new UsageError(`unknown backend '${kind}': use file (the state file) or configmgr (a real site)`);
  return kind;
}

/** configMgrBackend reaches a real site through PowerShell; its module is loaded only when a command uses it. */
async function configMgrBackend(flags: StateFlags, io: Io): Promise<StateBackend> {
  const siteCode = flags.site ?? io.env.SITECTL_SITE;
  if (!siteCode)
    throw new UsageError(
      '--backend configmgr needs --site CODE (or SITECTL_SITE): the site whose drive to use, the top-level site of a hierarchy',
    );
  if (!/^[A-Za-z0-9]{3}$/.test(siteCode)) throw new UsageError(`--site ${siteCode}: a site code is three letters or digits`);
  const provider = flags.provider ?? io.env.SITECTL_PROVIDER;
  const { ConfigMgrBackend } = await import('../backend/configmgr/configmgr-backend.js');
  return new ConfigMgrBackend({
    powershell: flags.powershell ?? (io.env.SITECTL_POWERSHELL || (process.platform === 'win32' ? 'powershell.exe' : 'pwsh')),
    script: packageFile('scripts/Start-SitectlHost.ps1'),
    siteCode: siteCode.toUpperCase(),
    ...(provider ? { provider } : {}),
    env: io.env,
    state: statePath(flags, io),
    lockTimeoutMs: lockTimeoutMs(flags),
  });
}
