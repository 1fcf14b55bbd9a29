import path from 'node:path';
import { writeOutput } from '../../adapters/fs.js';
import { hostPlatform } from '../../adapters/host.js';
import type { CacheReport } from '../../cache/report.js';
import type { CacheOptions } from '../../cache/run.js';
import { AbortedError, UsageError } from '../../errors.js';
import { defineCommand, type ExitCode, type OptionValues } from '../command.js';
import type { IO } from '../io.js';
import { watchStopSignals } from '../stop.js';

const OPTIONS = {
  to: { type: 'string', valueName: 'DIR|docker-image://REF', description: 'export: where to save the caches.', example: '--to ./.warmbuild-cache' },
  from: {
    type: 'string',
    valueName: 'DIR|docker-image://REF',
    description: 'import: where to restore the caches from.',
    example: '--from docker-image://registry.example/team/app-cache:main',
  },
  'max-size': {
    type: 'string',
    valueName: 'SIZE',
    description: 'export: trim the Go build cache to its most recently used entries first; import: skip a store bigger than this.',
    example: '--max-size 1GB',
  },
  'max-age': { type: 'string', valueName: 'AGE', description: 'export: drop Go build cache entries not used for this long.', example: '--max-age 14d' },
  'keep-all-modules': { type: 'boolean', description: 'export: keep modules that no go.sum in the context names (default: drop them).' },
  timeout: { type: 'string', valueName: 'SECONDS', description: 'Give up (import: build cold) after this many seconds.', example: '--timeout 300' },
  json: { type: 'string', valueName: 'PATH|-', description: 'Write the per-mount report (entries, bytes, seconds, MB/s) as JSON.', example: '--json -' },
  dockerfile: { type: 'string', short: 'f', valueName: 'FILE', default: 'Dockerfile', description: 'The Dockerfile whose cache mounts to move.' },
  context: { type: 'string', valueName: 'DIR', description: 'Build context of the helper build.' },
  builder: { type: 'string', valueName: 'NAME', description: 'buildx builder to use (docker and docker-container drivers).' },
  'mount-id': { type: 'list', valueName: 'ID', description: 'Only the cache mounts with this id.' },
  target: { type: 'list', valueName: 'PATH', description: 'Only the cache mounts with this target.' },
  platform: { type: 'string', valueName: 'P[,P]', description: "Target platforms, part of the cache key (default: this machine's)." },
  namespace: { type: 'string', valueName: 'NS', description: 'BUILDKIT_CACHE_MOUNT_NS of the builds.' },
  'helper-image': { type: 'string', valueName: 'IMAGE', default: 'debian:trixie-slim', description: 'Image the helper build runs GNU tar in.' },
} as const;

const USAGE =
  'usage: warmbuild cache export --to DIR|docker-image://REF | import --from DIR|docker-image://REF [--dockerfile F] [--builder NAME] [--platform P[,P]] [--max-size SIZE] [--max-age AGE] [--timeout SECONDS] [--json PATH|-]';

export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`--max-size: not a size: ${text} (e.g. 500MB, 2GB)`);
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.round(Number(m[1]) * factor);
}

export function parseAge(text: string): number {
  const m = /^(\d+)\s*(s|m|h|d)$/i.exec(text.trim());
  if (!m) throw new UsageError(`--max-age: not a duration: ${text} (e.g. 36h, 7d)`);
  const factor = { s: 1, m: 60, h: 3600, d: 86400 }[m[2]!.toLowerCase() as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * factor;
}

function seconds(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--timeout must be a positive number of seconds, got "${text}"`);
  return n;
}

type CacheValues = OptionValues<typeof OPTIONS>;

function common(values: CacheValues, io: IO, signal: AbortSignal, timeout: number): CacheOptions {
  const platforms = (values.platform ?? hostPlatform())
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  return {
    dockerfile: path.resolve(values.dockerfile),
    context: values.context,
    builder: values.builder ?? (io.env?.BUILDX_BUILDER || undefined),
    filter: { ids: values['mount-id'], targets: values.target },
    platforms,
    namespace: values.namespace,
    helperImage: values['helper-image'],
    timeoutSeconds: seconds(values.timeout, timeout),
    signal,
    progress: (message) => io.stderr(`warmbuild cache: ${message}\n`),
  };
}

async function emit(report: CacheReport, json: string | undefined, io: IO): Promise<void> {
  const { reportLines } = await import('../../cache/report.js');
  for (const line of reportLines(report)) io.stderr(`warmbuild cache: ${line}\n`);
  const text = `${JSON.stringify(report, null, 2)}\n`;
  if (json === '-') io.stdout(text);
  else if (json) await writeOutput(json, text);
}

export const cache = defineCommand({
  name: 'cache',
  summary: 'Move BuildKit cache mounts in and out of the builder, for CI runners that start empty.',
  operands: 'export|import',
  description: [
    'export saves the Go cache mounts of the Dockerfile to a directory or an OCI image; import restores them before the build (and always exits 0: a missing store means a cold build). Save from trusted branches only.',
  ],
  options: OPTIONS,
  examples: ['warmbuild cache import --from ./.warmbuild-cache', 'warmbuild cache export --to ./.warmbuild-cache --max-size 1GB'],
  run({ options, positionals }, io) {
    const [sub, ...rest] = positionals;
    return runCache(sub, rest, options, io);
  },
});

async function runCache(sub: string | undefined, rest: readonly string[], values: CacheValues, io: IO): Promise<ExitCode> {
  if (sub !== 'export' && sub !== 'import') throw new UsageError(USAGE);
  if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}`);
  const store = sub === 'export' ? values.to : values.from;
  if (!store)
    throw new UsageError(
      sub === 'export' ? 'cache export needs --to DIR or --to docker-image://REF' : 'cache import needs --from DIR or --from docker-image://REF',
    );
  const maxSize = values['max-size'] ? parseSize(values['max-size']) : undefined;

  // The helper build is stopped and what warmbuild staged is removed.
  const { exportCaches, importCaches } = await import('../../cache/run.js');
  const stop = watchStopSignals();
  try {
    if (sub === 'export') {
      const report = await exportCaches({
        ...common(values, io, stop.signal, 3600),
        to: store,
        maxSize,
        maxAgeSeconds: values['max-age'] ? parseAge(values['max-age']) : undefined,
        trimModules: !values['keep-all-modules'],
      });
      await emit(report, values.json, io);
      return 0;
    }
    const report = await importCaches({ ...common(values, io, stop.signal, 600), from: store, maxSize });
    await emit(report, values.json, io);
    // Cache trouble never fails a build.
    return 0;
  } catch (error) {
    // A signal can also land while an archive is being hashed: any error after one is the interruption.
    const caught = stop.caught();
    if (error instanceof AbortedError || caught !== undefined) {
      io.stderr(`warmbuild cache: interrupted${caught ? ` (${caught})` : ''}; the helper build was stopped and staged files removed\n`);
      return stop.exitCode();
    }
    throw error;
  } finally {
    stop.dispose();
  }
}
