import { describe, expect, it } from 'vitest';
import { parseSource } from './parse.js';

const parse = (text: string | Uint8Array) =>
  parseSource({ file: 'm.yaml', bytes: typeof text === 'string' ? new TextEncoder().encode(text) : text });

describe('parseSource', () => {
  it('keeps every non-empty document with its index, skipping empty ones', () => {
    const result = parse('a: 1\n---\n# only a comment\n---\nb: 2\n---\n');
    expect(result.diagnostics).toEqual([]);
    expect(result.documents.map((d) => [d.index, d.value])).toEqual([
      [0, { a: 1 }],
      [2, { b: 2 }],
    ]);
  });

  it('locates nodes of a later document by their line in the file', () => {
    const result = parse('a: 1\n---\nspec:\n  roles:\n    - type: X\n      proxy: { ref: corp }\n');
    const doc = result.documents[1];
    expect(doc.locate('/spec/roles/0/proxy/ref')).toEqual({ file: 'm.yaml', line: 6, column: 21 });
    expect(doc.locate('/spec/roles/0/proxy', 'key')).toEqual({ file: 'm.yaml', line: 6, column: 7 });
    // A missing key falls back to the deepest node that exists: the mapping that lacks it.
    expect(doc.locate('/spec/roles/0/port')).toEqual({ file: 'm.yaml', line: 5, column: 7 });
  });

  it('counts columns after a BOM the way editors do, and handles CRLF', () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('a: 1\r\nb:\r\n  c: 2\r\n')]);
    const doc = parse(bom).documents[0];
    expect(doc.value).toEqual({ a: 1, b: { c: 2 } });
    expect(doc.locate('/a')).toEqual({ file: 'm.yaml', line: 1, column: 4 });
    expect(doc.locate('/b/c')).toEqual({ file: 'm.yaml', line: 3, column: 6 });
  });

  it('reads YAML 1.1 booleans and octal-looking numbers as YAML 1.2 does', () => {
    expect(parse('a: yes\nb: on\nc: 0755\nd: 0o17\n').documents[0].value).toEqual({ a: 'yes', b: 'on', c: 755, d: 15 });
  });

  it.each([
    ['a duplicate key', 'a: 1\nb: 2\na: 3\n', 3, 1, "duplicate key 'a'"],
    ['a tag', 'a: !!js/function "x"\n', 1, 4, 'remove the tag'],
    ['a custom local tag', 'a: !secret x\n', 1, 4, 'remove the tag'],
    [
      'an alias bomb',
      'a: &a [1,1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n',
      2,
      8,
      'alias bomb',
    ],
  ])('reports %s as YamlSyntax and drops the document', (_name, text, line, column, words) => {
    const result = parse(text);
    expect(result.documents).toEqual([]);
    expect(result.diagnostics[0]).toMatchObject({ code: 'YamlSyntax', severity: 'error', source: { file: 'm.yaml', line, column } });
    expect(result.diagnostics[0].message).toContain(words);
  });

  it('reports a document nested too deeply at the same place however much stack is left', () => {
    // 3,000 levels of block mappings: deeper than either parser's stack allows.
    const text = Array.from({ length: 3000 }, (_, depth) => `${' '.repeat(depth)}k:`).join('\n') + ' 1\n';
    const withStackUsed = (frames: number): unknown => (frames === 0 ? parse(text).diagnostics : withStackUsed(frames - 1));
    const expected = [
      {
        severity: 'error',
        code: 'YamlSyntax',
        message: 'document is nested too deeply to be a manifest',
        source: { file: 'm.yaml', line: 65, column: 65 },
      },
    ];
    for (const frames of [0, 500, 2000]) expect(withStackUsed(frames)).toEqual(expected);
  });

  it('keeps the other documents of a file when one is broken', () => {
    const result = parse('a: 1\n---\nb: [1\n---\nc: 3\n');
    expect(result.documents.map((d) => d.value)).toEqual([{ a: 1 }, { c: 3 }]);
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0].source!.line).toBe(4);
  });

  it('refuses invalid UTF-8 at the offending byte', () => {
    const bytes = new Uint8Array([0x61, 0x3a, 0x20, 0x31, 0x0a, 0x62, 0x3a, 0x20, 0xc3, 0x28]);
    expect(parse(bytes).diagnostics[0]).toMatchObject({ code: 'YamlSyntax', source: { line: 2, column: 4 } });
  });
});
