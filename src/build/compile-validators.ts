// Build step (npm run build): writes the schemas' validators as precompiled code into
// dist/manifest/, so the CLI does not spend a fifth of a second compiling them on every start.
import { writeFileSync } from 'node:fs';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { createAjv, schemaIds } from '../manifest/ajv.js';

// ajv's standalone module is CommonJS; under NodeNext its default export arrives as the module object.
const standaloneCode = ((standaloneModule as unknown as { default?: unknown }).default ??
  standaloneModule) as unknown as typeof standaloneModule.default;
const target = new URL('../manifest/validators.generated.cjs', import.meta.url);
writeFileSync(target, standaloneCode(createAjv(true), schemaIds()));
