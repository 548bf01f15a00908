/** DecodeResult is a file's text, or the byte offset where it stops being UTF-8 text. */
export type DecodeResult =
  { readonly ok: true; readonly text: string } | { readonly ok: false; readonly offset: number; readonly reason: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * decodeText turns bytes into text, refusing binary input (a NUL byte) and invalid UTF-8
 * rather than letting the YAML parser make sense of garbage. A UTF-8 BOM is dropped.
 */
export function decodeText(bytes: Uint8Array): DecodeResult {
  if (isUtf16(bytes)) return { ok: false, offset: 0, reason: UTF16 };
  const nul = bytes.indexOf(0);
  if (nul !== -1) return { ok: false, offset: nul, reason: 'contains a NUL byte: this looks like a binary file, not YAML' };
  try {
    return { ok: true, text: strictUtf8.decode(bytes) };
  } catch {
    return { ok: false, offset: firstInvalidUtf8(bytes), reason: 'is not valid UTF-8 text' };
  }
}

const UTF16 = 'is UTF-16 text: save it as UTF-8 (Notepad: Save as, Encoding UTF-8; PowerShell: Set-Content -Encoding utf8)';

/** isUtf16 spots UTF-16 by its byte order mark, or by a NUL beside each of the first ASCII characters, as Windows PowerShell's Out-File writes it. */
function isUtf16(bytes: Uint8Array): boolean {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return true;
  if (bytes.length < 4) return false;
  const evenNul = bytes[1] === 0 && bytes[3] === 0 && bytes[0] !== 0 && bytes[2] !== 0;
  const oddNul = bytes[0] === 0 && bytes[2] === 0 && bytes[1] !== 0 && bytes[3] !== 0;
  return evenNul || oddNul;
}

/** firstInvalidUtf8 finds the offset of the first byte that breaks UTF-8, by decoding growing prefixes' boundaries. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (len === 0 || i + len > bytes.length) return i;
    try {
      strictUtf8.decode(bytes.subarray(i, i + len));
    } catch {
      return i;
    }
    i += len;
  }
  return 0;
}

/** lineAndColumn gives the 1-based line and column of a byte offset, counting columns in bytes. */
export function lineAndColumn(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
