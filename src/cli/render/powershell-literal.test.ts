import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { psComment, psLiteral } from './powershell-literal.js';

// PowerShell's rule for single-quoted strings, as its tokenizer applies it: the string opens
// with any single-quote character (' U+2018 U+2019 U+201A U+201B); inside, a quote character
// followed by another quote character stands for the second one; a lone quote character ends
// the string. Nothing else ($, backtick, $( ), newlines) is special.
const QUOTES = new Set(["'", '\u2018', '\u2019', '\u201A', '\u201B']);

function readSingleQuoted(source: string, start: number): { value: string; end: number } {
  if (!QUOTES.has(source[start]!)) throw new Error('not a single-quoted string');
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= source.length) throw new Error('unterminated string');
    const c = source[i]!;
    if (QUOTES.has(c)) {
      if (i + 1 < source.length && QUOTES.has(source[i + 1]!)) {
        value += source[i + 1]!;
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += c;
    i++;
  }
}

const hostile = fc
  .array(fc.oneof(fc.constantFrom("'", '\u2018', '\u2019', '\u201A', '\u201B', '`', '$(', ')', '${', '}', ';', '|', '&', '\n', '\r\n', '"', '$x', '#', '<#', '#>', '@', '\u2028', '\u0085', '\0'), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 30 })
  .map((parts) => parts.join(''));

describe('psLiteral', () => {
  it('reads back as exactly the input, and ends exactly where the literal ends', () => {
    fc.assert(
      fc.property(hostile, fc.string({ unit: 'binary' }), (text, other) => {
        for (const input of [text, other]) {
          const command = `Set-Thing -Name ${psLiteral(input)} -Port 80`;
          const start = command.indexOf(psLiteral(input));
          const read = readSingleQuoted(command, start);
          expect(read.value).toBe(input);
          expect(command.slice(read.end)).toBe(' -Port 80');
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('doubles each kind of quote', () => {
    expect(psLiteral("CONTOSO\\o'brien")).toBe("'CONTOSO\\o''brien'");
    expect(psLiteral('a\u2019; Remove-Item C:\\ -Recurse; \u2018')).toBe("'a\u2019\u2019; Remove-Item C:\\ -Recurse; \u2018\u2018'");
  });
});

describe('psComment', () => {
  it('never lets text start a new line', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        expect(psComment(text)).not.toMatch(/[\r\n\u0085\u2028\u2029\0]/);
      }),
      { numRuns: 2000 },
    );
  });
});
