import { createHash } from 'node:crypto';

/** SourceFile is one manifest file's raw bytes and the name diagnostics show for it. */
export interface SourceFile {
  /** Path as shown to the user (relative to the working folder when inside it), or `-` for standard input. */
  readonly file: string;
  readonly bytes: Uint8Array;
}

const hashes = new WeakMap<Uint8Array, string>();

/**
 * contentHash identifies a file's content, so unchanged files can be recognised without
 * parsing them. Computed once per buffer: several stages ask for the same file's hash.
 */
export function contentHash(bytes: Uint8Array): string {
  let hash = hashes.get(bytes);
  if (hash === undefined) {
    hash = createHash('sha256').update(bytes).digest('hex');
    hashes.set(bytes, hash);
  }
  return hash;
}
