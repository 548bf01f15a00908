import { closeSync, openSync, readdirSync, readFileSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { diagnostic, type Diagnostic } from '../model/diagnostic.js';
import { KINDS } from '../model/manifest.js';
import type { SourceFile } from '../manifest/source.js';

/** STDIN names standard input among the manifest paths, as `-f -`. */
export const STDIN = '-';

/** SourceSet is what `-f` paths yield: the files' bytes, problems finding them, and the files a folder walk left out. */
export interface SourceSet {
  readonly sources: SourceFile[];
  readonly diagnostics: Diagnostic[];
  /** YAML files found in folders that hold no sitectl manifest (a pipeline's own files), as shown to the user. */
  readonly leftOut: string[];
}

/** isManifestFile tells a manifest by its name: .yaml or .yml, in any case. */
export const isManifestFile = (name: string): boolean => /\.ya?ml$/i.test(name);

/** IGNORE_FILE, in a folder given with -f, lists in gitignore syntax the files below it that are not manifests. */
export const IGNORE_FILE = '.sitectlignore';

/** MAX_MANIFEST_BYTES bounds one file, so a runaway file is an error rather than a memory blow-up. */
export const MAX_MANIFEST_BYTES = 32 * 1024 * 1024;

/** KnownBytes are files as read before, by the name a SourceFile gives them. */
export type KnownBytes = ReadonlyMap<string, Uint8Array>;

/** Walk is one folder walk's context: where results go, and the folder given with -f, with its ignore rules. */
interface Walk {
  readonly cwd: string;
  readonly visited: Set<string>;
  readonly set: SourceSet;
  readonly known: KnownBytes | undefined;
  readonly root: string;
  readonly ignored: Ignore | undefined;
}

/**
 * readSources reads every manifest file the `-f` paths name: a file as given, a folder
 * recursively (`.yaml`/`.yml` only, sorted, hidden folders skipped, each real folder once so
 * symlink loops end), `-` from standard input. A folder walk leaves out the files its
 * `.sitectlignore` lists and the YAML files that hold something other than sitectl manifests
 * (a repository's CI pipeline, say), and names the latter in `leftOut`; a file named itself is
 * always read. A missing path, or no manifests at all, is NoManifests. A file that holds the
 * same bytes as in `known` is given back as that very buffer: a watcher that reads hundreds
 * of unchanged files every pass then neither keeps new copies of them nor hashes them again.
 */
export async function readSources(
  paths: readonly string[],
  readStdin: () => Promise<Uint8Array>,
  cwd = process.cwd(),
  known?: KnownBytes,
): Promise<SourceSet> {
  const set: SourceSet = { sources: [], diagnostics: [], leftOut: [] };
  const visited = new Set<string>();
  for (const given of paths) {
    if (given === STDIN) {
      set.sources.push({ file: STDIN, bytes: await readStdin() });
      continue;
    }
    const absolute = path.resolve(cwd, given);
    const info = statOrError(absolute);
    if (info instanceof Error) {
      const why = info.code === 'ENOENT' ? 'does not exist' : `cannot be read (${info.code ?? info.message})`;
      set.diagnostics.push(diagnostic('NoManifests', `${given} ${why}`));
      continue;
    }
    const before = set.sources.length;
    if (info.isDirectory()) walk(absolute, { cwd, visited, set, known, root: absolute, ignored: ignoreRules(absolute) });
    else readOne(absolute, cwd, set, known);
    if (set.sources.length === before && info.isDirectory()) {
      set.diagnostics.push(diagnostic('NoManifests', `no .yaml or .yml files with sitectl manifests found under ${given}`));
    }
  }
  return set;
}

// Files are read synchronously: a folder of hundreds of small files reads several times faster
// than with one awaited read per file, and a command has nothing else to do meanwhile.
function walk(folder: string, ctx: Walk): void {
  const real = realpathSync(folder);
  if (ctx.visited.has(real)) return; // a symlink back into a folder already read
  ctx.visited.add(real);
  const entries = readdirSync(folder, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue; // .git, editor folders
    const full = path.join(folder, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = statOrError(full);
      if (target instanceof Error) continue; // dangling link
      isDirectory = target.isDirectory();
      isFile = target.isFile();
    }
    const relative = path.relative(ctx.root, full).split(path.sep).join('/');
    if (ctx.ignored?.ignores(isDirectory ? `${relative}/` : relative)) continue;
    if (isDirectory) walk(full, ctx);
    else if (isFile && isManifestFile(entry.name)) {
      const before = ctx.set.sources.length;
      readOne(full, ctx.cwd, ctx.set, ctx.known);
      const read = ctx.set.sources[before];
      if (read && !mayHoldManifests(read.bytes)) {
        ctx.set.sources.pop();
        ctx.set.leftOut.push(read.file);
      }
    }
  }
}

/** ignoreRules reads a folder's .sitectlignore, if it has one. */
function ignoreRules(folder: string): Ignore | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(folder, IGNORE_FILE), 'utf8');
  } catch {
    return undefined;
  }
  return ignore().add(text);
}

/**
 * mayHoldManifests tells whether a file found in a folder can be sitectl's: it names the
 * sitectl apiVersion or one of its kinds, holds nothing but comments and separators, or is
 * not UTF-8 text (the parser then says what it is). Anything else is someone else's YAML.
 */
function mayHoldManifests(bytes: Uint8Array): boolean {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
  if (text.includes('\u0000') || text.includes('\ufffd')) return true;
  if (SITECTL_API_VERSION.test(text) || SITECTL_KIND.test(text)) return true;
  return !/^(?!\s*(#|---|\.\.\.|$)).+/m.test(text);
}

// Case aside, so that a manifest with its keys or kind miswritten is still read, and refused.
const SITECTL_API_VERSION = /(^|[\s{,])["']?apiVersion["']?\s*:\s*["']?sitectl\//im;
const SITECTL_KIND = new RegExp(`(^|[\\s{,])["']?kind["']?\\s*:\\s*["']?(${KINDS.join('|')})["']?\\s*($|[,}#])`, 'im');

function readOne(absolute: string, cwd: string, { sources, diagnostics }: SourceSet, known: KnownBytes | undefined): void {
  const file = displayPath(absolute, cwd);
  const at = { source: { file, line: 1, column: 1 } };
  try {
    // Only regular files: reading a FIFO or a device would block or never end.
    const info = statSync(absolute);
    if (!info.isFile()) {
      diagnostics.push(diagnostic('YamlSyntax', 'not a regular file (a pipe, socket or device?); manifests are files', at));
      return;
    }
    if (info.size > MAX_MANIFEST_BYTES) {
      diagnostics.push(
        diagnostic(
          'YamlSyntax',
          `file is ${Math.round(info.size / 1048576)} MiB, more than the ${MAX_MANIFEST_BYTES / 1048576} MiB a manifest file may have; split it`,
          at,
        ),
      );
      return;
    }
    const before = known?.get(file);
    sources.push({ file, bytes: before?.length === info.size ? readAgain(absolute, before) : readFileSync(absolute) });
  } catch (error) {
    // Unreadable (permissions, deleted meanwhile): the file's manifests are missing, which must not pass as valid.
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    diagnostics.push(diagnostic('YamlSyntax', `file cannot be read (${code})`, at));
  }
}

let scratch = Buffer.alloc(0);

/** readAgain reads a file into a buffer kept for the purpose, and gives back `before` when the file still holds exactly its bytes. */
function readAgain(absolute: string, before: Uint8Array): Uint8Array {
  // One byte more than expected, to tell a file that grew since it was looked at.
  if (scratch.length < before.length + 1) scratch = Buffer.allocUnsafe(before.length + 1);
  const fd = openSync(absolute, 'r');
  let length = 0;
  try {
    for (;;) {
      const n = readSync(fd, scratch, length, before.length + 1 - length, null);
      if (n === 0) break;
      length += n;
      if (length > before.length) break;
    }
  } finally {
    closeSync(fd);
  }
  if (length > before.length) return readFileSync(absolute); // it grew: read it whole
  const bytes = scratch.subarray(0, length);
  return bytes.equals(before) ? before : Buffer.from(bytes);
}

function statOrError(file: string): Stats | NodeJS.ErrnoException {
  try {
    return statSync(file);
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
}

/** displayPath shows a path relative to the working folder when it is inside it, with forward slashes. */
export function displayPath(absolute: string, cwd: string): string {
  const relative = path.relative(cwd, absolute);
  const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute;
  return shown.split(path.sep).join('/');
}
