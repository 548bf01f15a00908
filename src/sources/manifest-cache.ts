import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { StoredSource } from '../manifest/stored.js';
import { packageRequire, RUNNING_FROM_SOURCES } from '../package-files.js';
import type { SourceStore } from '../validate.js';

/** FORMAT names the layout of a cache file; a file of another layout is ignored. */
const FORMAT = 'sitectl-manifest-cache/1';

/** MAX_CACHE_FILES bounds the folder: one file per set of -f paths, the least recently written removed first. */
const MAX_CACHE_FILES = 64;

/** CacheFile is the JSON of one cache file: clean manifest files by the sha256 of their bytes. */
interface CacheFile {
  readonly format: string;
  readonly build: string;
  readonly entries: Record<string, StoredSource>;
}

/**
 * ManifestCache keeps the clean manifest files of one set of `-f` paths between runs, as
 * plain data by content hash, in one file per set: a run whose files are unchanged reads one
 * JSON file instead of parsing YAML and checking schemas. It is only ever a shortcut. A
 * missing, unreadable, corrupt or foreign file is an empty cache. Entries are keyed by the
 * files' bytes and the sitectl build, so they cannot answer for other content or other
 * code. A failed write is ignored, and writes replace the file atomically.
 */
export class ManifestCache implements SourceStore {
  private readonly entries: Map<string, StoredSource>;
  private readonly used = new Map<string, StoredSource>();
  private changed = false;

  private constructor(
    readonly file: string,
    private readonly build: string,
  ) {
    this.entries = new Map(Object.entries(readCacheFile(file, build)));
  }

  /** open finds the cache of a set of paths inside `folder`, for this build of sitectl; undefined when the build has no id. */
  static open(folder: string, paths: readonly string[], cwd: string): ManifestCache | undefined {
    const build = buildId();
    if (!build) return undefined;
    const set = JSON.stringify([...paths].map((p) => (p === '-' ? p : path.resolve(cwd, p))).sort());
    const name = createHash('sha256').update(set).digest('hex').slice(0, 32);
    return new ManifestCache(path.join(folder, `${name}.json`), build);
  }

  get(hash: string): StoredSource | undefined {
    const stored = this.entries.get(hash);
    if (!stored || !wellFormed(stored)) return undefined;
    this.used.set(hash, stored);
    return stored;
  }

  put(hash: string, stored: StoredSource): void {
    this.entries.set(hash, stored);
    this.used.set(hash, stored);
    this.changed = true;
  }

  /** save writes the entries this run used, when they differ from what was read: the file holds just the current files. */
  save(): void {
    if (!this.changed && this.used.size === this.entries.size) return;
    const document: CacheFile = { format: FORMAT, build: this.build, entries: Object.fromEntries(this.used) };
    const temporary = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      writeFileSync(temporary, JSON.stringify(document), { mode: 0o600 });
      renameSync(temporary, this.file);
      pruneFolder(path.dirname(this.file));
    } catch {
      // A cache that cannot be written (read-only home, full disk) only makes the next run slower.
      removeQuietly(temporary);
    }
  }
}

/**
 * cacheFolder is where manifest caches live: SITECTL_CACHE if set (`off` turns caching off),
 * else $XDG_CACHE_HOME/sitectl, else ~/.cache/sitectl. It is outside the repository on
 * purpose, so a pull request cannot bring a cache that answers for its files.
 */
export function cacheFolder(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  const setting = env.SITECTL_CACHE;
  if (setting !== undefined && setting !== '') return setting.toLowerCase() === 'off' ? undefined : path.resolve(cwd, setting);
  const base = env.XDG_CACHE_HOME || path.join(env.HOME || homedir(), '.cache');
  return path.join(base, 'sitectl');
}

function readCacheFile(file: string, build: string): Record<string, StoredSource> {
  try {
    if (!ownFile(file)) return {};
    const document = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheFile> | null;
    const usable =
      document?.format === FORMAT && document.build === build && typeof document.entries === 'object' && document.entries !== null;
    return usable ? document.entries : {};
  } catch {
    return {};
  }
}

/**
 * ownFile tells whether only this user can have written the file: it is theirs, and neither
 * group nor others may write it. A cache in a shared folder (SITECTL_CACHE=/tmp/...) could
 * otherwise be planted by someone else to answer for files they know. Windows has no such
 * bits; there the folder's own permissions decide.
 */
function ownFile(file: string): boolean {
  const info = statSync(file);
  if (process.platform === 'win32') return true;
  return info.uid === process.getuid?.() && (info.mode & 0o022) === 0;
}

/** wellFormed checks an entry's shape, so a damaged cache file is a miss rather than a crash. */
function wellFormed(stored: unknown): stored is StoredSource {
  if (!isObject(stored)) return false;
  const { count, documents } = stored;
  return (
    typeof count === 'number' &&
    Array.isArray(documents) &&
    documents.every((d: unknown) => isObject(d) && typeof d.kind === 'string' && typeof d.name === 'string')
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

let id: string | null | undefined;

/**
 * buildId is the digest the build wrote (dist/build-id.json). It is null when running from
 * sources (as in-process tests do), whose code may differ from the last build: nothing is
 * cached then.
 */
function buildId(): string | null {
  if (id === undefined) {
    if (RUNNING_FROM_SOURCES) return (id = null);
    try {
      id = (packageRequire('./dist/build-id.json') as { id: string }).id;
    } catch {
      id = null;
    }
  }
  return id;
}

/** pruneFolder keeps the newest MAX_CACHE_FILES cache files, and drops temporary files a killed run left. */
function pruneFolder(folder: string): void {
  const files = readdirSync(folder)
    .filter((name) => name.endsWith('.json') || name.endsWith('.tmp'))
    .map((name) => {
      const full = path.join(folder, name);
      return { full, temporary: name.endsWith('.tmp'), mtime: statSync(full, { throwIfNoEntry: false })?.mtimeMs ?? 0 };
    });
  const hourAgo = Date.now() - 3_600_000;
  for (const f of files) if (f.temporary && f.mtime < hourAgo) removeQuietly(f.full);
  const caches = files.filter((f) => !f.temporary).sort((a, b) => b.mtime - a.mtime);
  for (const f of caches.slice(MAX_CACHE_FILES)) removeQuietly(f.full);
}

function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // Gone already, or in a folder that cannot be changed: nothing to clean up.
  }
}
