import type { Document, LineCounter, Node } from 'yaml';
import type { SourcePosition } from '../model/diagnostic.js';
import type { Locator } from '../model/manifest.js';
import { yaml } from './yaml-library.js';

/** splitPointer turns a JSON pointer (`/spec/roles/0`) into its unescaped segments. */
export function splitPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * findNodeOffset walks a YAML document along a JSON pointer and returns the offset of the
 * node it names; `key` asks for the mapping key instead of its value. When the walk cannot
 * go on (a missing key, an alias), it stops at the deepest node it reached.
 */
export function findNodeOffset(doc: Document, pointer: string, target: 'key' | 'value' = 'value'): number {
  const { isMap, isPair, isScalar, isSeq } = yaml();
  const segments = splitPointer(pointer);
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const last = i === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === segment);
      if (!pair) break;
      const keyOffset = rangeStart(pair.key);
      const valueOffset = rangeStart(pair.value);
      if (last && target === 'key') return keyOffset ?? offset;
      // A key with no value (`proxy:`) has no node of its own: point at the key.
      offset = valueOffset ?? keyOffset ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item: unknown = node.items[Number(segment)];
      const itemOffset = rangeStart(item);
      if (itemOffset === undefined) break;
      offset = itemOffset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

/** makeLocator binds findNodeOffset to one document of one file. */
export function makeLocator(file: string, doc: Document, lines: LineCounter): Locator {
  return (pointer, target) => positionAt(file, lines, findNodeOffset(doc, pointer, target));
}

/** positionAt converts a character offset to a 1-based file position. */
export function positionAt(file: string, lines: LineCounter, offset: number): SourcePosition {
  const { line, col } = lines.linePos(offset);
  return { file, line, column: col };
}
