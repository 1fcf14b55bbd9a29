import { arch } from 'node:os';
import path from 'node:path';
import { AbortedError } from '../../adapters/docker.js';
import { writeAtomic } from '../../adapters/fs.js';
import { type CacheReport, reportLines } from '../../cache/report.js';
import { type CacheOptions, exportCaches, importCaches, parseAge, parseSize } from '../../cache/run.js';
import { UsageError } from '../../errors.js';
import { type Command, type IO, parse } from '../io.js';

const OPTIONS = {
  dockerfile: { type: 'string', short: 'f' },
  context: { type: 'string' },
  builder: { type: 'string' },
  'mount-id': { type: 'string', multiple: true },
  target: { type: 'string', multiple: true },
  platform: { type: 'string' },
  namespace: { type: 'string' },
  'helper-image': { type: 'string' },
  to: { type: 'string' },
  from: { type: 'string' },
  'max-size': { type: 'string' },
  'max-age': { type: 'string' },
  'keep-all-modules': { type: 'boolean' },
  timeout: { type: 'string' },
  json: { type: 'string' },
} as const;

const USAGE =
  'usage: warmbuild cache export --to DIR|docker-image://REF | import --from DIR|docker-image://REF [--dockerfile F] [--builder NAME] [--platform P[,P]] [--max-size SIZE] [--max-age AGE] [--timeout SECONDS] [--json PATH|-]';

/** SIGINT, SIGTERM (a CI cancel) and SIGHUP all stop the helper build and remove what warmbuild staged. */
const SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

function defaultPlatform(): string {
  return `linux/${arch() === 'x64' ? 'amd64' : arch()}`;
}

function seconds(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--timeout must be a positive number of seconds, got "${text}"`);
  return n;
}

function common(values: Record<string, unknown>, io: IO, signal: AbortSignal, timeout: number): CacheOptions {
  const platforms = ((values.platform as string | undefined) ?? defaultPlatform())
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  return {
    dockerfile: path.resolve((values.dockerfile as string | undefined) ?? 'Dockerfile'),
    context: values.context as string | undefined,
    builder: (values.builder as string | undefined) ?? (process.env.BUILDX_BUILDER || undefined),
    filter: { ids: values['mount-id'] as string[] | undefined, targets: values.target as string[] | undefined },
    platforms,
    namespace: values.namespace as string | undefined,
    helperImage: (values['helper-image'] as string | undefined) ?? 'debian:trixie-slim',
    timeoutSeconds: seconds(values.timeout as string | undefined, timeout),
    signal,
    progress: (message) => io.stderr(`warmbuild cache: ${message}\n`),
  };
}

async function emit(report: CacheReport, json: string | undefined, io: IO): Promise<void> {
  for (const line of reportLines(report)) io.stderr(`warmbuild cache: ${line}\n`);
  const text = `${JSON.stringify(report, null, 2)}\n`;
  if (json === '-') io.stdout(text);
  else if (json) await writeAtomic(json, text);
}

export const cache: Command = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub !== 'export' && sub !== 'import') throw new UsageError(USAGE);
  const { values, positionals } = parse(rest, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (sub === 'export' && !values.to) throw new UsageError('cache export needs --to DIR or --to docker-image://REF');
  if (sub === 'import' && !values.from) throw new UsageError('cache import needs --from DIR or --from docker-image://REF');
  const maxSize = values['max-size'] ? parseSize(values['max-size'] as string) : undefined;

  const controller = new AbortController();
  let caught: keyof typeof SIGNALS | undefined;
  const handlers = Object.keys(SIGNALS).map((name) => {
    const handler = (): void => {
      caught = name as keyof typeof SIGNALS;
      controller.abort();
    };
    process.once(name, handler);
    return [name, handler] as const;
  });
  try {
    if (sub === 'export') {
      const report = await exportCaches({
        ...common(values, io, controller.signal, 3600),
        to: values.to as string,
        maxSize,
        maxAgeSeconds: values['max-age'] ? parseAge(values['max-age'] as string) : undefined,
        trimModules: values['keep-all-modules'] !== true,
      });
      await emit(report, values.json as string | undefined, io);
      return 0;
    }
    const report = await importCaches({ ...common(values, io, controller.signal, 600), from: values.from as string, maxSize });
    await emit(report, values.json as string | undefined, io);
    // Cache trouble never fails a build.
    return 0;
  } catch (error) {
    // A signal can also land while an archive is being hashed: any error after one is the interruption.
    if (error instanceof AbortedError || caught !== undefined) {
      io.stderr(`warmbuild cache: interrupted${caught ? ` (${caught})` : ''}; the helper build was stopped and staged files removed\n`);
      return caught ? SIGNALS[caught] : 130;
    }
    throw error;
  } finally {
    for (const [name, handler] of handlers) process.removeListener(name, handler);
  }
};
