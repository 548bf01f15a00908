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

/** psComment makes text safe inside a `#` line comment: anything that would start a new line becomes a space. */
export function psComment(text: string): string {
  return text.replace(/[\r\n\u0085\u2028\u2029\0]+/g, ' ');
}
