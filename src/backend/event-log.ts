import { appendFile, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { eventKey, type SiteEvent } from '../model/event.js';
import type { NewEvent } from '../apply/events.js';

/**
 * foldEvents reads an events.jsonl text. A repeated event is appended again with a higher
 * count, so the log is folded by event: each appears once, with its latest count and time.
 * A torn last line (a crash mid-append) is skipped.
 */
function foldEvents(text: string): Map<string, SiteEvent> {
  const latest = new Map<string, SiteEvent>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const event = JSON.parse(line) as SiteEvent;
      const key = eventKey(event);
      latest.delete(key); // re-insert so the map's order is the order of last occurrence
      latest.set(key, event);
    } catch {
      // a torn line from an interrupted append
    }
  }
  return latest;
}

/** MAX_LOG_BYTES is the size past which events.jsonl is rotated before the next append. */
export const MAX_LOG_BYTES = 8 * 1024 * 1024;

/** KEPT_LOGS is how many rotated logs are kept (events.1.jsonl, the newest, to events.3.jsonl). */
export const KEPT_LOGS = 3;

/** rotated is the name of the n-th rotated log: events.jsonl becomes events.1.jsonl. */
export function rotated(path: string, n: number): string {
  return path.replace(/(\.jsonl)?$/, `.${n}$1`);
}

/** readEvents reads the folded events of a log and of the logs rotated from it, oldest first; a missing log has none. */
export async function readEvents(path: string): Promise<SiteEvent[]> {
  const texts: string[] = [];
  for (let n = KEPT_LOGS; n >= 1; n--) texts.push(await readFile(rotated(path, n), 'utf8').catch(() => ''));
  texts.push(await readFile(path, 'utf8').catch(() => ''));
  return [...foldEvents(texts.join('\n')).values()];
}

/** RECENT_BYTES is how much of the log's end readRecentEvents reads: some hundred events, whatever the log's size. */
const RECENT_BYTES = 64 * 1024;

/**
 * readRecentEvents reads the newest `limit` events, newest first, from the end of the log (and
 * of the one rotated last, when the log has fewer since a rotation): a status page asks often,
 * and the logs hold up to 32 MiB.
 */
export async function readRecentEvents(path: string, limit: number): Promise<SiteEvent[]> {
  const newest = [...foldEvents(await readTail(path)).values()];
  const older = newest.length < limit ? [...foldEvents(await readTail(rotated(path, 1))).values()] : [];
  const keys = new Set(newest.map(eventKey));
  return [...older.filter((e) => !keys.has(eventKey(e))), ...newest].slice(-limit).reverse();
}

/** readTail reads the last RECENT_BYTES of a file, from its first whole line; a missing file is empty. */
async function readTail(path: string): Promise<string> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
  try {
    const { size } = await file.stat();
    const start = Math.max(0, size - RECENT_BYTES);
    const buffer = Buffer.alloc(size - start);
    await file.read(buffer, 0, buffer.length, start);
    const text = buffer.toString('utf8');
    return start > 0 ? text.slice(text.indexOf('\n') + 1) : text; // the first line may be cut
  } finally {
    await file.close();
  }
}

/**
 * EventLog appends events to events.jsonl, counting repeats of an event already in the log
 * instead of adding a new one. It remembers the log as it last saw it, so a long-running
 * watcher does not re-read the whole log on every pass; another writer's append changes the
 * file's size and makes it read again. Past `maxBytes` the log is rotated (events.1.jsonl and
 * on, KEPT_LOGS of them), so it stays bounded; repeats are counted over the newest log and the
 * one rotated last, so an event seen within the last two logs keeps its count.
 * Writers append under the state lock, so one rotation never meets another.
 */
export class EventLog {
  private cache: { size: number; events: Map<string, SiteEvent> } | undefined;

  constructor(
    readonly path: string,
    private readonly maxBytes = MAX_LOG_BYTES,
  ) {}

  async known(): Promise<Map<string, SiteEvent>> {
    const size = await stat(this.path).then(
      (s) => s.size,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return 0;
        throw error;
      },
    );
    if (this.cache?.size === size) return this.cache.events;
    const text = size === 0 ? '' : await readFile(this.path, 'utf8');
    // The log rotated last is read too, so a repeat just after a rotation keeps its count and first time.
    const previous = await readFile(rotated(this.path, 1), 'utf8').catch(() => '');
    this.cache = { size: Buffer.byteLength(text), events: foldEvents(`${previous}\n${text}`) };
    return this.cache.events;
  }

  async record(events: readonly NewEvent[], now: string): Promise<void> {
    if (events.length === 0) return;
    let known = await this.known();
    if (this.cache!.size >= this.maxBytes) {
      await this.rotate();
      known = await this.known();
    }
    const lines = events.map((event) => {
      const previous = known.get(eventKey(event));
      const record: SiteEvent = previous
        ? { ...event, count: previous.count + 1, firstTimestamp: previous.firstTimestamp, lastTimestamp: now }
        : { ...event, count: 1, firstTimestamp: now, lastTimestamp: now };
      known.delete(eventKey(event));
      known.set(eventKey(event), record);
      return JSON.stringify(record) + '\n';
    });
    const text = lines.join('');
    await appendFile(this.path, text);
    if (this.cache) this.cache.size += Buffer.byteLength(text);
  }

  /** rotate moves each log one place down (the oldest kept one is dropped) and starts an empty one. */
  private async rotate(): Promise<void> {
    await rm(rotated(this.path, KEPT_LOGS), { force: true });
    for (let n = KEPT_LOGS - 1; n >= 1; n--) await rename(rotated(this.path, n), rotated(this.path, n + 1)).catch(ignoreMissing);
    await rename(this.path, rotated(this.path, 1));
    // What was known stays known: it is now the log rotated last, which known() reads too.
    this.cache = { size: 0, events: this.cache?.events ?? new Map<string, SiteEvent>() };
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
