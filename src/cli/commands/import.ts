import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { LiveSnapshot } from '../../backend/backend.js';
import { StateFileError } from '../../backend/errors.js';
import { keptFrom, NOTHING_KEPT, type Kept } from '../../import/kept.js';
import { IMPORT_MARKER, importLiveState, type ImportedTree } from '../../import/manifest-tree.js';
import { lazyLocators } from '../../manifest/fast-parse.js';
import { contentHash } from '../../manifest/source.js';
import { storedForm, type StoredSource } from '../../manifest/stored.js';
import { checkDocument } from '../../manifest/validate-document.js';
import type { ManifestDocument } from '../../model/manifest.js';
import type { Plan } from '../../model/plan.js';
import { planManifests } from '../../reconcile/pass.js';
import { displayPath, readSources } from '../../sources/read-sources.js';
import { writeTree } from '../../sources/write-tree.js';
import { loadManifests } from '../../validate.js';
import { palette, useColor } from '../color.js';
import { liveSource, passOptions, withSource, type StateFlags } from '../inputs.js';
import { UsageError, type ExitCode, type Io } from '../io.js';
import { createLogger, type LogFlags } from '../log.js';
import { plural, renderDiagnostics } from '../render/diagnostics-text.js';

/** ImportFlags are `sitectl import`'s options. */
export interface ImportFlags extends StateFlags, LogFlags {
  readonly output?: string;
  readonly force?: boolean;
  readonly leaveUnset?: boolean;
  readonly color: boolean;
}

/**
 * runImport writes the manifests that describe a live state into a folder, then plans them
 * against that same live state, as `diff` would, and prints what the rules say about the site
 * as a to-do list. Exit 0 written, 2 invalid input (a live snapshot that is not a LiveState,
 * a live state with nothing in it, a folder that is not empty), 3 runtime failure.
 */
export async function runImport(flags: ImportFlags, io: Io): Promise<ExitCode> {
  const log = createLogger(flags, io, 'import');
  if (!flags.output) throw new UsageError('import needs -o DIR: the folder to write the manifests into');
  const root = path.resolve(io.cwd, flags.output);
  // 1. Read the live state once.
  const source = await liveSource(flags, io);
  let snapshot: LiveSnapshot;
  try {
    snapshot = await withSource(source, (s) => s.read());
  } catch (error) {
    // A snapshot named with --live is the input: a broken one is invalid input, not a failure.
    if (!(flags.live && error instanceof StateFileError)) throw error;
    io.stderr(`sitectl: ${error.message}\n`);
    return 2;
  }
  if (snapshot.state.sites.length === 0 && snapshot.state.servers.length === 0) {
    io.stderr(
      `sitectl: ${displayPath(source.location, io.cwd)} holds no sites and no servers: nothing to import (name an export with --live FILE, or the site with --backend configmgr --site CODE)\n`,
    );
    return 2;
  }
  // 2. Describe it as manifests, keeping what the folder's manifests say that the site cannot.
  const kept = flags.force ? await keptIn(root, io) : NOTHING_KEPT;
  const tree = importLiveState(snapshot.state, { leaveUnset: flags.leaveUnset === true, schemas: schemasFolder(root), kept });
  // 3. Write them.
  const written = writeTree(root, tree.files, { force: flags.force === true, marker: IMPORT_MARKER });
  if (!written.written) {
    io.stderr(`sitectl: ${written.why}\n`);
    return 2;
  }
  log.info({ folder: root, files: tree.files.length, removed: written.removed.length, live: source.location }, 'imported');
  // 4. Plan them against the same live state, as `diff -f DIR` would.
  const plan = await planImport(tree, root, snapshot, io);
  // 5. Say what was written and what is left to do.
  io.stdout(report(tree, written.removed, plan, flags, io, source.location));
  return 0;
}

/**
 * planImport plans the written files against the live state they came from, as `diff -f DIR`
 * would. A file's documents are taken as rendered, once checked against their schemas,
 * instead of parsed again; a file with a document that fails its schema is parsed, so that
 * every diagnostic has the position the user will see in the file.
 */
async function planImport(tree: ImportedTree, root: string, snapshot: LiveSnapshot, io: Io): Promise<Plan> {
  const rendered = new Map<string, StoredSource>();
  const sources = tree.files.map((file) => {
    const shown = displayPath(path.join(root, ...file.path.split('/')), io.cwd);
    const bytes = Buffer.from(file.text);
    const locator = lazyLocators(shown, file.text);
    const checked = file.documents.map((value, index) => checkDocument({ file: shown, index, value, locate: locator(index) }).document);
    const stored = checked.every((d): d is ManifestDocument => d !== undefined) ? storedForm(checked.length, checked) : undefined;
    if (stored) rendered.set(contentHash(bytes), stored);
    return { file: shown, bytes };
  });
  const store = { get: (hash: string) => rendered.get(hash), put: () => {}, save: () => {} };
  const live = { location: 'the imported live state', read: () => Promise.resolve(snapshot) };
  return (await planManifests({ sources, diagnostics: [], store }, live, passOptions({}, io))).plan;
}

/** report is the import's summary: counts, the rules' findings as a to-do list, what to review and what to run next. */
function report(tree: ImportedTree, removed: readonly string[], plan: Plan, flags: ImportFlags, io: Io, from: string): string {
  const colors = palette(useColor(flags.color, io.env, io.stdoutIsTTY));
  const root = path.resolve(io.cwd, flags.output!);
  const shownRoot = root === path.resolve(io.cwd) ? '.' : displayPath(root, io.cwd);
  const lines = [
    `Imported ${plural(tree.sites, 'site')}, ${plural(tree.servers, 'server')} and ${tree.proxies} shared prox${tree.proxies === 1 ? 'y' : 'ies'} from ${displayPath(from, io.cwd)} into ${shownRoot} (${plural(tree.files.length, 'file')}).`,
  ];
  if (removed.length > 0) lines.push(`Removed ${plural(removed.length, 'file')} that an earlier import wrote: ${removed.join(', ')}.`);
  const findings = plan.diagnostics.filter((d) => d.code !== 'NoManifests');
  if (findings.length > 0) {
    const { errors, warnings } = plan.summary;
    lines.push(
      '',
      `To do: what sitectl's rules say about the site as it is (${plural(errors, 'error')}, ${plural(warnings, 'warning')}):`,
      renderDiagnostics(findings, colors).trimEnd(),
    );
  }
  const changed = plan.changes.filter((c) => c.action !== 'hold');
  if (changed.length > 0) {
    const names = changed
      .slice(0, 10)
      .map((c) => c.name)
      .join(', ');
    lines.push(
      '',
      `sitectl diff would still change ${plural(changed.length, 'server')} (${names}${changed.length > 10 ? ', ...' : ''}): the manifests state a value the live state lacks, such as an update point option, which then defaults; sitectl diff shows which.`,
    );
  }
  if (tree.review.length > 0) lines.push('', 'Review:', ...tree.review.map((note) => `  - ${note.replace(/\p{Cc}/gu, ' ')}`));
  lines.push('', `Next: commit the folder, then: sitectl diff -f ${shownRoot}${sameSource(flags)}`);
  return lines.join('\n') + '\n';
}

/** sameSource repeats the flags that chose the live state, so the suggested diff reads what the import read. */
function sameSource(flags: ImportFlags): string {
  const given: [string, string | undefined][] = [
    ['--live', flags.live],
    ['--backend', flags.backend],
    ['--site', flags.site],
    ['--provider', flags.provider],
    ['--powershell', flags.powershell],
    ['--state', flags.live ? undefined : flags.state],
  ];
  return given
    .filter(([, value]) => value !== undefined)
    .map(([flag, value]) => ` ${flag} ${/^[\w./\\:-]+$/.test(value!) ? value : JSON.stringify(value)}`)
    .join('');
}

/** keptIn reads the manifests already in the folder, for what they say that a live state cannot; a folder without any gives nothing. */
async function keptIn(root: string, io: Io): Promise<Kept> {
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) return NOTHING_KEPT;
  // A repository's root may hold node_modules and .git, whose YAML files are nobody's manifests.
  const entries = readdirSync(root)
    .filter((name) => name !== 'node_modules' && !name.startsWith('.'))
    .map((name) => path.join(root, name));
  const { sources } = await readSources(entries, io.readStdin, io.cwd);
  return keptFrom(loadManifests(sources).desired);
}

/**
 * schemasFolder is where the editors' schema modelines point, from the tree's root: the
 * sitectl package installed in the nearest node_modules above the folder, or else one that
 * `npm install sitectl` in the folder itself would make.
 */
function schemasFolder(root: string): string {
  for (let dir = root; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', 'sitectl', 'schemas');
    if (existsSync(candidate)) return path.relative(root, candidate).split(path.sep).join('/');
    if (path.dirname(dir) === dir) return 'node_modules/sitectl/schemas';
  }
}
