#!/usr/bin/env node
// Measures the part of a one-file-edit rebuild that no cache mount can remove, side by side in each run:
//   floor    a build whose only step is a RUN that does nothing (client, solve, container start, export);
//   context  the project's context sent and copied (`COPY . .`), then a RUN that does nothing;
//   fixed    the project's Dockerfile as `warmbuild fix` writes it, after a one-file edit.
// `warmbuild bench` gives the native `go build` to hold these against. Everything it builds is labelled
// and removed under one random prefix; cache mounts live in namespaces of that prefix and only those
// are pruned at the end.
// Usage: node scripts/measure-floor.mjs <project-dir> [--dockerfile F] [--edit PATH] [--runs N] [--image REF]
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { dockerfile: { type: 'string' }, edit: { type: 'string' }, runs: { type: 'string' }, image: { type: 'string' } },
});
if (positionals.length !== 1) {
  console.error('usage: node scripts/measure-floor.mjs <project-dir> [--dockerfile F] [--edit PATH] [--runs N] [--image REF]');
  process.exit(2);
}
const project = path.resolve(positionals[0]);
const dockerfileName = values.dockerfile ?? 'Dockerfile';
const editFile = values.edit ?? 'main.go';
const runs = Number(values.runs ?? '3');
const image = values.image ?? 'golang:1.25-trixie';
const prefix = `warmbuild-floor-${randomBytes(4).toString('hex')}`;

function seconds(args) {
  const start = process.hrtime.bigint();
  const r = spawnSync('docker', args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')} failed:\n${(r.stderr ?? '').slice(-2000)}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const scratch = mkdtempSync(path.join(tmpdir(), 'warmbuild-floor-'));
const rows = { floor: [], context: [], fixed: [] };
try {
  const ctx = path.join(scratch, 'ctx');
  cpSync(project, ctx, { recursive: true });
  const fixed = path.join(scratch, 'fixed.Dockerfile');
  // The fix as `warmbuild fix` writes it with this build context: a build behind make or a script is
  // only seen, and fixed, with the context's Makefiles and scripts.
  cpSync(path.join(ctx, dockerfileName), fixed);
  const fix = spawnSync(process.execPath, [path.join(root, 'dist', 'cli', 'main.js'), 'fix', fixed, '--context', ctx], { encoding: 'utf8' });
  if (fix.status !== 0) throw new Error(`warmbuild fix failed:\n${fix.stderr}`);
  if (!readFileSync(fixed, 'utf8').includes('type=cache')) throw new Error('warmbuild fix added no cache mount: nothing to measure');
  const floor = path.join(scratch, 'floor.Dockerfile');
  writeFileSync(floor, `FROM ${image}\nARG RUN_ID\nRUN echo "$RUN_ID" > /run-id\n`);
  const context = path.join(scratch, 'context.Dockerfile');
  writeFileSync(context, `FROM ${image}\nWORKDIR /src\nCOPY . .\nRUN true\n`);
  const build = (file, name, extra = []) => [
    'buildx',
    'build',
    '-q',
    '-f',
    file,
    '-t',
    `${prefix}:${name}`,
    '--build-arg',
    `BUILDKIT_CACHE_MOUNT_NS=${prefix}`,
    '--label',
    `warmbuild.measure=${prefix}`,
    ...extra,
    ctx,
  ];
  const edit = (n) => writeFileSync(path.join(ctx, editFile), `${readFileSync(path.join(ctx, editFile), 'utf8')}\n// floor ${n}\n`);
  seconds(build(floor, 'floor', ['--build-arg', 'RUN_ID=warm']));
  seconds(build(context, 'context'));
  seconds(build(fixed, 'fixed'));
  for (let run = 1; run <= runs; run++) {
    rows.floor.push(seconds(build(floor, 'floor', ['--build-arg', `RUN_ID=${run}`])));
    edit(`context ${run}`);
    rows.context.push(seconds(build(context, 'context')));
    edit(`fixed ${run}`);
    rows.fixed.push(seconds(build(fixed, 'fixed')));
  }
  for (const [name, xs] of Object.entries(rows)) {
    console.log(`${name.padEnd(8)} median ${median(xs).toFixed(2)} s (${xs.map((x) => x.toFixed(2)).join(', ')})`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
  // Every rebuild under the same tag leaves the previous image untagged: remove all this script built, by its label.
  const built = spawnSync('docker', ['images', '-q', '--filter', `label=warmbuild.measure=${prefix}`], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean);
  if (built.length > 0) spawnSync('docker', ['image', 'rm', '-f', ...new Set(built)]);
  spawnSync('docker', ['buildx', 'prune', '-f', '--filter', 'type=exec.cachemount', '--filter', `description~=${prefix}`]);
}
