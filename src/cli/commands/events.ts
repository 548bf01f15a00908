import { stateBackend, type StateFlags } from '../inputs.js';
import { UsageError, type ExitCode, type Io } from '../io.js';
import { renderTable } from '../render/table.js';

/** EventsFlags are `sitectl events`' options. */
export interface EventsFlags extends StateFlags {
  readonly for?: string;
  readonly output: 'text' | 'json';
}

/** runEvents prints the events recorded beside the state file, optionally for one object (`--for SiteSystemServer/cm02.contoso.com`). */
export async function runEvents(flags: EventsFlags, io: Io): Promise<ExitCode> {
  let events = await stateBackend(flags, io).readEvents();
  if (flags.for !== undefined) {
    const [kind, name] = flags.for.split('/');
    if (!kind || !name) throw new UsageError('--for takes KIND/NAME, e.g. SiteSystemServer/cm02.contoso.com');
    events = events.filter((e) => e.object.kind.toLowerCase() === kind.toLowerCase() && e.object.name.toLowerCase() === name.toLowerCase());
  }
  if (flags.output === 'json') {
    io.stdout(JSON.stringify(events, null, 2) + '\n');
    return 0;
  }
  const rows = events.map((e) => [
    e.lastTimestamp,
    e.type,
    e.reason,
    `${e.object.kind}/${e.object.name}`,
    e.count > 1 ? `${e.message} (x${e.count})` : e.message,
  ]);
  io.stdout(rows.length === 0 ? 'no events recorded\n' : renderTable(['TIME', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'], rows));
  return 0;
}
