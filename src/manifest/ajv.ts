import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { KINDS, type Kind } from '../model/manifest.js';
import { SCHEMAS } from './schemas.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as typeof addFormatsModule.default;

/**
 * createAjv configures ajv the one way sitectl uses it, with every kind's schema added: all
 * errors, each with its schema (for errorMessage), and the formats the schemas name. The
 * build precompiles validators from it; tests run from src/ compile them at start-up.
 */
export function createAjv(forStandaloneCode = false): Ajv2020 {
  // strictTypes would complain about if/then branches that only name properties; the schemas are checked by tests instead.
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    strict: true,
    strictTypes: false,
    strictRequired: false,
    logger: false,
    ...(forStandaloneCode ? { code: { source: true } } : {}),
  });
  addFormats(ajv, ['hostname', 'ipv4', 'ipv6']);
  // errorMessage is the annotation VS Code's and yaml-language-server's schema support read too.
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
  for (const kind of KINDS) ajv.addSchema(SCHEMAS[kind]);
  return ajv;
}

/** schemaIds maps each kind to its schema's $id. */
export function schemaIds(): Record<Kind, string> {
  return Object.fromEntries(KINDS.map((kind) => [kind, SCHEMAS[kind].$id as string])) as Record<Kind, string>;
}
