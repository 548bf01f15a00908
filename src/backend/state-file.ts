import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { EMPTY_LIVE_STATE, type LiveState } from '../model/live.js';
import type { SiteEvent } from '../model/event.js';
import type { LiveSnapshot, StateBackend, Transaction } from './backend.js';
import { fingerprintOf } from '../plan/fingerprint.js';
import { StateFileError } from './errors.js';
import { EventLog, readEvents, readRecentEvents } from './event-log.js';
import { failpoint } from './failpoints.js';
import { acquireLock, forceUnlock } from './lock.js';
import { StagedFile } from './staged-file.js';
import { decodeLiveState, parseLiveState, serializeLiveState } from './state-document.js';
import { writeAtomically } from './write-atomically.js';

/** DEFAULT_STATE_PATH is where the embedded backend keeps its state unless --state or SITECTL_STATE says otherwise. */
export const DEFAULT_STATE_PATH = '.sitectl/state.json';

/**
 * FileStateBackend is the embedded default backend: one LiveState JSON file that plays the
 * site. A missing file reads as an empty state; a file that cannot be parsed is refused and
 * never rewritten. Writers take `state.json.lock`; writes go to a temporary file that is
 * flushed and renamed over the state, so a crash leaves the old or the new state, never a mix.
 * Events go to `events.jsonl` beside it.
 */
export class FileStateBackend implements StateBackend {
  readonly keepsSites = true;
  readonly eventsPath: string;
  private readonly events: EventLog;
  /** The state as last read or written, with its bytes: reused while the file holds the same bytes (a watcher reads it every pass). */
  private last: Rendered | undefined;
  /** A state rendered ahead of its write (stage), with its bytes and fingerprint, and the temporary file they are being written to. */
  private staged: (Rendered & { readonly file: Promise<StagedFile | undefined> }) | undefined;
  /** Whether staged files left by processes that no longer run were looked for. */
  private swept = false;

  constructor(
    readonly location: string,
    private readonly options: { lockTimeoutMs: number; now?: () => Date },
  ) {
    this.eventsPath = path.join(path.dirname(location), 'events.jsonl');
    this.events = new EventLog(this.eventsPath);
  }

  async read(): Promise<LiveSnapshot> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.location);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { state: EMPTY_LIVE_STATE, fingerprint: fingerprintOf('') };
      throw new StateFileError(`${this.location}: cannot be read (${code ?? String(error)})`);
    }
    // Comparing bytes costs less than decoding and hashing them again.
    if (this.last?.bytes.equals(bytes)) return this.last.snapshot;
    const snapshot = { state: parseLiveState(decodeLiveState(bytes), this.location), fingerprint: fingerprintOf(bytes) };
    this.last = { snapshot, bytes };
    return snapshot;
  }

  async update<T>(change: (live: LiveSnapshot) => Transaction<T>): Promise<T> {
    await mkdir(path.dirname(this.location), { recursive: true });
    const lock = await acquireLock(`${this.location}.lock`, this.options.lockTimeoutMs);
    try {
      await failpoint('lock.acquired');
      await this.sweep();
      const live = await this.read();
      await failpoint('state.read');
      const { next, events, result } = change(live);
      if (next) {
        const staged = this.staged?.snapshot.state === next ? this.staged : undefined;
        if (staged) this.staged = undefined;
        const rendered = staged ?? render(next);
        await this.write(rendered.bytes, await staged?.file);
        this.last = rendered;
        await this.unstage(); // staged for another state: this one was written instead
      }
      await this.events.record(events, (this.options.now?.() ?? new Date()).toISOString());
      return result;
    } finally {
      await lock.release();
    }
  }

  /**
   * stage renders a state an update will probably write and writes it to a temporary file
   * beside the state, flushed, so that the write under the lock only has to rename it.
   */
  stage(next: LiveState): void {
    void this.unstage();
    void this.sweep();
    const rendered = render(next);
    this.staged = { ...rendered, file: StagedFile.prepare(this.location, rendered.bytes) };
  }

  /** sweep removes, once per process, the temporary files of writers that died before their rename (a crash, a watcher killed while the files settled). */
  private async sweep(): Promise<void> {
    if (this.swept) return;
    this.swept = true;
    await StagedFile.removeAbandoned(this.location);
  }

  /** unstage removes what stage prepared, when no update wrote it. */
  async unstage(): Promise<void> {
    const staged = this.staged;
    this.staged = undefined;
    await (await staged?.file)?.discard();
  }

  /**
   * write replaces the state file with `bytes` by renaming over it a temporary file that holds
   * them, flushed: the one staged ahead when there is one, else a new one. A reader, or a
   * process that dies at any moment, sees the old content or the new, never a part.
   */
  private async write(bytes: Buffer, staged: StagedFile | undefined): Promise<void> {
    if (staged && (await this.commit(staged))) return;
    // None staged, or it was removed meanwhile or the folder changed: a new one, and failing that the library.
    const temporary = await StagedFile.prepare(this.location, bytes);
    if (temporary && (await this.commit(temporary))) return;
    await writeAtomically(this.location, bytes, { fsync: true });
    await failpoint('state.renamed');
  }

  /** commit renames a flushed temporary file over the state; false (and the file removed) when it cannot. */
  private async commit(temporary: StagedFile): Promise<boolean> {
    await failpoint('state.temp-written');
    try {
      await temporary.commit();
    } catch {
      await temporary.discard();
      return false;
    }
    await failpoint('state.renamed');
    return true;
  }

  readEvents(): Promise<SiteEvent[]> {
    return readEvents(this.eventsPath);
  }

  recentEvents(limit: number): Promise<SiteEvent[]> {
    return readRecentEvents(this.eventsPath, limit);
  }

  /** forceUnlock removes the writer lock if, and only if, its id is `id`. */
  forceUnlock(id: string): Promise<void> {
    return forceUnlock(`${this.location}.lock`, id);
  }
}

/** Rendered is a state with the bytes the file holds for it. */
interface Rendered {
  readonly snapshot: LiveSnapshot;
  readonly bytes: Buffer;
}

/** render is a state as the file holds it, with the fingerprint of those bytes. */
function render(state: LiveState): Rendered {
  const bytes = serializeLiveState(state);
  return { snapshot: { state, fingerprint: fingerprintOf(bytes) }, bytes };
}

/** SnapshotSource reads an exported live state (`--live FILE`), read-only. */
export class SnapshotSource {
  constructor(readonly location: string) {}

  async read(): Promise<LiveSnapshot> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.location);
    } catch (error) {
      throw new StateFileError(`${this.location}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    return { state: parseLiveState(decodeLiveState(bytes), this.location), fingerprint: fingerprintOf(bytes) };
  }
}
