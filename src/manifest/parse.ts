import type { Document, LineCounter, YAMLError } from 'yaml';
import { diagnostic, type Diagnostic } from '../model/diagnostic.js';
import { KINDS, type Kind, type Locator, type ObjectRef } from '../model/manifest.js';
import { decodeText, lineAndColumn } from './decode.js';
import { fastValues, lazyLocators, PRECISE_OPTIONS } from './fast-parse.js';
import { makeLocator, positionAt } from './locate.js';
import { tooDeepOffset } from './nesting.js';
import type { SourceFile } from './source.js';
import { yaml } from './yaml-library.js';

/** MAX_ALIAS_COUNT bounds alias expansion per document, so an alias bomb fails fast instead of eating memory. */
export const MAX_ALIAS_COUNT = 100;

/** ParsedDocument is one non-empty YAML document as plain data, with a locator into its file. */
export interface ParsedDocument {
  readonly file: string;
  /** 0-based index of the document within its file. */
  readonly index: number;
  readonly value: unknown;
  readonly locate: Locator;
}

/** ParseMode picks the parser: `fast` tries js-yaml first and keeps the precise parser for positions and errors; `precise` uses only the latter. */
export type ParseMode = 'fast' | 'precise';

/** ParseResult is what one file yields: its documents, any YamlSyntax diagnostics, and which parser read it. */
export interface ParseResult {
  readonly documents: ParsedDocument[];
  readonly diagnostics: Diagnostic[];
  /** `fast` when js-yaml read the file and positions come from lazy locators; `precise` otherwise. */
  readonly parser: ParseMode;
  /** Objects that documents left out for a syntax error still declare (kind and name). */
  readonly declared?: readonly ObjectRef[];
}

/**
 * parseSource reads every document of one file. YAML 1.2 core schema only: tags are never
 * resolved to anything but plain data (an unknown tag is an error), duplicate keys are
 * errors, and a document with any error is left out so later stages see only sound data.
 * In `fast` mode a file that js-yaml reads cleanly is taken from it, with positions found
 * by the precise parser only when asked for; every other file goes to the precise parser,
 * so errors and their positions always come from one place.
 */
export function parseSource(source: SourceFile, mode: ParseMode = 'fast'): ParseResult {
  const decoded = decodeText(source.bytes);
  if (!decoded.ok) {
    const { line, column } = lineAndColumn(source.bytes, decoded.offset);
    return {
      documents: [],
      diagnostics: [diagnostic('YamlSyntax', `file ${decoded.reason}`, { source: { file: source.file, line, column } })],
      parser: 'precise',
    };
  }
  const text = decoded.text; // the decoder already dropped a BOM, as editors do when they count columns
  const values = mode === 'fast' ? fastValues(text) : undefined;
  if (values) {
    // Sound YAML read fast; positions come from the precise parser only if a diagnostic needs one.
    const locatorFor = lazyLocators(source.file, text);
    const documents: ParsedDocument[] = [];
    values.forEach((value, index) => {
      if (value !== null && value !== undefined) documents.push({ file: source.file, index, value, locate: locatorFor(documents.length) });
    });
    return { documents, diagnostics: [], parser: 'fast' };
  }
  return parsePrecise(source.file, text);
}

/** parsePrecise reads a file with the `yaml` parser, which knows every node's position and reports every problem. */
function parsePrecise(file: string, text: string): ParseResult {
  const { LineCounter, parseAllDocuments } = yaml();
  const lines = new LineCounter();
  const documents: ParsedDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  const declared: ObjectRef[] = [];
  const yamlDocs = parseAllDocuments(text, { ...PRECISE_OPTIONS, lineCounter: lines });
  const list: Document[] = Array.isArray(yamlDocs) ? yamlDocs : [];
  list.forEach((doc, index) => {
    // A stack overflow can be caught at more than one level; it is one problem.
    const problems = [...doc.errors, ...doc.warnings].filter(
      (problem, i, all) => problem.code !== 'RESOURCE_EXHAUSTION' || all.findIndex((p) => p.code === problem.code) === i,
    );
    if (problems.length > 0) {
      // The first problem of a document is the mistake; the parser's later ones mostly follow from it.
      diagnostics.push(yamlProblem(file, text, lines, problems[0]));
      const object = declaredObject(doc);
      if (object) declared.push(object);
      return;
    }
    if (doc.contents === null) return; // an empty document is skipped (SPEC section 1)
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      const offset = error instanceof RangeError ? tooDeepOffset(text, doc.contents?.range?.[0] ?? 0) : undefined;
      diagnostics.push(
        diagnostic('YamlSyntax', conversionMessage(error), { source: positionAt(file, lines, offset ?? firstAliasOffset(doc)) }),
      );
      return;
    }
    if (value === null || value === undefined) return; // `---` followed by nothing, or only comments
    documents.push({ file, index, value, locate: makeLocator(file, doc, lines) });
  });
  return { documents, diagnostics, declared, parser: 'precise' };
}

/**
 * declaredObject is the kind and name a document with a syntax error still declares, when the
 * parser could read that much: references to it are then not reported as unknown as well.
 */
function declaredObject(doc: Document): ObjectRef | undefined {
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    return undefined;
  }
  const record = value as { kind?: unknown; metadata?: { name?: unknown } } | null;
  const kind = record?.kind;
  const name = record?.metadata?.name;
  return typeof kind === 'string' && (KINDS as readonly string[]).includes(kind) && typeof name === 'string'
    ? { kind: kind as Kind, name }
    : undefined;
}

function yamlProblem(file: string, text: string, lines: LineCounter, problem: YAMLError): Diagnostic {
  const firstLine = problem.message.split('\n')[0] ?? problem.message;
  let message = firstLine.replace(/ at line \d+, column \d+:?$/, '');
  let offset = problem.pos[0];
  if (problem.code === 'DUPLICATE_KEY') {
    const key = /^[^:\n]*/.exec(text.slice(problem.pos[0]))![0].trim();
    message = `duplicate key '${key}': a key may appear only once in a mapping`;
  }
  if (problem.code === 'TAG_RESOLVE_FAILED') message = `${message}: sitectl manifests are plain data, remove the tag`;
  if (problem.code === 'BLOCK_AS_IMPLICIT_KEY' || problem.code === 'BAD_INDENT') {
    // A line indented less than its neighbours is where the parser stops (BAD_INDENT); one
    // indented more is read as the line above's value continued, and reported there. (A key
    // without its colon is MULTILINE_IMPLICIT_KEY, and keeps the parser's own message.)
    const culprit = problem.code === 'BAD_INDENT' ? firstContentAt(text, problem.pos[0]) : nextContentLine(text, problem.pos[0]);
    if (culprit !== undefined) {
      offset = culprit;
      const { line } = lines.linePos(culprit);
      message = `line ${line} is indented differently from the keys around it: keys of one mapping start in the same column`;
    }
  }
  if (problem.code === 'BAD_DQ_ESCAPE')
    message = `${message}: inside double quotes a backslash starts an escape; write DOMAIN\\user without quotes or in single quotes ('CONTOSO\\svc-cmproxy')`;
  if (problem.code === 'RESOURCE_EXHAUSTION') {
    message = 'document is nested too deeply to be a manifest';
    // The parser ran out of stack somewhere that varies from run to run; point at a place that does not.
    offset = tooDeepOffset(text, offset) ?? offset;
  }
  return diagnostic('YamlSyntax', message, { source: positionAt(file, lines, offset) });
}

/** firstContentAt is the offset of the first non-blank character of the line holding `offset`. */
function firstContentAt(text: string, offset: number): number {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return start + (/^[ \t]*/.exec(text.slice(start))?.[0].length ?? 0);
}

/** nextContentLine is the offset of the first non-blank character on the lines after the one holding `offset`. */
function nextContentLine(text: string, offset: number): number | undefined {
  const match = /\n[ \t]*(?=[^\s#])/g;
  match.lastIndex = offset;
  const found = match.exec(text);
  return found ? found.index + found[0].length : undefined;
}

function conversionMessage(error: unknown): string {
  if (error instanceof ReferenceError && /alias/i.test(error.message)) {
    return `aliases expand to more than ${MAX_ALIAS_COUNT} nodes (an "alias bomb"); write the values out instead`;
  }
  if (error instanceof RangeError) return 'document is nested too deeply to be a manifest';
  return `document cannot be read: ${error instanceof Error ? error.message : String(error)}`;
}

function firstAliasOffset(doc: Document): number {
  let offset = doc.contents?.range?.[0] ?? 0;
  const { visit, isAlias } = yaml();
  visit(doc, {
    Alias(_key, node) {
      if (isAlias(node) && node.range) {
        offset = node.range[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return offset;
}
