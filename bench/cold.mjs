// Cold whole-process timings on a generated repository: validate, diff (against a state that
// already matches) and apply of a 1% change, each as a median of several runs alternated with
// the js-yaml parse floor, plus peak RSS. validate and diff are measured twice: with the
// manifest cache that earlier runs filled (what a repeated run or a CI job that keeps
// ~/.cache/sitectl sees) and with SITECTL_CACHE=off (a first run on a fresh machine).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateRepo } from './generate.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(HERE, '..', 'dist/sitectl.js');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** run times one whole process and reads its peak RSS (via GNU time when the machine has it). */
export function run(args, cwd, cache = path.join(cwd, 'cache')) {
  const command = TIME ? [TIME, ['-f', '%M', process.execPath, ...args]] : [process.execPath, args];
  const started = performance.now();
  const env = { ...process.env, SITECTL_NOW: '2026-11-26', SITECTL_CACHE: cache };
  const result = spawnSync(command[0], command[1], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - started;
  if (result.status !== 0 && result.status !== 1)
    throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr.slice(-2000)}`);
  const rssKb = TIME ? Number(result.stderr.trim().split('\n').pop()) : NaN;
  return { ms, rssMb: rssKb / 1024 };
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

/** measureCold returns the medians for one repository size. */
export function measureCold(servers, runs) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sitectl-bench-cold-'));
  try {
    const repo = path.join(dir, 'repo');
    const { files } = generateRepo(repo, servers);
    const state = path.join(dir, 'state.json');
    run([CLI, 'apply', '-f', repo, '--state', state], dir);
    // A 1% change: toggle the proxy of every hundredth server, alternating so each apply writes.
    const changed = files.filter((f) => f.includes('servers-'));
    const originals = new Map(changed.map((f) => [f, readFileSync(path.join(repo, f), 'utf8')]));
    const toggle = (on) => {
      for (const [f, text] of originals)
        writeFileSync(path.join(repo, f), on ? text.replace(/ref: (region-\d+) \}/, 'ref: $1-anon }') : text);
    };
    const samples = {
      floor: [],
      validate: [],
      diff: [],
      validateUncached: [],
      diffUncached: [],
      apply: [],
      rss: { validate: 0, diff: 0, apply: 0 },
    };
    const floor = () => samples.floor.push(run([path.join(HERE, 'floor.mjs'), repo], dir).ms);
    for (let i = 0; i < runs; i++) {
      floor();
      const v = run([CLI, 'validate', '-f', repo], dir);
      samples.validate.push(v.ms);
      floor();
      const d = run([CLI, 'diff', '-f', repo, '--state', state, '-o', 'json'], dir);
      samples.diff.push(d.ms);
      floor();
      const vu = run([CLI, 'validate', '-f', repo], dir, 'off');
      samples.validateUncached.push(vu.ms);
      floor();
      const du = run([CLI, 'diff', '-f', repo, '--state', state, '-o', 'json'], dir, 'off');
      samples.diffUncached.push(du.ms);
      toggle(i % 2 === 0);
      const a = run([CLI, 'apply', '-f', repo, '--state', state, '-o', 'json'], dir);
      samples.apply.push(a.ms);
      samples.rss.validate = Math.max(samples.rss.validate, v.rssMb, vu.rssMb);
      samples.rss.diff = Math.max(samples.rss.diff, d.rssMb, du.rssMb);
      samples.rss.apply = Math.max(samples.rss.apply, a.rssMb);
      toggle(false);
      run([CLI, 'apply', '-f', repo, '--state', state], dir);
    }
    const floorMs = median(samples.floor);
    const r = (ms) => Math.round(ms);
    const ratio = (list) => +(median(list) / floorMs).toFixed(2);
    return {
      servers,
      runs,
      floorMs: r(floorMs),
      validateMs: r(median(samples.validate)),
      validateRatio: ratio(samples.validate),
      diffMs: r(median(samples.diff)),
      diffRatio: ratio(samples.diff),
      diffManifestsPerSecond: Math.round(servers / (median(samples.diff) / 1000)),
      validateUncachedMs: r(median(samples.validateUncached)),
      validateUncachedRatio: ratio(samples.validateUncached),
      diffUncachedMs: r(median(samples.diffUncached)),
      diffUncachedRatio: ratio(samples.diffUncached),
      apply1PercentMs: r(median(samples.apply)),
      peakRssMb: { validate: r(samples.rss.validate), diff: r(samples.rss.diff), apply: r(samples.rss.apply) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
