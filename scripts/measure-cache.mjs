#!/usr/bin/env node
// Measures what `warmbuild cache` buys on a fresh CI runner, on one project, side by side in each run:
//   cold build, warm-local one-file-edit rebuild, export, import on a "fresh runner", restored
//   one-file-edit rebuild; plus the store's size and each step's peak RSS.
// A fresh runner is a BUILDKIT_CACHE_MOUNT_NS namespace nobody used before: its cache mounts are empty,
// and with default cache ids (what `warmbuild fix` writes) no RUN with a cache mount comes from the
// layer cache (BuildKit keeps those ids in the layer key). Nothing of anyone else's is deleted: at the
// end only the cache mounts of this script's own namespaces are pruned.
// Usage: node scripts/measure-cache.mjs [project-dir] [--dockerfile F] [--edit PATH] [--runs N] [--builder NAME]
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { fixText } = await import(path.join(root, 'dist', 'lint.js'));
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { dockerfile: { type: 'string' }, edit: { type: 'string' }, runs: { type: 'string' }, builder: { type: 'string' } },
});
const project = path.resolve(positionals[0] ?? path.join(root, 'examples', 'hello-world'));
const dockerfileName = values.dockerfile ?? 'Dockerfile';
const editFile = values.edit ?? 'main.go';
const runs = Number(values.runs ?? '3');
const builder = values.builder ? ['--builder', values.builder] : [];
const cli = path.join(root, 'dist', 'cli', 'main.js');
const prefix = `warmbuild-measure-${randomBytes(4).toString('hex')}`;
const tag = `${prefix}:app`;
const hasTime = spawnSync('/usr/bin/time', ['-v', 'true']).status === 0;

/** Runs a command; seconds and, for node steps, peak RSS in MB (GNU time -v). */
function timed(cmd, args) {
  const measured = hasTime ? ['/usr/bin/time', ['-v', cmd, ...args]] : [cmd, args];
  const start = process.hrtime.bigint();
  const r = spawnSync(measured[0], measured[1], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${(r.stderr ?? '').slice(-2000)}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  return { seconds, rssMB: rss ? Number(rss[1]) / 1024 : undefined, stderr: r.stderr };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const rows = { cold: [], warmEdit: [], export: [], import: [], restoredEdit: [], storeMiB: [], exportRssMB: [], importRssMB: [] };
try {
  for (let run = 1; run <= runs; run++) {
    const scratch = mkdtempSync(path.join(tmpdir(), 'warmbuild-measure-'));
    try {
      const ctx = path.join(scratch, 'ctx');
      cpSync(project, ctx, { recursive: true });
      const dockerfile = path.join(ctx, dockerfileName);
      writeFileSync(dockerfile, fixText(readFileSync(dockerfile, 'utf8'), { facts: { vendor: readdirSync(ctx).includes('vendor') } }).output);
      const store = path.join(scratch, 'store');
      const warm = `${prefix}-warm-${run}`;
      const fresh = `${prefix}-fresh-${run}`;
      const build = (ns) => [
        'buildx',
        'build',
        ...builder,
        '-q',
        '-f',
        dockerfile,
        '-t',
        tag,
        '--label',
        `warmbuild.measure=${prefix}`,
        '--build-arg',
        `BUILDKIT_CACHE_MOUNT_NS=${ns}`,
        ctx,
      ];
      const edit = (n) => writeFileSync(path.join(ctx, editFile), `${readFileSync(path.join(ctx, editFile), 'utf8')}\n// measure ${run}-${n}\n`);
      rows.cold.push(timed('docker', build(warm)).seconds);
      edit(1);
      rows.warmEdit.push(timed('docker', build(warm)).seconds);
      const exported = timed('node', [cli, 'cache', 'export', ...builder, '--dockerfile', dockerfile, '--namespace', warm, '--to', store, '--max-size', '2GB']);
      rows.export.push(exported.seconds);
      rows.exportRssMB.push(exported.rssMB ?? 0);
      rows.storeMiB.push(readdirSync(store).reduce((n, f) => n + statSync(path.join(store, f)).size, 0) / 1024 / 1024);
      const imported = timed('node', [cli, 'cache', 'import', ...builder, '--dockerfile', dockerfile, '--namespace', fresh, '--from', store]);
      rows.import.push(imported.seconds);
      rows.importRssMB.push(imported.rssMB ?? 0);
      edit(2);
      rows.restoredEdit.push(timed('docker', build(fresh)).seconds);
      process.stderr.write(
        `run ${run}/${runs}: ${JSON.stringify(Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, Number(v.at(-1).toFixed(2))])))}\n`,
      );
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
} finally {
  // Every rebuild under the same tag leaves the previous image untagged: remove all this script built, by its label.
  const built = spawnSync('docker', ['images', '-q', '--filter', `label=warmbuild.measure=${prefix}`], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean);
  if (built.length > 0) spawnSync('docker', ['image', 'rm', '-f', ...new Set(built)]);
  spawnSync('docker', ['buildx', 'prune', ...builder, '-f', '--filter', 'type=exec.cachemount', '--filter', `description~=${prefix}`]);
}
const m = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, Number(median(v).toFixed(2))]));
// Each run measures warm and restored rebuilds side by side: the per-run ratio is what a loaded machine cannot blur.
const perRun = rows.warmEdit.map((w, i) => Number((rows.restoredEdit[i] / w).toFixed(2)));
const overhead = rows.cold.map((c, i) => Number((((rows.export[i] + rows.import[i]) / c) * 100).toFixed(1)));
console.log(JSON.stringify({ project, runs, median: m, restoredOverWarmPerRun: perRun, exportImportPercentOfColdPerRun: overhead, all: rows }, null, 2));
console.log(
  `| cold | warm-local edit | export | import | restored edit | restored / warm | (export + import) / cold | store | peak RSS export / import |\n|---|---|---|---|---|---|---|---|---|\n` +
    `| ${m.cold} s | ${m.warmEdit} s | ${m.export} s | ${m.import} s | ${m.restoredEdit} s | ${median(perRun).toFixed(2)}× | ${median(overhead).toFixed(1)} % | ${m.storeMiB.toFixed(1)} MiB | ${m.exportRssMB.toFixed(0)} / ${m.importRssMB.toFixed(0)} MB |`,
);
