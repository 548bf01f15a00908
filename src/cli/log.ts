import { randomBytes } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { UsageError, type Io } from './io.js';
import { LOG_LEVELS } from './log-levels.js';

/** LogFlags are the logging options every command takes. */
export interface LogFlags {
  readonly logLevel?: string;
  readonly logFormat?: string;
}

/**
 * createLogger builds the run's logger: pino JSON lines on stderr, or one readable line per
 * record with --log-format pretty, with a run id on every record so one run's lines can be found.
 */
export function createLogger(flags: LogFlags, io: Io, command: string): Logger {
  const level = flags.logLevel ?? 'warn';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  const format = flags.logFormat ?? 'json';
  if (format !== 'json' && format !== 'pretty') throw new UsageError('--log-format must be json or pretty');
  const write = format === 'json' ? io.stderr : (line: string) => io.stderr(pretty(line));
  return pino({ level, base: { runId: randomBytes(4).toString('hex'), command } }, { write });
}

function pretty(line: string): string {
  const { level, time, msg, runId, command, pid: _pid, hostname: _host, ...rest } = JSON.parse(line) as Record<string, unknown>;
  const name = pino.levels.labels[level as number] ?? String(level);
  const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${new Date(time as number).toISOString()} ${name.toUpperCase().padEnd(5)} [${String(command)} ${String(runId)}] ${String(msg)}${fields.length ? ' ' + fields.join(' ') : ''}\n`;
}
