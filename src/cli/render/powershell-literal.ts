/**
 * PowerShell treats these as single quotes inside a single-quoted string: the ASCII
 * apostrophe and the typographic quotes U+2018, U+2019, U+201A and U+201B.
 */
export const POWERSHELL_SINGLE_QUOTES = /['\u2018\u2019\u201A\u201B]/g;

/**
 * psLiteral renders any text as a single-quoted PowerShell string. Inside one, nothing is
 * expanded ($, backtick, $( ) are plain characters) and a quote character is written twice,
 * so no text can end the string early and run as code.
 */
export function psLiteral(text: string): string {
  return `'${text.replace(POWERSHELL_SINGLE_QUOTES, (quote) => quote + quote)}'`;
}

// Printable ASCII is written as it is; every other character as its code.
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/;

/**
 * psString renders any text as a PowerShell expression made of ASCII alone: a single-quoted
 * literal (psLiteral) when the text is printable ASCII, as names almost always are; otherwise
 * a parenthesized concatenation of such literals and `[char]0xXXXX` codes, e.g.
 * `('CONTOSO\' + [char]0x0412 + [char]0x0438)`. Windows PowerShell 5.1 reads a script without
 * a BOM in the ANSI code page, and its `>` decodes a program's output with the console's code
 * page: a UTF-8 byte of a name would then become another character, possibly a quote. ASCII
 * reads the same in every code page, so the value arrives as written and nothing runs as code.
 */
export function psString(text: string): string {
  if (!NOT_PRINTABLE_ASCII.test(text)) return psLiteral(text);
  const parts: string[] = [];
  let plain = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i); // UTF-16 code units: [char] holds one, a pair makes a surrogate pair again
    if (unit >= 0x20 && unit <= 0x7e) {
      plain += text[i];
      continue;
    }
    if (plain) parts.push(psLiteral(plain));
    plain = '';
    parts.push(`[char]0x${unit.toString(16).toUpperCase().padStart(4, '0')}`);
  }
  if (plain) parts.push(psLiteral(plain));
  // A leading string makes `+` concatenate text; [char] + [char] would add numbers.
  if (!parts[0].startsWith("'")) parts.unshift("''");
  return `(${parts.join(' + ')})`;
}

/**
 * psComment makes text safe and ASCII inside a comment: anything that would start a new line
 * becomes a space, `#>` (which would end a block comment) becomes `# >`, and any other
 * character outside printable ASCII is written `<U+XXXX>`.
 */
export function psComment(text: string): string {
  return text
    .replace(/[\r\n\u0085\u2028\u2029\0]+/g, ' ')
    .replace(/#>/g, '# >')
    .replace(/[^\x20-\x7e]/g, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`);
}
