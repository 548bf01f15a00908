/**
 * renderManifestFile writes manifest documents as YAML in the style of the examples: block
 * mappings, `proxy: { ref: corp }` on one line, `[a, b]` for lists of scalars, a comment
 * block on top. Written by hand rather than with a YAML library's stringify because 125,000
 * documents must render in well under a second; values from the site are quoted whenever a
 * plain scalar could read as anything else, and the tests read every file back.
 */
export function renderManifestFile(comments: readonly string[], documents: readonly object[]): string {
  const header = comments.map((line) => `# ${commentText(line)}\n`).join('');
  return header + documents.map((doc) => renderDocument(doc)).join('---\n');
}

/** renderDocument writes one document as block YAML, ending with a newline. */
export function renderDocument(document: object): string {
  return mapping(document as Record<string, unknown>, '');
}

// `proxy: { ref: corp }` and `proxy: { enabled: false }` read as one phrase, as in the examples.
const FLOW = new Set(['proxy']);

// Strings are built by concatenation, key by key: an import renders 125,000 documents.
function mapping(value: Record<string, unknown>, indent: string): string {
  let out = '';
  for (const key in value) {
    const v = value[key];
    if (v === undefined) continue;
    const head = `${indent}${scalar(key)}:`;
    if (Array.isArray(v)) out += list(v, head, indent);
    else if (isMapping(v)) out += nested(key, v, head, indent);
    else out += `${head} ${scalar(v)}\n`;
  }
  return out;
}

function nested(key: string, value: Record<string, unknown>, head: string, indent: string): string {
  const keys = Object.keys(value).filter((k) => value[k] !== undefined);
  if (keys.length === 0) return `${head} {}\n`;
  if (keys.length === 1 && FLOW.has(key) && isScalar(value[keys[0]])) return `${head} { ${scalar(keys[0])}: ${scalar(value[keys[0]])} }\n`;
  return `${head}\n${mapping(value, `${indent}  `)}`;
}

function list(items: readonly unknown[], head: string, indent: string): string {
  if (items.every(isScalar)) return `${head} [${items.map(scalar).join(', ')}]\n`;
  let out = `${head}\n`;
  const inner = `${indent}    `;
  for (const item of items) {
    // The first line of an item carries the dash: `    - type: X`, the rest line up under it.
    out += `${indent}  - ${mapping(item as Record<string, unknown>, inner).slice(inner.length)}`;
  }
  return out;
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): boolean => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

// A plain scalar is written bare only when it starts with a letter, underscore or backslash,
// holds nothing that YAML gives a meaning (no spaces, quotes, colons, commas, brackets, #, &, *,
// !) and is not a word YAML 1.1 or 1.2 reads as a boolean or null: host names, site codes that
// start with a letter and DOMAIN\user stay readable, and everything else is quoted.
const PLAIN = /^[A-Za-z_\\][A-Za-z0-9_.\\/@-]*$/;
const KEYWORD = /^(?:true|false|null|yes|no|on|off|y|n)$/i;
// JSON escapes C0 controls, quotes and backslashes; YAML also wants these escaped in a quoted scalar.
const NOT_PRINTABLE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

/** scalar writes a string, number, boolean or null so that YAML reads back exactly that value. */
export function scalar(value: unknown): string {
  if (typeof value === 'string') {
    if (PLAIN.test(value) && !KEYWORD.test(value)) return value;
    // A JSON string is a valid YAML 1.2 double-quoted scalar.
    return JSON.stringify(value).replace(NOT_PRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return 'null';
}

/** commentText keeps a comment on its line whatever it holds: line breaks and other controls become spaces. */
function commentText(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]/gu, ' ');
}
