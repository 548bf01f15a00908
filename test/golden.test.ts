import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Plan } from '../src/model/plan.js';
import { ROOT, sitectl } from './support/cli.js';
import { parseJson } from './support/json.js';

// Each folder under test/golden holds manifests/, live.json and the expected output of
// `sitectl plan --prune --detailed-exitcode --live live.json` in each format. UPDATE_GOLDEN=1 rewrites them; review the diff.
const GOLDEN = path.join(ROOT, 'test/golden');
const FORMATS = [
  ['text', 'expected.txt'],
  ['json', 'expected.json'],
  ['patch', 'expected.patch.json'],
  ['powershell', 'expected.ps1'],
  ['markdown', 'expected.md'],
] as const;

const GRAPHS = [
  ['mermaid', 'expected.mmd'],
  ['dot', 'expected.dot'],
] as const;

describe.each(readdirSync(GOLDEN))('golden %s', (name) => {
  const dir = path.relative(ROOT, path.join(GOLDEN, name));
  it.concurrent.each(FORMATS)('prints -o %s as expected', async (format, file) => {
    const result = await sitectl([
      'plan',
      '-f',
      `${dir}/manifests`,
      '--live',
      `${dir}/live.json`,
      '--prune',
      '--detailed-exitcode',
      '-o',
      format,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const expectedFile = path.join(ROOT, dir, file);
    if (process.env.UPDATE_GOLDEN) writeFileSync(expectedFile, result.stdout);
    expect(result.stdout).toBe(readFileSync(expectedFile, 'utf8'));
  });

  it('prints -o yaml as the JSON plan has it, without anchors and without the bookkeeping record', async () => {
    const args = ['plan', '-f', `${dir}/manifests`, '--live', `${dir}/live.json`, '--prune'];
    const [asYaml, asJson] = await Promise.all([sitectl([...args, '-o', 'yaml']), sitectl([...args, '-o', 'json'])]);
    expect(asYaml.stdout).not.toMatch(/(^|\s)[&*]a\d+/m);
    expect(asYaml.stdout).not.toMatch(/^\s*record:/m);
    const json = parseJson<Plan>(asJson.stdout);
    expect(parse(asYaml.stdout)).toEqual({ ...json, changes: json.changes.map(({ record: _r, ...c }) => c) });
  });

  it.concurrent.each(GRAPHS)('draws graph -o %s as expected', async (format, file) => {
    const result = await sitectl(['graph', '-f', `${dir}/manifests`, '--live', `${dir}/live.json`, '-o', format]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const expectedFile = path.join(ROOT, dir, file);
    if (process.env.UPDATE_GOLDEN) writeFileSync(expectedFile, result.stdout);
    expect(result.stdout).toBe(readFileSync(expectedFile, 'utf8'));
  });
});
