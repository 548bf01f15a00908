import { readFile } from 'node:fs/promises';
import type { LiveState } from '../../src/model/live.js';
import type { ManagedRecord, Plan } from '../../src/model/plan.js';
import type { NotWritten } from '../../src/backend/backend.js';

// JSON.parse answers `any`; these give what sitectl prints or writes the shape the test expects of it.

/** parseJson reads JSON text as a document of the shape T. */
export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** readJson reads a JSON file as a document of the shape T. */
export async function readJson<T>(file: string): Promise<T> {
  return parseJson<T>(await readFile(file, 'utf8'));
}

/** ApplyReport is what `apply -o json` prints (SPEC section 5): the plan it executed, whether it wrote, and the live revision after. */
export interface ApplyReport extends Plan {
  readonly applied: boolean;
  readonly revision: number | null;
  readonly notWritten?: readonly NotWritten[];
}

/** WrittenState is a state file that an apply has written: a LiveState that holds sitectl's bookkeeping. */
export interface WrittenState extends LiveState {
  readonly managed: { readonly servers: Readonly<Record<string, ManagedRecord>> };
}
