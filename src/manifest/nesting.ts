import type { CST } from 'yaml';
import { yaml } from './yaml-library.js';

/**
 * MAX_NESTING is the depth at which a document that ran a parser out of stack is reported.
 * A manifest needs fewer than ten levels, and parsers run out of stack in the hundreds, so
 * the first collection past this depth is always part of the problem.
 */
export const MAX_NESTING = 64;

/**
 * tooDeepOffset finds where a document is nested too deeply: the first collection, in
 * document order, that sits deeper than MAX_NESTING in the document holding `near`.
 *
 * A parser that runs out of stack reports wherever the stack happened to end, which moves
 * with the JIT and the stack size; this answer depends on the text alone. It walks the
 * concrete syntax tree, which the `yaml` parser builds without recursion, with an explicit
 * stack. Returns undefined when no collection is that deep.
 */
export function tooDeepOffset(text: string, near: number): number | undefined {
  const document = documentAt(text, near);
  if (!document?.value) return undefined;
  const pending: [CST.Token, number][] = [[document.value, 1]];
  while (pending.length > 0) {
    const [token, depth] = pending.pop()!;
    if (!('items' in token)) continue; // only collections nest
    if (depth > MAX_NESTING) return token.offset;
    const children: CST.Token[] = [];
    for (const item of token.items) {
      if (item.key) children.push(item.key);
      if (item.value) children.push(item.value);
    }
    // Pushed last-first so the walk visits them in document order.
    for (let i = children.length - 1; i >= 0; i--) pending.push([children[i], depth + 1]);
  }
  return undefined;
}

/** documentAt is the last CST document that starts at or before `offset`. */
function documentAt(text: string, offset: number): CST.Document | undefined {
  let found: CST.Document | undefined;
  for (const token of new (yaml().Parser)().parse(text)) {
    if (token.type !== 'document') continue;
    if (token.offset > offset) break;
    found = token;
  }
  return found;
}
