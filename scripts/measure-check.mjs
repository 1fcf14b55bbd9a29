#!/usr/bin/env node
// Times whole `warmbuild check` runs over a tree of Dockerfiles (default: ../shared/corpus), each a fresh
// `node dist/cli/main.js` process, so Node's start-up, module loading and the first, unoptimised run of
// every function are in the number, as a user sees it. With --vs DIR the same run of another checkout's
// build alternates with this one's, so both see the same machine load.
// Usage: node scripts/measure-check.mjs [path] [--runs N] [--vs CHECKOUT]
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string' }, vs: { type: 'string' } } });
const target = path.resolve(positionals[0] ?? path.join(root, '..', 'shared', 'corpus', 'dockerfiles'));
const runs = Number(values.runs ?? '10');
const checkouts = [root, ...(values.vs ? [path.resolve(values.vs)] : [])];

function seconds(checkout) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(checkout, 'dist', 'cli', 'main.js'), 'check', target, '--format', 'json'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  // 1 is "findings": the corpus has plenty. Anything else means the run did not check.
  if (r.status !== 0 && r.status !== 1) throw new Error(`${checkout}: exit ${r.status}\n${r.stderr.slice(-2000)}`);
  return { elapsed, findings: JSON.parse(r.stdout).summary.findings };
}

const times = new Map(checkouts.map((c) => [c, []]));
const findings = new Map();
seconds(root); // the first run warms the file system cache for all
for (let i = 0; i < runs; i++) {
  for (const checkout of checkouts) {
    const run = seconds(checkout);
    times.get(checkout).push(run.elapsed);
    findings.set(checkout, run.findings);
  }
}
for (const checkout of checkouts) {
  const xs = [...times.get(checkout)].sort((a, b) => a - b);
  const at = (q) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))].toFixed(2);
  console.log(`${checkout}: min ${at(0)} s, median ${at(0.5)} s, max ${at(1)} s over ${runs} runs (${findings.get(checkout)} findings)`);
}
