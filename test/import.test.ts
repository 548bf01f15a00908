import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Plan } from '../src/model/plan.js';
import { ROOT, sitectl } from './support/cli.js';
import { parseJson } from './support/json.js';

// `sitectl import` run as a user runs it: the built CLI on real folders. The golden tree under
// test/fixtures/import/expected is the import of the GitOps template's export; UPDATE_GOLDEN=1
// rewrites it (review the diff).
const EXPORT = path.join(ROOT, 'examples/gitops-repo/live/export.json');
const GOLDEN = path.join(ROOT, 'test/fixtures/import/expected');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sitectl-import-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** tree reads every file below a folder, by path with `/`, hidden folders left out. */
function tree(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      if (name.startsWith('.')) continue;
      const full = path.join(folder, name);
      if (statSync(full).isDirectory()) walk(full);
      else files[path.relative(root, full).split(path.sep).join('/')] = readFileSync(full, 'utf8');
    }
  };
  walk(root);
  return files;
}

/** Editable is the part of a live state the tests change. */
interface Editable {
  servers: { name: string; site: string; proxy: { port: number } | null; roles: { type: string }[] }[];
  sites: { code: string; version: number }[];
}

function liveState(edit?: (live: Editable) => void): string {
  const live = parseJson<Editable>(readFileSync(EXPORT, 'utf8'));
  edit?.(live);
  const file = path.join(dir, `live-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(live, null, 2));
  return file;
}

describe('sitectl import', () => {
  it('writes the golden tree for the GitOps template export, which validates and diffs clean against it', async () => {
    const out = path.join(dir, 'repo');
    const result = await sitectl(['import', '--live', EXPORT, '-o', out], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Imported 3 sites, 4 servers and 1 shared proxy from');
    expect(result.stdout).toContain('into repo (7 files).');
    expect(result.stdout).toContain('Next: commit the folder, then: sitectl diff -f repo --live');
    if (process.env.UPDATE_GOLDEN) {
      rmSync(GOLDEN, { recursive: true, force: true });
      cpSync(out, GOLDEN, { recursive: true });
    }
    expect(tree(out)).toEqual(tree(GOLDEN));

    const validate = await sitectl(['validate', '-f', out]);
    expect(validate.stdout).toContain('8 documents in 7 files, 0 errors, 0 warnings');
    expect(validate.code).toBe(0);
    const diff = await sitectl(['diff', '-f', out, '--live', EXPORT, '-o', 'json']);
    expect(diff.code).toBe(0);
    expect(parseJson<Plan>(diff.stdout).changes).toEqual([]);
  });

  it('gives byte-identical trees for the same live state, and one changed file for one change made in the console', async () => {
    await sitectl(['import', '--live', EXPORT, '-o', path.join(dir, 'a')]);
    await sitectl(['import', '--live', EXPORT, '-o', path.join(dir, 'b')]);
    const first = tree(path.join(dir, 'a'));
    expect(tree(path.join(dir, 'b'))).toEqual(first);

    // Someone moves dp01 to port 8081 in the console, and the export runs again.
    const changed = liveState((live) => {
      live.servers.find((s) => s.name === 'dp01.contoso.com')!.proxy!.port = 8081;
    });
    const again = await sitectl(['import', '--live', changed, '-o', path.join(dir, 'a'), '--force']);
    expect(again.code).toBe(0);
    const second = tree(path.join(dir, 'a'));
    const differing = Object.keys({ ...first, ...second }).filter((file) => first[file] !== second[file]);
    expect(differing).toEqual(['sites/P01/servers.yaml']);
    expect(second['sites/P01/servers.yaml']).toContain('port: 8081');
    const diff = await sitectl(['diff', '-f', path.join(dir, 'a'), '--live', changed]);
    expect(diff.code).toBe(0);
  });

  it('prints what the rules say about the imported site as a to-do list, with the file and line of each', async () => {
    const live = liveState((l) => {
      l.sites.find((s) => s.code === 'P01')!.version = 2409; // out of support on the test's date
      l.servers.find((s) => s.name === 'cm-cas.contoso.com')!.roles.push({ type: 'AssetIntelligenceSynchronizationPoint' });
    });
    const result = await sitectl(['import', '--live', live, '-o', 'repo'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("To do: what sitectl's rules say about the site as it is (0 errors, 2 warnings):");
    expect(result.stdout).toMatch(/repo\/sites\/CAS\/servers\.yaml:\d+:\d+ {2}warning {2}RoleDeprecated/);
    expect(result.stdout).toMatch(/repo\/sites\/P01\/site\.yaml:\d+:\d+ {2}warning {2}UnsupportedSiteVersion/);
    expect(result.stdout).toContain('Review:');
    expect(result.stdout).toContain('requireProxy, and hotfixes and features where the live state has none');
  });

  it('refuses a folder that is not empty without --force, and changes nothing in it', async () => {
    const out = path.join(dir, 'repo');
    mkdirSync(out);
    writeFileSync(path.join(out, 'notes.txt'), 'mine\n');
    const result = await sitectl(['import', '--live', EXPORT, '-o', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${out} is not empty (1 entry)`);
    expect(result.stderr).toContain('--force');
    expect(tree(out)).toEqual({ 'notes.txt': 'mine\n' });
  });

  it('takes a folder that holds only .git as empty', async () => {
    const out = path.join(dir, 'repo');
    mkdirSync(path.join(out, '.git'), { recursive: true });
    const result = await sitectl(['import', '--live', EXPORT, '-o', out]);
    expect(result.code).toBe(0);
    expect(Object.keys(tree(out))).toHaveLength(7);
  });

  it('with --force replaces its own files, removes those an earlier import wrote and this one does not, and keeps the rest', async () => {
    const out = path.join(dir, 'repo');
    await sitectl(['import', '--live', EXPORT, '-o', out]);
    const stale = path.join(out, 'sites/P02/servers.yaml');
    mkdirSync(path.dirname(stale), { recursive: true });
    writeFileSync(stale, '# yaml-language-server: $schema=x\n# Written by sitectl import from the live site.\napiVersion: sitectl/v1\n');
    writeFileSync(path.join(out, 'sites/P01/mine.yaml'), '# my own\n');
    writeFileSync(path.join(out, 'README.md'), '# repo\n');
    const result = await sitectl(['import', '--live', EXPORT, '-o', out, '--force']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Removed 1 file that an earlier import wrote: sites/P02/servers.yaml.');
    expect(existsSync(stale)).toBe(false);
    expect(readFileSync(path.join(out, 'sites/P01/mine.yaml'), 'utf8')).toBe('# my own\n');
    expect(readFileSync(path.join(out, 'README.md'), 'utf8')).toBe('# repo\n');
  });

  it('writes { enabled: false } for a server without a proxy, and nothing with --leave-unset', async () => {
    const live = liveState((l) => {
      l.servers.find((s) => s.name === 'dp01.contoso.com')!.proxy = null;
    });
    await sitectl(['import', '--live', live, '-o', path.join(dir, 'managed')]);
    await sitectl(['import', '--live', live, '-o', path.join(dir, 'unset'), '--leave-unset']);
    const dp = (root: string) => readFileSync(path.join(dir, root, 'sites/P01/servers.yaml'), 'utf8').split('---\n')[1];
    expect(dp('managed')).toContain('  proxy: { enabled: false }\n');
    expect(dp('unset')).not.toContain('proxy');
    for (const root of ['managed', 'unset']) expect((await sitectl(['diff', '-f', path.join(dir, root), '--live', live])).code).toBe(0);
  });

  it('spreads a large site over files of about 100 servers, so that a new server changes one file', async () => {
    const dps = (n: number) => (l: Editable) => {
      for (let i = 0; i < n; i++)
        l.servers.push({
          name: `dp${String(i).padStart(3, '0')}.contoso.com`,
          site: 'P01',
          proxy: null,
          roles: [{ type: 'DistributionPoint' }],
        });
    };
    const live = liveState(dps(350));
    const out = path.join(dir, 'repo');
    expect((await sitectl(['import', '--live', live, '-o', out])).code).toBe(0);
    const before = tree(out);
    const files = Object.keys(before).filter((f) => f.startsWith('sites/P01/servers'));
    expect(files).toEqual([
      'sites/P01/servers-01.yaml',
      'sites/P01/servers-02.yaml',
      'sites/P01/servers-03.yaml',
      'sites/P01/servers-04.yaml',
    ]);
    const names = files.map((f) => [...before[f].matchAll(/^ {2}name: (.+)$/gm)].map((m) => m[1]));
    for (const list of names) {
      expect(list.length).toBeGreaterThan(50);
      expect(list.length).toBeLessThan(150);
      expect([...list].sort()).toEqual(list);
    }
    expect(names.flat().sort()).toEqual([...new Set(names.flat())].sort());
    expect(names.flat()).toHaveLength(352);
    expect((await sitectl(['diff', '-f', out, '--live', live])).code).toBe(0);

    // A server added early in the alphabet lands in one file; the others stay as they were.
    const grown = liveState((l) => {
      dps(350)(l);
      l.servers.push({ name: 'aaa.contoso.com', site: 'P01', proxy: null, roles: [{ type: 'DistributionPoint' }] });
    });
    expect((await sitectl(['import', '--live', grown, '-o', out, '--force'])).code).toBe(0);
    const after = tree(out);
    expect(Object.keys(after).filter((f) => after[f] !== before[f])).toHaveLength(1);
  });

  it('keeps, on a re-import into a folder, what its manifests say that the site cannot, and the names of its proxies', async () => {
    const repo = path.join(dir, 'gitops');
    cpSync(path.join(ROOT, 'examples/gitops-repo'), repo, { recursive: true });
    const result = await sitectl(['import', '--live', 'live/export.json', '-o', '.', '--force'], { cwd: repo });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('into . (7 files)');
    expect(result.stdout).toContain('Next: commit the folder, then: sitectl diff -f . --live live/export.json');
    const files = tree(repo);
    expect(files['sites/CAS/site.yaml']).toContain('  requireProxy: true\n');
    expect(files['sites/P01/site.yaml']).toContain('  requireProxy: true\n');
    expect(files['sites/P01/site.yaml']).toContain('# Review: the live state does not say hotfixes or features;');
    expect(files['sites/P01/servers.yaml']).toContain(
      '  proxy: { ref: corp-anonymous }\n  roles:\n    - type: DistributionPoint\n      connectedCache: true\n',
    );
    expect(files['sites/CAS/servers.yaml']).toContain('  proxy: { ref: corp }\n');
    expect(files['proxies/proxies.yaml']).toMatch(/name: corp\n[\s\S]*name: corp-anonymous\n/);
    // The one difference from the hand-written repository is what the site really has: cm-p01's old proxy.
    expect(files['sites/P01/servers.yaml']).toContain('    server: old-proxy.contoso.com\n');
    expect((await sitectl(['diff', '-f', 'sites', '-f', 'proxies', '--live', 'live/export.json'], { cwd: repo })).code).toBe(0);
  });

  it('says so when the manifests must state an update point option that the live state lacks', async () => {
    const live = liveState((l) => {
      const sup = l.servers.find((s) => s.name === 'cm-cas.contoso.com')!.roles.find((r) => r.type === 'SoftwareUpdatePoint') as Record<
        string,
        unknown
      >;
      delete sup.useProxyForAutomaticDeploymentRules;
    });
    const result = await sitectl(['import', '--live', live, '-o', path.join(dir, 'repo'), '--state', path.join(dir, 'unused.json')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'sitectl diff would still change 1 server (cm-cas.contoso.com): the manifests state a value the live state lacks',
    );
    expect(result.stdout).toContain(`--live ${live}\n`);
  });

  it('refuses a live state with no sites and no servers, writing nothing', async () => {
    const empty = path.join(dir, 'empty.json');
    writeFileSync(empty, JSON.stringify({ apiVersion: 'sitectl/v1', kind: 'LiveState', revision: 0, sites: [], servers: [] }));
    const result = await sitectl(['import', '--live', empty, '-o', path.join(dir, 'repo')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('holds no sites and no servers: nothing to import');
    expect(existsSync(path.join(dir, 'repo'))).toBe(false);
  });

  it('refuses a live state that is not valid with exit 2, naming the file, line and column, and writes nothing', async () => {
    const broken = path.join(dir, 'export.json');
    writeFileSync(broken, '{\n  "apiVersion": "sitectl/v1",\n  "kind": "LiveState",\n  "revision": 0,\n  "sites": [,]\n}\n');
    const result = await sitectl(['import', '--live', broken, '-o', path.join(dir, 'repo')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`${broken.replace(/[.\\]/g, '\\$&')}:5:\\d+: not valid JSON`));
    expect(existsSync(path.join(dir, 'repo'))).toBe(false);

    writeFileSync(broken, JSON.stringify({ apiVersion: 'sitectl/v1', kind: 'Plan' }));
    const wrongKind = await sitectl(['import', '--live', broken, '-o', path.join(dir, 'repo')]);
    expect(wrongKind.code).toBe(2);
    expect(wrongKind.stderr).toContain('not a LiveState document');
  });

  it('fails with exit 3 when the folder cannot be made, and says which', async () => {
    writeFileSync(path.join(dir, 'file'), '');
    const result = await sitectl(['import', '--live', EXPORT, '-o', path.join(dir, 'file', 'repo')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(path.join(dir, 'file'));

    for (const force of [[], ['--force']]) {
      const asFile = await sitectl(['import', '--live', EXPORT, '-o', path.join(dir, 'file'), ...force]);
      expect(asFile.code).toBe(2);
      expect(asFile.stderr).toContain('is a file, not a folder');
    }
  });

  it.skipIf(process.getuid?.() === 0)('fails with exit 3 on a folder it may not write to', async () => {
    const out = path.join(dir, 'locked');
    mkdirSync(out);
    chmodSync(out, 0o500);
    const result = await sitectl(['import', '--live', EXPORT, '-o', out]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(out);
  });

  it('with --force, writes nothing through a link that leads out of the folder', async () => {
    const out = path.join(dir, 'repo');
    const elsewhere = path.join(dir, 'elsewhere');
    mkdirSync(out);
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, path.join(out, 'sites'));
    const result = await sitectl(['import', '--live', EXPORT, '-o', out, '--force']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('leads outside');
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('keeps every live value inside the folder and reads back exactly, whatever the site calls things', async () => {
    const live = liveState((l) => {
      const hostile = l as unknown as {
        sites: { code: string; type: string; version: number; siteServer: string }[];
        servers: { name: string; site: string; proxy: unknown; roles: unknown[] }[];
      };
      hostile.sites.push({ code: '../../x', type: 'PrimarySite', version: 2509, siteServer: 'cm.contoso.com' });
      hostile.servers.push({
        name: 'odd.contoso.com',
        site: '../../x',
        proxy: { server: "proxy'; rm -rf /\n# x", port: 8080, account: 'CONTOSO\\o"brien: #1' },
        roles: [],
      });
    });
    const out = path.join(dir, 'repo');
    const result = await sitectl(['import', '--live', live, '-o', out]);
    expect(result.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['repo', path.basename(live)].sort());
    // The schema refuses such names; what matters is that they arrive as written.
    const validate = await sitectl(['validate', '-f', out, '-o', 'json']);
    const messages = parseJson<Plan>(validate.stdout).diagnostics.map((d) => `${d.code} ${d.path}`);
    expect(messages).toContain('SchemaViolation /metadata/name');
    expect(messages).toContain('SchemaViolation /spec/proxy/server');
    expect(messages.filter((m) => m.startsWith('YamlSyntax'))).toEqual([]);
  });
});
