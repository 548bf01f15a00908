import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createAjv } from '../src/manifest/ajv.js';
import { SCHEMAS } from '../src/manifest/schemas.js';
import { KINDS } from '../src/model/manifest.js';
import { ROOT } from './support/cli.js';
import { yamlFiles } from './support/files.js';

type Schema = Record<string, unknown>;

/** Every property schema under `properties`, with its JSON path, anywhere in a schema. */
function properties(schema: unknown, at = '#'): [string, Schema][] {
  if (typeof schema !== 'object' || schema === null) return [];
  const found: [string, Schema][] = [];
  const entries: [string, unknown][] = Object.entries(schema);
  for (const [key, value] of entries) {
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      for (const [name, sub] of Object.entries(value)) found.push([`${at}/properties/${name}`, sub as Schema]);
    }
    if (key !== 'examples') found.push(...properties(value, `${at}/${key}`));
  }
  return found;
}

/** Properties declared where a user writes them (not in if/then/else branches, which only restrict). */
const declared = (schema: Schema) => properties(schema).filter(([p]) => !/\/(if|then|else)\//.test(p));

describe('schemas/', () => {
  it.each(KINDS)('%s has a stable versioned $id, a description on every property, and closed objects', (kind) => {
    const schema = SCHEMAS[kind];
    expect(schema.$id).toMatch(/^https:\/\/sitectl\.dev\/schemas\/v1\/[a-z]+\.schema\.json$/);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    for (const [where, property] of declared(schema)) {
      const described = typeof property.description === 'string' || typeof property.$ref === 'string';
      expect(described, `${kind} ${where} has no description`).toBe(true);
    }
    const objects = JSON.stringify(schema).match(/"type":"object"/g)?.length ?? 0;
    const closed = JSON.stringify(schema).match(/"additionalProperties":(false|\{"type":"string"\})/g)?.length ?? 0;
    expect(closed).toBe(objects);
  });

  it('shares identical $defs between SiteSystemServer and SiteSystemRole', () => {
    const server = SCHEMAS.SiteSystemServer.$defs as Record<string, unknown>;
    const role = SCHEMAS.SiteSystemRole.$defs as Record<string, unknown>;
    for (const name of Object.keys(role)) expect(role[name], name).toEqual(server[name]);
  });

  it("validates each schema's own examples", () => {
    const ajv = createAjv();
    for (const kind of KINDS) {
      const validate = ajv.getSchema(SCHEMAS[kind].$id as string)!;
      for (const example of SCHEMAS[kind].examples as unknown[])
        expect(validate(example), `${kind}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it.each(['examples/contoso', 'examples/gitops-repo'])('validates every %s manifest against the schema its modeline names', (folder) => {
    const ajv = createAjv();
    // Manifests only: the template's pipeline definitions are YAML too.
    const files = yamlFiles(path.join(ROOT, folder)).filter((f) => readFileSync(f, 'utf8').includes('apiVersion: sitectl/v1'));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const modeline = /^# yaml-language-server: \$schema=(\S+)$/.exec(readFileSync(file, 'utf8').split('\n')[0]);
      expect(modeline, file).not.toBeNull();
      // The template points at the installed package (node_modules/sitectl/schemas); here that is schemas/.
      const target = path
        .resolve(path.dirname(file), modeline![1])
        .replace(/.*node_modules\/sitectl\/schemas\//, path.join(ROOT, 'schemas') + '/');
      const schema = JSON.parse(readFileSync(target, 'utf8')) as Schema;
      const check = ajv.getSchema(schema.$id as string) ?? ajv.compile(schema);
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
        expect(check(doc.toJS()), `${file}: ${JSON.stringify(check.errors)}`).toBe(true);
      }
    }
  });
});

describe('precompiled validators', () => {
  it('report exactly what the validators compiled at start-up report', async () => {
    const { createRequire } = await import('node:module');
    const { schemaIds } = await import('../src/manifest/ajv.js');
    const precompiled = createRequire(import.meta.url)(path.join(ROOT, 'dist/manifest/validators.generated.cjs')) as Record<
      string,
      (data: unknown) => boolean
    >;
    const ajv = createAjv();
    const ids = schemaIds();
    const files = [...yamlFiles(path.join(ROOT, 'examples')), ...yamlFiles(path.join(ROOT, 'test/fixtures/hostile'))];
    let compared = 0;
    for (const file of files) {
      let docs: unknown[];
      try {
        docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as unknown);
      } catch {
        continue;
      }
      for (const doc of docs) {
        const kind = (doc as { kind?: string } | null)?.kind;
        if (!kind || !(kind in ids)) continue;
        const fast = precompiled[kind] as ((data: unknown) => boolean) & { errors?: unknown };
        const slow = ajv.getSchema(ids[kind as keyof typeof ids])!;
        expect(fast(doc)).toBe(slow(doc));
        expect(JSON.stringify(fast.errors ?? null)).toBe(JSON.stringify(slow.errors ?? null));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });
});
