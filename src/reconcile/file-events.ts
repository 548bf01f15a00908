import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { isManifestFile } from '../sources/read-sources.js';

/**
 * isIgnored drops what is not a manifest: hidden files and folders (.git, editor state) and
 * files other than .yaml/.yml, such as editor swap and backup files (.swp, ~, 4913, .tmp).
 */
export function isIgnored(root: string, file: string, isFile: boolean | undefined): boolean {
  const relative = path.relative(root, file);
  if (relative === '' || relative.startsWith('..')) return false;
  if (relative.split(path.sep).some((part) => part.startsWith('.') || part.startsWith('#'))) return true;
  return isFile === true && !isManifestFile(file);
}

/**
 * watchManifests watches folders (not files one by one) and calls `changed` for any add,
 * change or removal of a manifest, including atomic saves that rename a temporary file over
 * it. What changed is not passed on: a pass always re-reads everything (level-based).
 */
export async function watchManifests(roots: readonly string[], changed: () => void, failed: (error: unknown) => void): Promise<FSWatcher> {
  const watcher = watch([...roots], {
    ignoreInitial: true,
    ignored: (file, stats) => roots.some((root) => isIgnored(root, file, stats?.isFile())),
  });
  watcher.on('all', (event, file) => {
    if (event === 'addDir' || (event !== 'unlinkDir' && !isManifestFile(file))) return;
    changed();
  });
  watcher.on('error', failed);
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return watcher;
}
