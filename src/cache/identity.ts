import { createHash } from 'node:crypto';
import type { DockerfileModel } from '../model/dockerfile.js';
import { envAt, resolveTarget } from '../model/env.js';
import { cacheId, isCacheMount } from '../model/mounts.js';

/** The exact identity of a BuildKit cache mount: a mount with other options is another cache. Pure. */
export interface CacheIdentity {
  id: string;
  target: string;
  uid?: string;
  gid?: string;
  mode?: string;
  sharing?: string;
  from?: string;
  source?: string;
}

export interface CacheFilter {
  ids?: readonly string[];
  targets?: readonly string[];
}

/** Every distinct cache mount the Dockerfile's RUNs use, in order of first use. */
export function cacheMountsOf(model: DockerfileModel, filter: CacheFilter = {}): CacheIdentity[] {
  const out = new Map<string, CacheIdentity>();
  for (const instruction of model.instructions) {
    if (instruction.keyword !== 'RUN') continue;
    for (const mount of instruction.mounts) {
      if (!isCacheMount(mount) || mount.target === undefined) continue;
      const target = resolveTarget(mount.target, envAt(model, instruction)) ?? mount.target;
      const identity: CacheIdentity = {
        id: mount.id ?? cacheId({ ...mount, target }),
        target,
        ...(mount.uid !== undefined ? { uid: mount.uid } : {}),
        ...(mount.gid !== undefined ? { gid: mount.gid } : {}),
        ...(mount.mode !== undefined ? { mode: mount.mode } : {}),
        ...(mount.sharing !== undefined ? { sharing: mount.sharing } : {}),
        ...(mount.from !== undefined ? { from: mount.from } : {}),
        ...(mount.source !== undefined ? { source: mount.source } : {}),
      };
      if (filter.ids?.length && !filter.ids.includes(identity.id)) continue;
      if (filter.targets?.length && !filter.targets.includes(identity.target)) continue;
      out.set(JSON.stringify(identity), identity);
    }
  }
  return [...out.values()];
}

/** A store key: the mount identity, the target platform and the go.sum hash. */
export function cacheKey(identity: CacheIdentity, platform: string, goSumHash: string): string {
  const digest = createHash('sha256').update(JSON.stringify([identity, platform, goSumHash])).digest('hex').slice(0, 20);
  return `${identity.id.replace(/[^\w.-]+/g, '_').replace(/^_+/, '').slice(0, 40) || 'cache'}-${digest}`;
}

export function isGoBuildCache(identity: CacheIdentity): boolean {
  return /(^|\/)go-build\/?$/.test(identity.target) || /gocache|go-build/i.test(identity.id);
}

/** The mount flag the helper builds use to reach the very same cache. */
export function mountFlag(identity: CacheIdentity, target: string): string {
  const fields = [`type=cache`, `id=${identity.id}`, `target=${target}`];
  for (const key of ['uid', 'gid', 'mode', 'sharing', 'from', 'source'] as const) if (identity[key] !== undefined) fields.push(`${key}=${identity[key]}`);
  return `--mount=${fields.map((f) => (/[",\s]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',')}`;
}
