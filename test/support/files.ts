import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** yamlFiles lists every .yaml/.yml file below a folder, recursively. */
export function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? yamlFiles(full) : /\.ya?ml$/.test(name) ? [full] : [];
  });
}
