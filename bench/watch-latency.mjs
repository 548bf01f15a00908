// Measures watch edit-to-applied latency: a `sitectl watch` process on a generated repository,
// then one-file edits (one server's proxy port), each timed from the write to the watcher's
// "applied" line on stdout. Reports median and p95 per repository size.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateRepo } from './generate.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'dist/sitectl.js');

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

/**
 * measureWatch returns edit-to-applied latencies (ms) for `edits` edits on a repo of `servers`
 * servers, and the median pass duration the watcher reports. With `healthPort`, the watcher
 * serves its status page and metrics there and `onStarted(url)` may load them while it works.
 */
export async function measureWatch(servers, edits, debounceMs = 200, { healthPort, onStarted } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sitectl-bench-watch-'));
  const repo = path.join(dir, 'repo');
  const { files } = generateRepo(repo, servers);
  const target = path.join(
    repo,
    files.find((f) => f.includes('servers-')),
  );
  const original = readFileSync(target, 'utf8');
  const child = spawn(
    process.execPath,
    [
      CLI,
      'watch',
      '-f',
      repo,
      '--state',
      path.join(dir, 'state.json'),
      '--debounce',
      `${debounceMs}ms`,
      '--interval',
      '1h',
      ...(healthPort ? ['--health-addr', `127.0.0.1:${healthPort}`] : []),
    ],
    {
      env: { ...process.env, SITECTL_NOW: '2026-11-26' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  const waiters = [];
  child.stdout.on('data', (chunk) => {
    out += chunk;
    for (const w of [...waiters]) if (w.test(out)) waiters.splice(waiters.indexOf(w), 1);
  });
  const waitFor = (pattern, timeoutMs = 600_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timeout waiting for ${pattern}\n${out}`)), timeoutMs);
      const w = { test: (text) => (pattern.test(text) ? (clearTimeout(timer), resolve(performance.now()), true) : false) };
      if (!w.test(out)) waiters.push(w);
    });
  try {
    const start = performance.now();
    await waitFor(/pass 1 start applied \(revision 1\)/);
    const initialMs = performance.now() - start;
    const load = onStarted?.(`http://127.0.0.1:${healthPort}`);
    const latencies = [];
    // Toggle one server between two proxies, so every edit changes the live state.
    const toggled = original.replace(
      /proxy: \{ ref: (region-\d+)(-anon)? \}/,
      (_m, region, anon) => `proxy: { ref: ${region}${anon ? '' : '-anon'} }`,
    );
    for (let i = 1; i <= edits; i++) {
      const text = i % 2 ? toggled : original;
      const written = performance.now();
      writeFileSync(target, text);
      const seen = await waitFor(new RegExp(`applied \\(revision ${i + 1}\\)`));
      latencies.push(seen - written);
    }
    latencies.sort((a, b) => a - b);
    await load?.stop();
    // Each pass line ends in its duration: "pass 7 change applied (revision 7): ... [123 ms]".
    const passes = [...out.matchAll(/^pass \d+ change applied.*\[(\d+) ms\]$/gm)].map((m) => Number(m[1])).sort((a, b) => a - b);
    return {
      medianPassMs: percentile(passes, 0.5),
      servers,
      edits,
      debounceMs,
      initialApplyMs: Math.round(initialMs),
      medianMs: Math.round(percentile(latencies, 0.5)),
      p95Ms: Math.round(percentile(latencies, 0.95)),
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.on('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}
