import { appendFile, readFile, stat } from 'node:fs/promises';
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

/** readEvents reads the folded events of a log; a missing log has none. */
export async function readEvents(path: string): Promise<SiteEvent[]> {
  return [...(await new EventLog(path).known()).values()];
}

/**
 * EventLog appends events to events.jsonl, counting repeats of an event already in the log
 * instead of adding a new one. It remembers the log as it last saw it, so a long-running
 * watcher does not re-read the whole log on every pass; another writer's append changes the
 * file's size and makes it read again.
 */
export class EventLog {
  private cache: { size: number; events: Map<string, SiteEvent> } | undefined;

  constructor(readonly path: string) {}

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
    this.cache = { size: Buffer.byteLength(text), events: foldEvents(text) };
    return this.cache.events;
  }

  async record(events: readonly NewEvent[], now: string): Promise<void> {
    if (events.length === 0) return;
    const known = await this.known();
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
}
