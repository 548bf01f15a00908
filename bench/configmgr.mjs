// The ConfigMgr backend against the simulated site (test/site-simulator) under a real
// PowerShell: a diff with nothing to do and an apply of a 1% change, with the cmdlet calls
// each made. The simulator times itself, per call, so its own cost is reported beside the
// whole figure and sitectl's part (Node, PowerShell starting, the host script) is visible.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateRepo } from './generate.mjs';
import { siteFile } from '../test/site-simulator/site-file.mjs';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'dist/sitectl.js');
const CONSOLE = path.join(ROOT, 'test/site-simulator/AdminConsole/bin');

/** powershell is the pwsh the tests use; undefined when there is none. */
export function powershell() {
  const found = [process.env.SITECTL_TEST_POWERSHELL, path.join(ROOT, '.tools/pwsh/pwsh')].find((p) => p && existsSync(p));
  return found;
}

function sitectl(args, cwd, env) {
  const started = performance.now();
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, SITECTL_NOW: '2026-11-26', SITECTL_CACHE: 'off', ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const ms = performance.now() - started;
  if (result.status !== 0 && result.status !== 1)
    throw new Error(`sitectl ${args.join(' ')} exited ${result.status}: ${result.stderr.slice(-2000)}`);
  return ms;
}

/** calls reads the simulator's call log: per cmdlet, how often, and the simulator's whole time (its module's import, which reads the site, included). */
function calls(log) {
  const counts = {};
  let ms = 0;
  let importMs = 0;
  if (!existsSync(log)) return { counts, ms, importMs };
  for (const line of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
    const [name, elapsed] = line.split('\t');
    ms += Number(elapsed ?? 0);
    if (name === '(module import)') importMs += Number(elapsed ?? 0);
    else counts[name] = (counts[name] ?? 0) + 1;
  }
  return { counts, ms: Math.round(ms), importMs: Math.round(importMs) };
}

/** measureConfigMgr times a diff with nothing to do and an apply of a 1% change of `servers` servers on a simulated site. */
export function measureConfigMgr(servers, pwsh) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sitectl-bench-configmgr-'));
  try {
    const repo = path.join(dir, 'repo');
    const { names } = generateRepo(repo, servers);
    // The site as the manifests want it: what the file backend makes of them.
    const made = path.join(dir, 'made.json');
    sitectl(['apply', '-f', repo, '--state', made], dir, {});
    const live = JSON.parse(readFileSync(made, 'utf8'));
    const siteJson = path.join(dir, 'site.json');
    writeFileSync(siteJson, JSON.stringify(siteFile({ siteCode: 'CAS', sites: live.sites, servers: live.servers, accounts: [] })));
    const env = {
      SMS_ADMIN_UI_PATH: path.join(CONSOLE, 'i386'),
      SITECTL_SIM_SITE: siteJson,
      SITECTL_SIM_BUILD: path.join(tmpdir(), 'sitectl-site-simulator'),
    };
    const flags = ['--backend', 'configmgr', '--site', 'CAS', '--powershell', pwsh, '--state', path.join(dir, 'state.json')];
    const log = `${siteJson}.calls`;

    // PowerShell's own start, which every run pays once.
    const started = performance.now();
    spawnSync(pwsh, ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', 'exit 0']);
    const powershellStartMs = Math.round(performance.now() - started);

    rmSync(log, { force: true });
    const diffMs = Math.round(sitectl(['diff', '-f', repo, ...flags], dir, env));
    const diff = calls(log);

    // 1%: every hundredth server changes its proxy (to the other one of its region).
    const moved = new Set(names.filter((_, i) => i % 100 === 7));
    let changed = 0;
    for (const file of generated(repo)) {
      const text = readFileSync(file, 'utf8');
      const edited = text.replace(
        /name: (\S+)\n(spec:\n {2}site: \S+\n {2}proxy: \{ ref: region-\d+)(-anon)? \}/g,
        (all, name, head, anon) => {
          if (!moved.has(name)) return all;
          changed++;
          return `name: ${name}\n${head}${anon ? '' : '-anon'} }`;
        },
      );
      if (edited !== text) writeFileSync(file, edited);
    }
    rmSync(log, { force: true });
    const applyMs = Math.round(sitectl(['apply', '-f', repo, ...flags], dir, env));
    const apply = calls(log);
    return {
      servers,
      changed,
      powershellStartMs,
      diff: { ms: diffMs, simulatorMs: diff.ms, simulatorImportMs: diff.importMs, sitectlMs: diffMs - diff.ms, calls: diff.counts },
      apply1Percent: {
        ms: applyMs,
        simulatorMs: apply.ms,
        simulatorImportMs: apply.importMs,
        sitectlMs: applyMs - apply.ms,
        calls: apply.counts,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** generated lists the YAML files of a generated repository. */
function generated(repo) {
  return readdirSync(repo, { recursive: true })
    .filter((file) => String(file).endsWith('.yaml'))
    .map((file) => path.join(repo, String(file)));
}
