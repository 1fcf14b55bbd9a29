#!/usr/bin/env node
// Measures what `warmbuild cache` buys on a fresh CI runner, on one project:
//   cold build, warm-local one-file-edit rebuild, export, wipe the builder (docker buildx prune -af),
//   import, restored one-file-edit rebuild; plus the store's size.
// Usage: node scripts/measure-cache.mjs [project-dir] [--dockerfile F] [--edit PATH] [--runs N]
// WARNING: it wipes the builder's whole build cache (docker buildx prune -af), as a fresh runner has none.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { fixText } = await import(path.join(root, 'dist', 'lint.js'));
const { values, positionals } = parseArgs({ allowPositionals: true, options: { dockerfile: { type: 'string' }, edit: { type: 'string' }, runs: { type: 'string' } } });
const project = path.resolve(positionals[0] ?? path.join(root, 'examples', 'hello-world'));
const dockerfileName = values.dockerfile ?? 'Dockerfile';
const editFile = values.edit ?? 'main.go';
const runs = Number(values.runs ?? '3');
const cli = path.join(root, 'dist', 'cli', 'main.js');

function timed(cmd, args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${(r.stderr ?? '').slice(-2000)}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const rows = { cold: [], warmEdit: [], export: [], import: [], restoredEdit: [], size: [] };
for (let run = 1; run <= runs; run++) {
  const scratch = mkdtempSync(path.join(tmpdir(), 'warmbuild-measure-'));
  const ctx = path.join(scratch, 'ctx');
  cpSync(project, ctx, { recursive: true });
  const dockerfile = path.join(ctx, dockerfileName);
  writeFileSync(dockerfile, fixText(readFileSync(dockerfile, 'utf8'), { facts: { vendor: readdirSync(ctx).includes('vendor') } }).output);
  const store = path.join(scratch, 'store');
  const build = ['buildx', 'build', '-q', '-f', dockerfile, '-t', 'warmbuild-measure', ctx];
  const edit = (n) => writeFileSync(path.join(ctx, editFile), `${readFileSync(path.join(ctx, editFile), 'utf8')}\n// measure ${run}-${n}\n`);
  execFileSync('docker', ['buildx', 'prune', '-af'], { stdio: 'ignore' });
  rows.cold.push(timed('docker', build));
  edit(1);
  rows.warmEdit.push(timed('docker', build));
  rows.export.push(timed('node', [cli, 'cache', 'export', '--dockerfile', dockerfile, '--to', store, '--max-size', '2GB']));
  rows.size.push(readdirSync(store).reduce((n, f) => n + statSync(path.join(store, f)).size, 0) / 1024 / 1024);
  execFileSync('docker', ['buildx', 'prune', '-af'], { stdio: 'ignore' });
  rows.import.push(timed('node', [cli, 'cache', 'import', '--dockerfile', dockerfile, '--from', store]));
  edit(2);
  rows.restoredEdit.push(timed('docker', build));
  rmSync(scratch, { recursive: true, force: true });
  process.stderr.write(`run ${run}/${runs} done\n`);
}
spawnSync('docker', ['image', 'rm', '-f', 'warmbuild-measure']);
const m = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, Number(median(v).toFixed(2))]));
console.log(JSON.stringify({ project, runs, median: m, all: rows }, null, 2));
console.log(`| cold | warm-local edit | export | import | restored edit | restored / warm | store |\n|---|---|---|---|---|---|---|\n| ${m.cold} s | ${m.warmEdit} s | ${m.export} s | ${m.import} s | ${m.restoredEdit} s | ${(m.restoredEdit / m.warmEdit).toFixed(2)}× | ${m.size} MiB |`);
