import { validators } from '../manifest/ajv.js';
import type { LiveState } from '../model/live.js';
import { StateFileError } from './errors.js';

/**
 * parseLiveState reads a LiveState JSON document, refusing anything else with a message that
 * names the file and, for broken JSON, the line and column.
 */
export function parseLiveState(text: string, file: string): LiveState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    const where = position ? `:${lineColumn(text, Number(position[1]))}` : '';
    throw new StateFileError(`${file}${where}: not valid JSON (${message.replace(/ in JSON at position \d+.*$/, '')}); the file was left as it is`);
  }
  const check = validators().LiveState;
  if (!check(value)) {
    const first = check.errors?.[0];
    const at = first?.instancePath ? first.instancePath : '(document)';
    throw new StateFileError(`${file}: not a LiveState document: ${at} ${first?.message ?? 'is invalid'}; the file was left as it is`);
  }
  return value as LiveState;
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${line}:${column}`;
}

// Unchanged servers and records are the same objects from one state to the next, so the line
// each was written as is kept rather than built again on every write of a large state.
const written = new WeakMap<object, { readonly key: string; readonly line: string }>();

/** line is an entry's line: `prefix` and the value's JSON, remembered per object and key. */
function line(value: unknown, key: string, prefix: () => string): string {
  if (value === null || typeof value !== 'object') return prefix() + JSON.stringify(value);
  const known = written.get(value);
  if (known?.key === key) return known.line;
  const text = prefix() + JSON.stringify(value);
  written.set(value, { key, line: text });
  return text;
}

/**
 * serializeLiveState writes the state as JSON with one site, server, account and bookkeeping
 * entry per line: about half the size of indented JSON for a large hierarchy, and still a
 * file whose changes read well in a diff.
 */
export function serializeLiveState(state: LiveState): string {
  const lines = ['{'];
  const entries = Object.entries(state);
  entries.forEach(([key, value], i) => {
    const comma = i < entries.length - 1 ? ',' : '';
    if (Array.isArray(value) && value.length > 0) {
      lines.push(`  ${JSON.stringify(key)}: [`, value.map((item) => line(item, '', () => '    ')).join(',\n'), `  ]${comma}`);
    } else if (key === 'managed' && value && typeof value === 'object') {
      lines.push(`  "managed": ${serializeManaged(value as Record<string, unknown>)}${comma}`);
    } else {
      lines.push(`  ${JSON.stringify(key)}: ${JSON.stringify(value)}${comma}`);
    }
  });
  lines.push('}');
  return lines.join('\n') + '\n';
}

function serializeManaged(managed: Record<string, unknown>): string {
  const { servers, ...rest } = managed;
  const all = (servers ?? {}) as Record<string, unknown>;
  const records: string[] = [];
  for (const name in all) records.push(line(all[name], name, () => `      ${JSON.stringify(name)}: `));
  const other = Object.entries(rest).map(([key, value]) => `    ${JSON.stringify(key)}: ${JSON.stringify(value)},\n`).join('');
  return `{\n${other}    "servers": {${records.length ? `\n${records.join(',\n')}\n    ` : ''}}\n  }`;
}
