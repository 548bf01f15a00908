import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SCHEMAS } from '../src/manifest/schemas.js';
import { KINDS } from '../src/model/manifest.js';
import { ROOT } from './support/cli.js';

type Schema = Record<string, unknown>;

/** Every property schema under `properties`, with its JSON path, anywhere in a schema. */
function properties(schema: unknown, at = '#'): [string, Schema][] {
  if (typeof schema !== 'object' || schema === null) return [];
  const found: [string, Schema][] = [];
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      for (const [name, sub] of Object.entries(value)) found.push([`${at}/properties/${name}`, sub as Schema]);
    }
    if (key !== 'examples') found.push(...properties(value, `${at}/${key}`));
  }
  return found;
}

/** Properties declared where a user writes them (not in if/then/else branches, which only restrict). */
const declared = (schema: Schema) => properties(schema).filter(([p]) => !/\/(if|then|else)\//.test(p));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : /\.ya?ml$/.test(name) ? [full] : [];
  });
}

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
    const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as typeof addFormatsModule.default;
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    for (const kind of KINDS) {
      const validate = ajv.compile(SCHEMAS[kind]);
      for (const example of SCHEMAS[kind].examples as unknown[]) expect(validate(example), `${kind}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('is what every examples/contoso manifest names in its yaml-language-server modeline', () => {
    for (const file of files(path.join(ROOT, 'examples/contoso'))) {
      const text = readFileSync(file, 'utf8');
      const modeline = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text.split('\n')[0]!);
      expect(modeline, file).not.toBeNull();
      const schema = JSON.parse(readFileSync(path.resolve(path.dirname(file), modeline![1]!), 'utf8')) as Schema;
      const kinds = parseAllDocuments(text).map((d) => (d.toJS() as { kind: string }).kind);
      expect(new Set(kinds), file).toEqual(new Set([schema.title]));
    }
  });
});
