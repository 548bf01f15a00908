/** SourceFile is one manifest file's raw bytes and the name diagnostics show for it. */
export interface SourceFile {
  /** Path as shown to the user (relative to the working folder when inside it), or `-` for standard input. */
  readonly file: string;
  readonly bytes: Uint8Array;
}
