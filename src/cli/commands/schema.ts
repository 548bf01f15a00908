import { KINDS, type Kind } from '../../model/manifest.js';
import { SCHEMAS } from '../../manifest/schemas.js';
import { closest } from '../../model/suggest.js';
import { UsageError, type ExitCode, type Io } from '../io.js';

/** findKind matches a kind name case-insensitively, as kubectl does for resource names. */
export function findKind(name: string): Kind {
  const kind = KINDS.find((k) => k.toLowerCase() === name.toLowerCase());
  if (!kind) {
    const near = closest(name, KINDS);
    throw new UsageError(`unknown kind '${name}'${near ? `; did you mean ${near}?` : ''} (kinds: ${KINDS.join(', ')})`);
  }
  return kind;
}

/** runSchema prints one kind's JSON Schema, or all of them keyed by kind. */
export function runSchema(kind: string | undefined, io: Io): ExitCode {
  const document = kind === undefined ? SCHEMAS : SCHEMAS[findKind(kind)];
  io.stdout(JSON.stringify(document, null, 2) + '\n');
  return 0;
}
