import { appendFile, readFile } from 'node:fs/promises';
import { eventKey, type SiteEvent } from '../model/event.js';
import type { NewEvent } from '../apply/events.js';

/**
 * readEvents reads an events.jsonl log. A repeated event is appended again with a higher count,
 * so the log is folded by event: each event appears once, with its latest count and time.
 * A torn last line (a crash mid-append) is skipped.
 */
export async function readEvents(path: string): Promise<SiteEvent[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
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
  return [...latest.values()];
}

/** recordEvents appends events, counting repeats of an event already in the log instead of adding a new one. */
export async function recordEvents(path: string, events: readonly NewEvent[], now: string): Promise<void> {
  if (events.length === 0) return;
  const known = new Map((await readEvents(path)).map((e) => [eventKey(e), e]));
  const lines = events.map((event) => {
    const previous = known.get(eventKey(event));
    const record: SiteEvent = previous
      ? { ...event, count: previous.count + 1, firstTimestamp: previous.firstTimestamp, lastTimestamp: now }
      : { ...event, count: 1, firstTimestamp: now, lastTimestamp: now };
    known.set(eventKey(event), record);
    return JSON.stringify(record) + '\n';
  });
  await appendFile(path, lines.join(''));
}
