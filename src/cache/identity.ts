import path from 'node:path/posix';
import { golangImageVersion } from '../go/version.js';
import { type DockerfileModel, expand, type Instruction, type Resolved } from '../model/dockerfile.js';
import { resolveTarget } from '../model/env.js';
import { type CacheMount, isCacheMount } from '../model/mounts.js';
import { analyzeDockerfile, type SemanticModel } from '../model/semantic.js';

/**
 * Which BuildKit cache a `--mount=type=cache` reaches, derived as BuildKit derives it (moby/buildkit
 * v0.26, see docs/cache.md "Cache identity"). Pure.
 *
 * - frontend/dockerfile/instructions/commands_runmount.go `parseMount`: every value is expanded with
 *   the stage's ARG/ENV before use; `uid`/`gid` are decimal, `mode` octal.
 * - frontend/dockerfile/dockerfile2llb/convert_runmount.go `dispatchRunMounts`: without `id=`, the id
 *   is `path.Clean(target)` of the target *as written* (a relative target stays relative, although
 *   the mount lands under WORKDIR); the persistent cache dir is `BUILDKIT_CACHE_MOUNT_NS + "/" + id`;
 *   `uid`, `gid` or `mode` make the cache's base a `mkdir /cache` with that owner and mode instead of
 *   an empty snapshot.
 * - solver/llbsolver/mounts/mount.go `getRefCacheDir`: the cache is found by `id + ":" + base ref`,
 *   so the same id with another uid/gid/mode is another cache; `sharing` only decides how concurrent
 *   builds wait, not which cache they get; the target only names the record ("cached mount <target>").
 * - The platform is not part of the key: a `--platform=$BUILDPLATFORM` stage reaches the same cache
 *   for every target platform (measured). Per-platform caches exist when the id names the platform
 *   (`id=gocache-$TARGETARCH`); identities are therefore derived per target platform.
 */
export interface CacheIdentity {
  id: string;
  uid?: number;
  gid?: number;
  /** Numeric mode (parsed from octal). */
  mode?: number;
}

export type CacheKind = 'gocache' | 'gomodcache' | 'other';

/** One cache mount as a Dockerfile uses it on one target platform. */
export interface CacheUse {
  identity: CacheIdentity;
  /** Where the RUN mounts it, resolved under WORKDIR (informational: not part of the identity). */
  target: string;
  sharing: 'shared' | 'private' | 'locked';
  kind: CacheKind;
  /** Target platform the identity was derived for. */
  platform: string;
  /** Whether the id changes with the target platform (it names $TARGETARCH or similar). */
  perPlatform: boolean;
  /** `major.minor` of the stage's golang image, when its tag says it. */
  goVersion?: string;
}

export interface CacheFilter {
  ids?: readonly string[];
  targets?: readonly string[];
}

/** A mount warmbuild cannot reach from a helper build, with the reason. */
export interface SkippedMount {
  line: number;
  reason: string;
}

/** `path.Clean` from Go: no trailing slash, `.` for empty. */
export function goPathClean(p: string): string {
  if (p === '') return '.';
  const cleaned = path.normalize(p);
  return cleaned.length > 1 && cleaned.endsWith('/') ? cleaned.slice(0, -1) : cleaned;
}

const PLATFORM_ARGS = ['TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT'] as const;

function platformVars(platform: string): Record<(typeof PLATFORM_ARGS)[number], string> {
  const [os = 'linux', arch = 'amd64', variant = ''] = platform.split('/');
  return { TARGETPLATFORM: platform, TARGETOS: os, TARGETARCH: arch, TARGETVARIANT: variant };
}

/** The stage's variables, with BuildKit's automatic platform ARGs filled in where the stage declares them. */
function varsFor(model: SemanticModel, instruction: Instruction, platform: string): Map<string, Resolved> {
  const vars = new Map(model.env(instruction).vars);
  for (const [name, value] of Object.entries(platformVars(platform))) {
    const declared = vars.get(name);
    if (declared && declared.value === undefined) vars.set(name, { value, certain: true, origin: 'arg' });
  }
  return vars;
}

function parseNumber(text: string | undefined, radix: 8 | 10): number | undefined | null {
  if (text === undefined) return undefined;
  const valid = radix === 8 ? /^[0-7]+$/ : /^\d+$/;
  return valid.test(text) ? parseInt(text, radix) : null;
}

/** The golang image's Go release (`1.25`): a store made by another release is not restored. */
function goVersionOf(image: string | undefined): string | undefined {
  const version = image === undefined ? undefined : golangImageVersion(image);
  return version ? `${version.major}.${version.minor}` : undefined;
}

function kindOf(target: string, instruction: Instruction, model: SemanticModel): CacheKind {
  const paths = model.goPaths(instruction);
  if (paths.gocache.value === target) return 'gocache';
  if (paths.gomodcache.value === target) return 'gomodcache';
  return 'other';
}

function useOf(model: SemanticModel, instruction: Instruction, mount: CacheMount, platform: string): CacheUse | string {
  if (mount.from !== undefined || mount.source !== undefined)
    return 'a cache mount with from= or source= starts from another stage, which a helper build cannot reproduce';
  const vars = varsFor(model, instruction, platform);
  const value = (raw: string | undefined): string | undefined => (raw === undefined ? undefined : expand(raw, vars).value);
  const rawTarget = value(mount.target);
  if (rawTarget === undefined) return 'its target depends on a build argument without a default';
  const id = mount.id !== undefined ? value(mount.id) : goPathClean(rawTarget);
  if (id === undefined) return 'its id depends on a build argument without a default';
  if (/[\0-\x1f]/.test(id)) return 'its id has control characters';
  const uid = parseNumber(value(mount.uid), 10);
  const gid = parseNumber(value(mount.gid), 10);
  const mode = parseNumber(value(mount.mode), 8);
  if (uid === null || gid === null || mode === null) return 'BuildKit rejects its uid, gid or mode';
  const target = goPathClean(resolveTarget(rawTarget, model.env(instruction)) ?? rawTarget);
  const sharing = (value(mount.sharing) ?? 'shared').toLowerCase();
  const otherPlatform = platform === 'linux/amd64' ? 'linux/arm64' : 'linux/amd64';
  const varsElsewhere = varsFor(model, instruction, otherPlatform);
  const idElsewhere = mount.id !== undefined ? expand(mount.id, varsElsewhere).value : goPathClean(expand(mount.target!, varsElsewhere).value ?? '');
  const goVersion = goVersionOf(instruction.stage?.resolvedImage ?? instruction.stage?.image);
  return {
    identity: { id, ...(uid !== undefined ? { uid } : {}), ...(gid !== undefined ? { gid } : {}), ...(mode !== undefined ? { mode } : {}) },
    target,
    sharing: sharing === 'private' || sharing === 'locked' ? sharing : 'shared',
    kind: kindOf(target, instruction, model),
    platform,
    perPlatform: idElsewhere !== id,
    ...(goVersion ? { goVersion } : {}),
  };
}

/** A string naming exactly one BuildKit cache (within one namespace). */
export function identityKey(identity: CacheIdentity): string {
  return JSON.stringify([identity.id, identity.uid ?? null, identity.gid ?? null, identity.mode ?? null]);
}

/**
 * Every distinct cache the Dockerfile's RUNs reach on the given target platforms, in order of first
 * use; a cache every platform shares is listed once.
 */
export function cacheUsesOf(parsed: DockerfileModel, platforms: readonly string[], filter: CacheFilter = {}): { uses: CacheUse[]; skipped: SkippedMount[] } {
  const model = analyzeDockerfile(parsed);
  const uses = new Map<string, CacheUse>();
  const skipped: SkippedMount[] = [];
  for (const platform of platforms) {
    for (const instruction of model.instructions) {
      if (instruction.keyword !== 'RUN') continue;
      for (const mount of instruction.mounts) {
        if (!isCacheMount(mount) || mount.target === undefined) continue;
        const use = useOf(model, instruction, mount, platform);
        if (typeof use === 'string') {
          if (platform === platforms[0]) skipped.push({ line: instruction.line, reason: use });
          continue;
        }
        if (filter.ids?.length && !filter.ids.includes(use.identity.id)) continue;
        if (filter.targets?.length && !filter.targets.includes(use.target)) continue;
        const key = identityKey(use.identity);
        if (!uses.has(key)) uses.set(key, use);
      }
    }
  }
  return { uses: [...uses.values()], skipped };
}

/** A store file name for a cache: readable, and unique per identity (and platform when it matters). */
export function archiveName(use: CacheUse): string {
  const slug =
    use.identity.id
      .replace(/[^\w.-]+/g, '_')
      .replace(/^[_.]+/, '')
      .slice(0, 40) || 'cache';
  const digest = fnv(`${identityKey(use.identity)}|${use.perPlatform ? use.platform : ''}`);
  return `${slug}-${digest}.tar`;
}

/** A short stable digest (FNV-1a, 64 bit, hex); names only, never a security check. */
function fnv(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text)) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return hash.toString(16).padStart(16, '0');
}
