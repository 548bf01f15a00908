import { LineCounter, parseAllDocuments, visit, isAlias, type Document, type YAMLError } from 'yaml';
import { diagnostic, type Diagnostic } from '../model/diagnostic.js';
import type { Locator } from '../model/manifest.js';
import { decodeText, lineAndColumn } from './decode.js';
import { makeLocator, positionAt } from './locate.js';
import type { SourceFile } from './source.js';

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

/** ParseResult is what one file yields: its documents and any YamlSyntax diagnostics. */
export interface ParseResult {
  readonly documents: ParsedDocument[];
  readonly diagnostics: Diagnostic[];
}

/**
 * parseSource reads every document of one file. YAML 1.2 core schema only: tags are never
 * resolved to anything but plain data (an unknown tag is an error), duplicate keys are
 * errors, and a document with any error is left out so later stages see only sound data.
 */
export function parseSource(source: SourceFile): ParseResult {
  const decoded = decodeText(source.bytes);
  if (!decoded.ok) {
    const { line, column } = lineAndColumn(source.bytes, decoded.offset);
    return {
      documents: [],
      diagnostics: [diagnostic('YamlSyntax', `file ${decoded.reason}`, { source: { file: source.file, line, column } })],
    };
  }
  const text = decoded.text; // the decoder already dropped a BOM, as editors do when they count columns
  const lines = new LineCounter();
  const documents: ParsedDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  const yamlDocs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, version: '1.2', schema: 'core' });
  const list: Document[] = Array.isArray(yamlDocs) ? yamlDocs : [];
  list.forEach((doc, index) => {
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length > 0) {
      for (const problem of problems) diagnostics.push(yamlProblem(source.file, text, lines, problem));
      return;
    }
    if (doc.contents === null) return; // an empty document is skipped (SPEC section 1)
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      diagnostics.push(diagnostic('YamlSyntax', conversionMessage(error), { source: positionAt(source.file, lines, firstAliasOffset(doc)) }));
      return;
    }
    if (value === null || value === undefined) return; // `---` followed by nothing, or only comments
    documents.push({ file: source.file, index, value, locate: makeLocator(source.file, doc, lines) });
  });
  return { documents, diagnostics };
}

function yamlProblem(file: string, text: string, lines: LineCounter, problem: YAMLError): Diagnostic {
  const firstLine = problem.message.split('\n')[0] ?? problem.message;
  let message = firstLine.replace(/ at line \d+, column \d+:?$/, '');
  if (problem.code === 'DUPLICATE_KEY') {
    const key = /^[^:\n]*/.exec(text.slice(problem.pos[0]))![0].trim();
    message = `duplicate key '${key}': a key may appear only once in a mapping`;
  }
  if (problem.code === 'TAG_RESOLVE_FAILED') message = `${message}: sitectl manifests are plain data, remove the tag`;
  if (problem.code === 'RESOURCE_EXHAUSTION') message = 'document is nested too deeply to be a manifest';
  return diagnostic('YamlSyntax', message, { source: positionAt(file, lines, problem.pos[0]) });
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
