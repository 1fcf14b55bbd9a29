import { defineCommand } from '../command.js';
import { cache as runCache } from './cache.js';

/**
 * The descriptor of `warmbuild cache`: main checks the command line against it (so typos get the same
 * one-line "did you mean" as every command) and the help comes from it; cache.ts then reads the
 * arguments itself. When cache.ts becomes a descriptor, these options move there.
 */
export const cache = defineCommand({
  name: 'cache',
  summary: 'Move BuildKit cache mounts in and out of the builder, for CI runners that start empty.',
  operands: 'export|import',
  description: [
    'export saves the Go cache mounts of the Dockerfile to a directory or an OCI image; import restores them before the build (and always exits 0: a missing store means a cold build). Save from trusted branches only.',
  ],
  options: {
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
  },
  examples: ['warmbuild cache import --from ./.warmbuild-cache', 'warmbuild cache export --to ./.warmbuild-cache --max-size 1GB'],
  async run({ argv }, io) {
    // cache.ts does not know the global colour flags, and prints nothing coloured.
    const code = await runCache(
      argv.filter((a) => a !== '--color' && a !== '--no-color'),
      io,
    );
    return code === 0 || code === 1 || code === 2 || code === 129 || code === 130 || code === 143 ? code : 2;
  },
});
