import type { Ajv2020 } from 'ajv/dist/2020.js';
import type addFormatsModule from 'ajv-formats';
import { KINDS, type Kind } from '../model/manifest.js';
import { packageRequire, RUNNING_FROM_SOURCES } from '../package-files.js';
import { SCHEMAS, type JsonSchema } from './schemas.js';

// ajv is loaded only when something is compiled: the build precompiles the validators, so a
// normal run never pays for loading the compiler.

/** LIVE_STATE_SCHEMA is the JSON Schema of the LiveState document (schemas/livestate.schema.json). */
export const LIVE_STATE_SCHEMA = packageRequire('./schemas/livestate.schema.json') as JsonSchema;

/**
 * createAjv configures ajv the one way sitectl uses it, with every kind's schema and the
 * LiveState schema added: all errors, each with its schema (for errorMessage), and the
 * formats the schemas name. The build precompiles validators from it; tests that run from
 * src/ compile them at start-up.
 */
export function createAjv(forStandaloneCode = false): Ajv2020 {
  const { Ajv2020 } = packageRequire('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const formats = packageRequire('ajv-formats') as typeof addFormatsModule & { default?: typeof addFormatsModule.default };
  const addFormats = formats.default ?? formats;
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
  ajv.addSchema(LIVE_STATE_SCHEMA);
  return ajv;
}

/** ValidatorName is a kind, or LiveState for the live-state document. */
export type ValidatorName = Kind | 'LiveState';

/** schemaIds maps each kind, and LiveState, to its schema's $id. */
export function schemaIds(): Record<ValidatorName, string> {
  return {
    ...(Object.fromEntries(KINDS.map((kind) => [kind, SCHEMAS[kind].$id as string])) as Record<Kind, string>),
    LiveState: LIVE_STATE_SCHEMA.$id as string,
  };
}

/** Validators are ready validation functions by name. */
export type Validators = Record<ValidatorName, import('ajv').ValidateFunction>;

let loaded: Validators | undefined;

/**
 * validators gives the validators the build precompiled, or compiles them: always when
 * running from sources (as tests do), so those never meet validators of an older build.
 * Loaded once per process.
 */
export function validators(): Validators {
  return (loaded ??= (RUNNING_FROM_SOURCES ? undefined : precompiled()) ?? compileValidators());
}

function precompiled(): Validators | undefined {
  try {
    return packageRequire('./dist/manifest/validators.generated.cjs') as Validators;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String(error).includes('validators.generated')) return undefined;
    throw error;
  }
}

function compileValidators(): Validators {
  const ajv = createAjv();
  return Object.fromEntries(Object.entries(schemaIds()).map(([name, id]) => [name, ajv.getSchema(id)!])) as Validators;
}
