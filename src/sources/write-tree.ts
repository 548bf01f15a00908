import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { isManifestFile } from './read-sources.js';

/** TreeFile is one file to write: its path below the tree's root (with `/`) and its text. */
export interface TreeFile {
  readonly path: string;
  readonly text: string;
}

/** TreeWrite is what writing a tree did: refused (with why), or the files removed as left over from an earlier import. */
export type TreeWrite = { readonly written: false; readonly why: string } | { readonly written: true; readonly removed: readonly string[] };

/**
 * writeTree writes files below `root`, creating it when missing. A folder that already holds
 * anything but `.git` is refused unless `force`; with it, files of the same paths are replaced
 * and files that an earlier import wrote (they carry `marker` near their top) and this one does
 * not are removed, so a re-import leaves no stale server files. Every file is written whole
 * (temp file and rename) and only inside `root`, even when a folder on the way is a link.
 */
export function writeTree(root: string, files: readonly TreeFile[], options: { force: boolean; marker: string }): TreeWrite {
  const info = statSync(root, { throwIfNoEntry: false });
  if (info && !info.isDirectory()) return { written: false, why: `${root} is a file, not a folder` };
  const existing = info ? readdirSync(root).filter((name) => name !== '.git') : [];
  if (existing.length > 0 && !options.force) {
    return {
      written: false,
      why: `${root} is not empty (${existing.length} entr${existing.length === 1 ? 'y' : 'ies'}); import into a new or empty folder, or add --force to write into it`,
    };
  }
  const earlier = options.force && existing.length > 0 ? importedFiles(root, options.marker) : [];
  mkdirSync(root, { recursive: true });
  const realRoot = realpathSync(root);
  const folders = new Set<string>();
  const targets = files.map((file) => {
    const target = path.resolve(realRoot, ...file.path.split('/'));
    const folder = path.dirname(target);
    if (!folders.has(folder)) {
      makeFolderInside(realRoot, folder);
      folders.add(folder);
    }
    // A write through a link would land wherever it points, which may be outside.
    if (lstatSync(target, { throwIfNoEntry: false })?.isSymbolicLink()) throw new Error(`${target} is a link; no file was written`);
    return { target, text: file.text };
  });
  for (const { target, text } of targets) writeWhole(target, text);
  const kept = new Set(files.map((f) => path.resolve(realRoot, ...f.path.split('/'))));
  const removed = earlier.filter((file) => !kept.has(path.resolve(realRoot, path.relative(root, file))));
  for (const file of removed) unlinkSync(file);
  return { written: true, removed: removed.map((file) => path.relative(root, file).split(path.sep).join('/')) };
}

/** makeFolderInside makes a folder below root one level at a time, refusing a level that is a link leading out of root before anything is made there. */
function makeFolderInside(root: string, folder: string): void {
  let at = root;
  for (const part of path.relative(root, folder).split(path.sep).filter(Boolean)) {
    at = path.join(at, part);
    if (!statSync(at, { throwIfNoEntry: false })) mkdirSync(at);
    if (!inside(root, realpathSync(at))) throw new Error(`${at} leads outside ${root}; no file was written`);
  }
}

/**
 * writeWhole writes a file through a temporary file beside it, renamed over it, so that a
 * reader, or a crash, never sees part of it. Without fsync and synchronously: these are
 * manifests about to be committed, not state, and a site's thousand files are written
 * several times faster this way than through write-file-atomic's per-file bookkeeping.
 */
function writeWhole(target: string, text: string): void {
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** importedFiles finds the YAML files below a folder (hidden folders and node_modules left out) that carry the import marker in their first lines. */
function importedFiles(folder: string, marker: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.name.startsWith('.') || entry.name === 'node_modules') return [];
    if (entry.isDirectory()) return importedFiles(full, marker);
    if (!entry.isFile() || !isManifestFile(entry.name)) return [];
    const head = readFileSync(full, 'utf8').slice(0, 512).split('\n').slice(0, 3);
    return head.some((line) => line.startsWith(`# ${marker}`)) ? [full] : [];
  });
}

function inside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
