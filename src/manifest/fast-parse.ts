import jsYaml from 'js-yaml';
import type { Document, LineCounter } from 'yaml';
import type { Locator } from '../model/manifest.js';
import { makeLocator } from './locate.js';
import { yaml } from './yaml-library.js';

/** PRECISE_OPTIONS are the `yaml` parser's settings everywhere sitectl uses it: YAML 1.2 core, duplicate keys refused. */
export const PRECISE_OPTIONS = { prettyErrors: false, uniqueKeys: true, version: '1.2', schema: 'core' } as const;

/**
 * NEEDS_PRECISE_PARSER spots what only the precise parser handles exactly as sitectl wants:
 * anchors and aliases (bounded expansion), directives (%YAML 1.1), and explicit tags.
 */
const NEEDS_PRECISE_PARSER = /(^|[\s,[{:?-])[&*!][^\s,[\]{}]|^%/m;

/**
 * fastValues reads every document of a text with js-yaml (about ten times faster than the
 * precise parser) under the YAML 1.2 core schema, or answers undefined when the text needs
 * the precise parser: anything it rejects or might read differently goes there instead, so
 * the fast path never decides what an error is or where it is.
 */
export function fastValues(text: string): unknown[] | undefined {
  if (NEEDS_PRECISE_PARSER.test(text)) return undefined;
  try {
    return jsYaml.loadAll(text, undefined, { schema: jsYaml.CORE_SCHEMA, json: false });
  } catch {
    return undefined;
  }
}

/**
 * lazyLocators gives each non-empty document of a file a locator that parses the file with
 * the precise parser only when a position is first asked for, which happens only for files
 * with diagnostics. Documents are matched by their order among the non-empty ones.
 */
export function lazyLocators(file: string, text: string): (ordinal: number) => Locator {
  let parsed: { documents: Document[]; lines: LineCounter } | undefined;
  const precise = () => {
    if (!parsed) {
      const { isScalar, LineCounter, parseAllDocuments } = yaml();
      const lines = new LineCounter();
      const all = parseAllDocuments(text, { ...PRECISE_OPTIONS, lineCounter: lines });
      const documents = (Array.isArray(all) ? all : []).filter(
        (d) => d.contents !== null && !(isScalar(d.contents) && d.contents.value === null),
      );
      parsed = { documents, lines };
    }
    return parsed;
  };
  return (ordinal) => (pointer, target) => {
    const { documents, lines } = precise();
    const document = documents[ordinal];
    // js-yaml read a text the precise parser does not read the same way (a multi-line quoted
    // scalar indented too little, say): the problem is still reported, at the file's start.
    if (!document) return { file, line: 1, column: 1 };
    return makeLocator(file, document, lines)(pointer, target);
  };
}
