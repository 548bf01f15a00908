import jsonc from 'jsonc-parser';
import { validators } from '../manifest/ajv.js';
import type { LiveState } from '../model/live.js';
import { StateFileError } from './errors.js';

/**
 * decodeLiveState turns the bytes of a LiveState file into text: UTF-8 with or without a BOM,
 * or UTF-16 (either byte order) with a BOM. Windows PowerShell 5.1 writes a BOM with
 * `Set-Content -Encoding utf8`, and UTF-16 LE with `Out-File` and `>`, so an export handed on
 * from a console may come in any of these.
 */
export function decodeLiveState(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return Buffer.from(bytes.buffer, bytes.byteOffset + 3, bytes.length - 3).toString('utf8');
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
}

/**
 * parseLiveState reads a LiveState JSON document, refusing anything else with a message that
 * names the file and, for broken JSON, the line and column.
 */
export function parseLiveState(text: string, file: string): LiveState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StateFileError(`${file}:${syntaxError(text)}; the file was left as it is`);
  }
  const check = validators().LiveState;
  if (!check(value)) {
    const first = check.errors?.[0];
    const at = first?.instancePath ? first.instancePath : '(document)';
    throw new StateFileError(`${file}: not a LiveState document: ${at} ${first?.message ?? 'is invalid'}; the file was left as it is`);
  }
  return value as LiveState;
}

/**
 * syntaxError says where and why a text is not JSON, as `line:column: not valid JSON (value
 * expected)`. JSON.parse's own message gives a position in some Node versions and a snippet
 * of the text in others, so the text is scanned again with jsonc-parser (VS Code's JSON
 * scanner) in strict mode, which reports the offset of the first error.
 */
function syntaxError(text: string): string {
  const errors: jsonc.ParseError[] = [];
  jsonc.parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return '1:1: not valid JSON';
  const why = jsonc
    .printParseErrorCode(first.error)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return `${lineColumn(text, first.offset)}: not valid JSON (${why})`;
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${line}:${column}`;
}

// A state written after a small change shares its objects, in the same places, with the state
// written before it; the lines written last time are kept by position, as bytes, so that only
// changed entries are rendered and encoded again. Identity at a position is cheaper to check
// than a lookup by object.
interface Written {
  readonly items: readonly unknown[];
  readonly keys: readonly string[] | undefined;
  readonly lines: readonly Buffer[];
  /** Bytes rendered since the lines were last compacted into one buffer. */
  readonly fresh: number;
}
const written = new Map<string, Written>();

/** linesOf renders one list of entries, reusing last time's line for the same object (and key) in the same place. */
function linesOf(
  list: string,
  items: readonly unknown[],
  render: (item: unknown, i: number) => string,
  keys?: readonly string[],
): Buffer[] {
  const before = written.get(list);
  let fresh = before?.fresh ?? 0;
  let size = 0;
  let lines = items.map((item, i) => {
    let line = before && before.items[i] === item && before.keys?.[i] === keys?.[i] ? before.lines[i] : undefined;
    if (!line) {
      line = Buffer.from(render(item, i));
      fresh += line.length;
    }
    size += line.length;
    return line;
  });
  // A new line is a slice of Node's shared buffer pool, which stays alive while any of its
  // slices does: once as many bytes were rendered as the list holds, the lines are copied
  // into one buffer of their own, so that a long-running watcher keeps about the file's size.
  if (fresh > 0 && fresh >= size) {
    lines = compact(lines, size);
    fresh = 0;
  }
  written.set(list, { items, keys, lines, fresh });
  return lines;
}

/** compact copies lines into one buffer and gives them back as slices of it. */
function compact(lines: readonly Buffer[], size: number): Buffer[] {
  const all = Buffer.allocUnsafeSlow(size);
  let at = 0;
  return lines.map((line) => {
    line.copy(all, at);
    at += line.length;
    return all.subarray(at - line.length, at);
  });
}

/** Document collects the bytes of a state document: text as it comes, and kept lines as they are. */
class Document {
  private readonly parts: Buffer[] = [];
  private text = '';

  add(text: string): void {
    this.text += text;
  }

  /** lines adds entries one per line, separated by commas. */
  lines(lines: readonly Buffer[]): void {
    this.flush();
    lines.forEach((line, i) => {
      if (i > 0) this.parts.push(ENTRY_SEPARATOR);
      this.parts.push(line);
    });
  }

  bytes(): Buffer {
    this.flush();
    return Buffer.concat(this.parts);
  }

  private flush(): void {
    if (this.text) this.parts.push(Buffer.from(this.text));
    this.text = '';
  }
}
const ENTRY_SEPARATOR = Buffer.from(',\n');

/**
 * serializeLiveState writes the state as JSON with one site, server, account and bookkeeping
 * entry per line: about half the size of indented JSON for a large hierarchy, and still a
 * file whose changes read well in a diff.
 */
export function serializeLiveState(state: LiveState): Buffer {
  const document = new Document();
  document.add('{\n');
  const entries = Object.entries(state);
  entries.forEach(([key, value], i) => {
    const comma = i < entries.length - 1 ? ',' : '';
    if (Array.isArray(value) && value.length > 0) {
      document.add(`  ${JSON.stringify(key)}: [\n`);
      document.lines(linesOf(key, value, (item) => '    ' + JSON.stringify(item)));
      document.add(`\n  ]${comma}\n`);
    } else if (key === 'managed' && value && typeof value === 'object') {
      document.add('  "managed": ');
      addManaged(document, value as Record<string, unknown>);
      document.add(`${comma}\n`);
    } else {
      document.add(`  ${JSON.stringify(key)}: ${JSON.stringify(value)}${comma}\n`);
    }
  });
  document.add('}\n');
  return document.bytes();
}

function addManaged(document: Document, managed: Record<string, unknown>): void {
  const { servers, ...rest } = managed;
  const all = (servers ?? {}) as Record<string, unknown>;
  const names = Object.keys(all);
  const records = linesOf(
    'managed.servers',
    names.map((name) => all[name]),
    (record, i) => `      ${JSON.stringify(names[i])}: ${JSON.stringify(record)}`,
    names,
  );
  document.add('{\n');
  for (const [key, value] of Object.entries(rest)) document.add(`    ${JSON.stringify(key)}: ${JSON.stringify(value)},\n`);
  document.add('    "servers": {');
  if (records.length > 0) {
    document.add('\n');
    document.lines(records);
    document.add('\n    ');
  }
  document.add('}\n  }');
}
