// The parse floor: a process that only finds, reads and parses the manifest files with
// js-yaml, doing nothing else. sitectl's cold runs are reported as a ratio against it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import jsYaml from 'js-yaml';

let documents = 0;
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (/\.ya?ml$/.test(entry.name))
      documents += jsYaml.loadAll(readFileSync(full, 'utf8'), undefined, { schema: jsYaml.CORE_SCHEMA }).length;
  }
};
walk(process.argv[2]);
console.log(`${documents} documents`);
