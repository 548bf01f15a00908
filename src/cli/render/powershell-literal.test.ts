import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { psComment, psLiteral, psString } from './powershell-literal.js';
import { runs } from '../../../test/support/runs.js';

// PowerShell's rule for single-quoted strings, as its tokenizer applies it: the string opens
// with any single-quote character (' U+2018 U+2019 U+201A U+201B); inside, a quote character
// followed by another quote character stands for the second one; a lone quote character ends
// the string. Nothing else ($, backtick, $( ), newlines) is special.
const QUOTES = new Set(["'", '\u2018', '\u2019', '\u201A', '\u201B']);

function readSingleQuoted(source: string, start: number): { value: string; end: number } {
  if (!QUOTES.has(source[start])) throw new Error('not a single-quoted string');
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= source.length) throw new Error('unterminated string');
    const c = source[i];
    if (QUOTES.has(c)) {
      if (i + 1 < source.length && QUOTES.has(source[i + 1])) {
        value += source[i + 1];
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
  .array(
    fc.oneof(
      fc.constantFrom(
        "'",
        '\u2018',
        '\u2019',
        '\u201A',
        '\u201B',
        '`',
        '$(',
        ')',
        '${',
        '}',
        ';',
        '|',
        '&',
        '\n',
        '\r\n',
        '"',
        '$x',
        '#',
        '<#',
        '#>',
        '@',
        '\u2028',
        '\u0085',
        '\0',
      ),
      fc.string({ unit: 'binary', maxLength: 4 }),
    ),
    { maxLength: 30 },
  )
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
      { numRuns: runs(5000) },
    );
  });

  it('doubles each kind of quote', () => {
    expect(psLiteral("CONTOSO\\o'brien")).toBe("'CONTOSO\\o''brien'");
    expect(psLiteral('a\u2019; Remove-Item C:\\ -Recurse; \u2018')).toBe("'a\u2019\u2019; Remove-Item C:\\ -Recurse; \u2018\u2018'");
  });
});

// A psString is a literal, or `(` literals and [char]0xXXXX codes joined by ` + ` `)`.
function readString(source: string, start: number): { value: string; end: number } {
  if (source[start] !== '(') return readSingleQuoted(source, start);
  let value = '';
  let i = start + 1;
  for (;;) {
    const code = /^\[char\]0x([0-9A-F]{4})/.exec(source.slice(i));
    if (code) {
      value += String.fromCharCode(parseInt(code[1], 16));
      i += code[0].length;
    } else {
      const literal = readSingleQuoted(source, i);
      value += literal.value;
      i = literal.end;
    }
    if (source[i] === ')') return { value, end: i + 1 };
    if (source.slice(i, i + 3) !== ' + ') throw new Error(`unexpected ${source.slice(i, i + 10)}`);
    i += 3;
  }
}

describe('psString', () => {
  it('is printable ASCII, reads back as exactly the input, and ends exactly where it ends', () => {
    fc.assert(
      fc.property(hostile, fc.string({ unit: 'binary' }), (text, other) => {
        for (const input of [text, other]) {
          const rendered = psString(input);
          expect(rendered).toMatch(/^[\x20-\x7e]*$/);
          const command = `Set-Thing -Name ${rendered} -Port 80`;
          const read = readString(command, command.indexOf(rendered));
          expect(read.value).toBe(input);
          expect(command.slice(read.end)).toBe(' -Port 80');
        }
      }),
      { numRuns: runs(5000) },
    );
  });

  it('is the plain literal for ASCII text, and spells out every other character', () => {
    expect(psString("CONTOSO\\o'brien")).toBe("'CONTOSO\\o''brien'");
    expect(psString('CONTOSO\\Ви')).toBe("('CONTOSO\\' + [char]0x0412 + [char]0x0438)");
    expect(psString('\u2019x')).toBe("('' + [char]0x2019 + 'x')");
  });
});

describe('psComment', () => {
  it('never lets text start a new line or end a block comment, and is printable ASCII', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const comment = psComment(text);
        expect(comment).toMatch(/^[\x20-\x7e]*$/);
        expect(comment).not.toContain('#>');
      }),
      { numRuns: runs(2000) },
    );
  });
});
