import { parseDockerfile } from '../model/dockerfile.js';
import type { BuildEnv } from '../model/env.js';
import { isRootUser, numericUser } from '../model/env.js';
import { analyzeDockerfile } from '../model/semantic.js';

// How warmbuild writes `--mount` values, for every writer: fix edits, init's Dockerfile, the cache
// helper builds. One place knows BuildKit's CSV quoting and the Go cache mounts' fields. Pure.

export type MountFields = ReadonlyArray<readonly [string, string]>;

/** One `key=value` field, quoted as BuildKit's CSV reader expects when it holds a quote, a comma or a blank. */
export function formatMountField(key: string, value: string): string {
  const field = `${key}=${value}`;
  return needsQuotes(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

/** Whether mount text must be quoted to stay one field. */
export function needsQuotes(text: string): boolean {
  return /[",\s]/.test(text);
}

/** A mount flag's value: its fields, comma-separated. */
export function formatMount(fields: MountFields): string {
  return fields.map(([k, v]) => formatMountField(k, v)).join(',');
}

/**
 * A whole `--mount=` flag. `literal` escapes `$` and `\`, which BuildKit expands in every mount value,
 * for values that must reach BuildKit as written (the cache helpers' ids).
 */
export function mountFlag(fields: MountFields, options: { literal?: boolean } = {}): string {
  const asWritten = (v: string): string => (options.literal ? v.replace(/[\\$]/g, (c) => `\\${c}`) : v);
  return mountFlagOf(formatMount(fields.map(([k, v]) => [k, asWritten(v)] as const)));
}

/** The `--mount=` flag for a value already formatted. */
export function mountFlagOf(value: string): string {
  return `--mount=${value}`;
}

/** A bind mount (`from` another stage or build context, `source` in it, at `target`). */
export function bindMount(target: string, options: { source?: string; from?: string } = {}): string {
  return mountFlag([
    ['type', 'bind'],
    ...(options.from !== undefined ? [['from', options.from] as const] : []),
    ...(options.source !== undefined ? [['source', options.source] as const] : []),
    ['target', target],
  ]);
}

/** A required secret mounted as a file. */
export function secretMount(id: string, target: string): string {
  return mountFlag([
    ['type', 'secret'],
    ['id', id],
    ['target', target],
    ['required', 'true'],
  ]);
}

/**
 * The fields of a cache mount for one of Go's caches at `target`, owned by `owner` when the user is
 * not root: BuildKit creates a cache owned by root otherwise, which a non-root Go cannot write.
 */
export function goCacheMountFields(target: string, options: { id?: string; owner?: { uid: string; gid: string } } = {}): MountFields {
  return [
    ['type', 'cache'],
    ...(options.id !== undefined ? [['id', options.id] as const] : []),
    ['target', target],
    ...(options.owner
      ? ([
          ['uid', options.owner.uid],
          ['gid', options.owner.gid],
        ] as const)
      : []),
  ];
}

/**
 * The mount value for a Go cache at `dir` in a RUN that runs in `env`: owned by the RUN's user when
 * that user is not root; none for a named non-root user, whose uid the Dockerfile does not tell
 * (a root-owned cache is what cache-mount-nonroot reports as an error).
 */
export function goCacheMountValue(dir: string, env: BuildEnv, id?: string): string | undefined {
  if (isRootUser(env)) return formatMount(goCacheMountFields(dir, id !== undefined ? { id } : {}));
  const owner = numericUser(env.user);
  if (!owner) return undefined;
  return formatMount(goCacheMountFields(dir, { ...(id !== undefined ? { id } : {}), owner }));
}

/** The build args a per-platform cache id names; a stage must declare them, or the id expands without them. */
export const PER_PLATFORM_ID_ARGS = ['TARGETOS', 'TARGETARCH'] as const;

/**
 * A cache id that names the target platform (BuildKit expands build args in mount options), for a Go
 * build cache that each platform must have to itself: emulated and cgo builds (see go-build-emulated's
 * README, "Per-platform cache identity").
 */
export function perPlatformCacheId(base: string): string {
  return `${base}-${PER_PLATFORM_ID_ARGS.map((name) => `\${${name}}`).join('-')}`;
}

/** Where the official golang image keeps HOME and Go's caches for root, as the model derives them (GOPATH=/go, HOME=/root). */
export const GOLANG_IMAGE_DEFAULTS: { readonly home: string; readonly gocache: string; readonly gomodcache: string } = (() => {
  const model = analyzeDockerfile(parseDockerfile('FROM golang\n'));
  const paths = model.goPaths(model.stages[0]!.from);
  return { home: paths.home.value!, gocache: paths.gocache.value!, gomodcache: paths.gomodcache.value! };
})();
