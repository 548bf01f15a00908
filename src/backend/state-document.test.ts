import { describe, expect, it } from 'vitest';
import { StateFileError } from './errors.js';
import type { LiveState } from '../model/live.js';
import { decodeLiveState, parseLiveState, serializeLiveState } from './state-document.js';

const TEXT = '{"apiVersion":"sitectl/v1","kind":"LiveState","revision":1,"sites":[],"servers":[],"accounts":["CONTOSO\\\\svc-ü"]}';

describe('decodeLiveState', () => {
  const utf16 = (text: string, bigEndian: boolean) => {
    const le = Buffer.from(text, 'utf16le');
    if (bigEndian) for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
    return Buffer.concat([Buffer.from(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]), le]);
  };

  it.each([
    ['UTF-8', Buffer.from(TEXT)],
    [
      'UTF-8 with a BOM, as Set-Content -Encoding utf8 writes in Windows PowerShell 5.1',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)]),
    ],
    ['UTF-16 LE with a BOM, as Out-File and > write', utf16(TEXT, false)],
    ['UTF-16 BE with a BOM', utf16(TEXT, true)],
  ])('reads %s', (_what, bytes) => {
    expect(decodeLiveState(bytes)).toBe(TEXT);
  });

  it.each([
    ['UTF-8', [0xef, 0xbb, 0xbf]],
    ['UTF-16 LE', [0xff, 0xfe]],
    ['UTF-16 BE', [0xfe, 0xff]],
  ])('takes only a whole %s byte order mark as one: text that starts with part of one is read as UTF-8', (_what, bom) => {
    for (let i = 0; i < bom.length; i++) {
      const bytes = Buffer.from([...bom.map((b, j) => (j === i ? 0x20 : b)), ...Buffer.from(TEXT)]);
      expect(decodeLiveState(bytes)).toBe(bytes.toString('utf8'));
    }
  });

  it('reads bytes that are a view into a larger buffer', () => {
    const padded = Buffer.concat([Buffer.from('xx'), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT), Buffer.from('yy')]);
    expect(decodeLiveState(padded.subarray(2, padded.length - 2))).toBe(TEXT);
    expect(decodeLiveState(padded.subarray(5, padded.length - 2))).toBe(TEXT);
  });
});

describe('parseLiveState', () => {
  it('reads a LiveState document', () => {
    expect(parseLiveState(TEXT, 'state.json')).toEqual(JSON.parse(TEXT));
  });

  it.each([
    ['an empty file', '', 'state.json:1:1: not valid JSON (value expected); the file was left as it is'],
    [
      'a missing comma',
      '{\n  "revision": 1\n  "servers": []\n}',
      'state.json:3:3: not valid JSON (comma expected); the file was left as it is',
    ],
    ['a trailing comma', '{"revision": 1,}', 'state.json:1:16: not valid JSON (property name expected); the file was left as it is'],
    ['a comment', '// state\n{}', 'state.json:1:1: not valid JSON (invalid comment token); the file was left as it is'],
    [
      'another document',
      '{"apiVersion":"sitectl/v1","kind":"Plan"}',
      "state.json: not a LiveState document: (document) must have required property 'revision'; the file was left as it is",
    ],
    [
      'a proxy without a port',
      '{"apiVersion":"sitectl/v1","kind":"LiveState","revision":1,"sites":[],"servers":[{"name":"a","site":"P01","proxy":{"server":"p","account":null},"roles":[]}]}',
      "state.json: not a LiveState document: /servers/0/proxy must have required property 'port'; the file was left as it is",
    ],
  ])('refuses %s, naming the file and where', (_what, text, message) => {
    expect(() => parseLiveState(text, 'state.json')).toThrow(new StateFileError(message));
  });
});

describe('serializeLiveState', () => {
  it('writes one entry per line, and what it writes reads back the same', () => {
    const state = parseLiveState(TEXT, 'x');
    const text = serializeLiveState({
      ...state,
      servers: [
        { name: 'a', site: 'P01', proxy: null, roles: [] },
        { name: 'b', site: 'P01', proxy: null, roles: [] },
      ],
    }).toString('utf8');
    expect(text.split('\n').filter((l) => l.includes('"name"'))).toHaveLength(2);
    expect(parseLiveState(text, 'x').servers.map((s) => s.name)).toEqual(['a', 'b']);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('writes the layout a state file has in a diff: lists one entry a line, bookkeeping one server a line, empty lists inline', () => {
    const text = serializeLiveState({
      apiVersion: 'sitectl/v1',
      kind: 'LiveState',
      revision: 3,
      sites: [{ code: 'P01', type: 'PrimarySite', version: 2509, siteServer: 'cm01.contoso.com' }],
      servers: [],
      accounts: ['CONTOSO\\svc-a', 'CONTOSO\\svc-b'],
      managed: {
        note: 'kept',
        servers: {
          'dp1.contoso.com': { proxy: null, roles: [], revision: 2 },
          'dp2.contoso.com': { roles: [{ type: 'DistributionPoint' }], revision: 3 },
        },
      },
    } as LiveState).toString('utf8');
    expect(text).toBe(
      [
        '{',
        '  "apiVersion": "sitectl/v1",',
        '  "kind": "LiveState",',
        '  "revision": 3,',
        '  "sites": [',
        '    {"code":"P01","type":"PrimarySite","version":2509,"siteServer":"cm01.contoso.com"}',
        '  ],',
        '  "servers": [],',
        '  "accounts": [',
        '    "CONTOSO\\\\svc-a",',
        '    "CONTOSO\\\\svc-b"',
        '  ],',
        '  "managed": {',
        '    "note": "kept",',
        '    "servers": {',
        '      "dp1.contoso.com": {"proxy":null,"roles":[],"revision":2},',
        '      "dp2.contoso.com": {"roles":[{"type":"DistributionPoint"}],"revision":3}',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('writes bookkeeping with no servers as an empty object', () => {
    const text = serializeLiveState({ ...parseLiveState(TEXT, 'x'), managed: { servers: {} } }).toString('utf8');
    expect(text.endsWith('  "managed": {\n    "servers": {}\n  }\n}\n')).toBe(true);
  });
});
