import path from 'node:path';
import { exportCaches, importCaches, parseSize, type CacheOptions } from '../../cache/run.js';
import { UsageError } from '../../errors.js';
import { parse, type Command, type IO } from '../io.js';

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
} as const;

function common(values: Record<string, unknown>, io: IO): CacheOptions {
  return {
    dockerfile: path.resolve((values.dockerfile as string | undefined) ?? 'Dockerfile'),
    context: values.context as string | undefined,
    builder: values.builder as string | undefined,
    filter: { ids: values['mount-id'] as string[] | undefined, targets: values.target as string[] | undefined },
    platform: values.platform as string | undefined,
    namespace: values.namespace as string | undefined,
    helperImage: (values['helper-image'] as string | undefined) ?? 'busybox:latest',
    progress: (message) => io.stderr(`warmbuild cache: ${message}\n`),
  };
}

export const cache: Command = async (argv, io) => {
  const [sub, ...rest] = argv;
  const { values, positionals } = parse(rest, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (sub === 'export') {
    if (!values.to) throw new UsageError('cache export needs --to DIR or --to docker-image://REF');
    const started = Date.now();
    const result = await exportCaches({ ...common(values, io), to: values.to as string, maxSize: values['max-size'] ? parseSize(values['max-size'] as string) : undefined });
    io.stderr(`warmbuild cache: exported ${result.entries.length} cache${result.entries.length === 1 ? '' : 's'}, ${(result.bytes / 1024 / 1024).toFixed(1)} MiB, in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return 0;
  }
  if (sub === 'import') {
    if (!values.from) throw new UsageError('cache import needs --from DIR or --from docker-image://REF');
    const started = Date.now();
    const result = await importCaches({ ...common(values, io), from: values.from as string });
    for (const w of result.warnings) io.stderr(`warmbuild cache: warning: ${w}\n`);
    io.stderr(`warmbuild cache: restored ${result.restored.length} cache${result.restored.length === 1 ? '' : 's'} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    // Cache trouble never fails a build.
    return 0;
  }
  throw new UsageError('usage: warmbuild cache export|import [--dockerfile F] [--builder NAME] --to DEST | --from SRC');
};
