/** stableHash is a short hash (32-bit FNV-1a, 8 hex digits) that is the same on every machine and run: it tells apart names that would otherwise be equal. */
export function stableHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
