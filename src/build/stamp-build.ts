// Build step (npm run build), after the validators are compiled: writes dist/build-id.json, a
// digest of everything the build produced and of the schemas. Caches made by one build are
// never read by another, so a change of code or schema can never be answered from a cache.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const root = path.dirname(dist);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? files(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
    .filter((file) => /\.(c?js|json)$/.test(file) && path.basename(file) !== 'build-id.json')
    .sort();
}

const digest = createHash('sha256');
for (const file of [path.join(root, 'package.json'), ...files(dist), ...files(path.join(root, 'schemas'))]) {
  digest.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
}
writeFileSync(path.join(dist, 'build-id.json'), JSON.stringify({ id: digest.digest('hex') }) + '\n');
