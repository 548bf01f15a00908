import path from 'node:path';
import { FileStateBackend, SnapshotSource, DEFAULT_STATE_PATH } from '../backend/state-file.js';
import type { LiveStateSource } from '../backend/backend.js';
import type { ManifestInput, PassOptions } from '../reconcile/pass.js';
import { cacheFolder, ManifestCache } from '../sources/manifest-cache.js';
import { readSources } from '../sources/read-sources.js';
import { parseDuration } from './duration.js';
import { UsageError, type Io } from './io.js';
import { today } from './today.js';

/** ManifestFlags are the options of every command that reads manifests. */
export interface ManifestFlags {
  readonly filename?: readonly string[];
  readonly strict?: boolean;
  readonly prune?: boolean;
}

/** StateFlags select the live state: the state file (--state, SITECTL_STATE) or a read-only snapshot (--live). */
export interface StateFlags {
  readonly state?: string;
  readonly live?: string;
  readonly lockTimeout?: string;
  readonly forceUnlock?: string;
}

/** readManifests reads the -f paths (at least one is required) and opens their manifest cache unless SITECTL_CACHE=off. */
export async function readManifests(flags: ManifestFlags, io: Io, command: string): Promise<ManifestInput> {
  const paths = flags.filename ?? [];
  if (paths.length === 0) throw new UsageError(`${command} needs at least one -f PATH (a manifest file, a folder, or - for standard input)`);
  const { sources, diagnostics } = await readSources(paths, io.readStdin, io.cwd);
  const folder = cacheFolder(io.env, io.cwd);
  const store = folder ? ManifestCache.open(folder, paths, io.cwd) : undefined;
  return { sources, diagnostics, ...(store ? { store } : {}) };
}

/** passOptions gathers a pass's settings from the flags and environment. */
export function passOptions(flags: ManifestFlags, io: Io): PassOptions {
  return { today: today(io.env), prune: flags.prune === true, strict: flags.strict === true };
}

/** writableState opens the state file for writing, first removing the lock that --force-unlock names. */
export async function writableState(flags: StateFlags, io: Io): Promise<FileStateBackend> {
  const backend = stateBackend(flags, io);
  if (flags.forceUnlock) await backend.forceUnlock(flags.forceUnlock);
  return backend;
}

/** stateBackend opens the state file: --state, else SITECTL_STATE, else .sitectl/state.json. */
export function stateBackend(flags: StateFlags, io: Io): FileStateBackend {
  const file = flags.state ?? (io.env.SITECTL_STATE || DEFAULT_STATE_PATH);
  const lockTimeoutMs = parseDuration(flags.lockTimeout ?? '30s', '--lock-timeout');
  return new FileStateBackend(path.resolve(io.cwd, file), { lockTimeoutMs });
}

/** liveSource is where diff, plan and get read the live state: the --live snapshot if given, else the state file. */
export function liveSource(flags: StateFlags, io: Io): LiveStateSource {
  return flags.live ? new SnapshotSource(path.resolve(io.cwd, flags.live)) : stateBackend(flags, io);
}
