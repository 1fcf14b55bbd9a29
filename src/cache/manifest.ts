import { type CacheIdentity, type CacheKind, type CacheUse, identityKey } from './identity.js';

/**
 * A store's manifest: one entry per cache (per platform where the cache is per platform), so several
 * Dockerfiles can share one store. Pure.
 */
export interface CacheManifest {
  tool: 'warmbuild';
  version: 2;
  entries: ManifestEntry[];
}

export interface ManifestEntry {
  file: string;
  identity: CacheIdentity;
  target: string;
  kind: CacheKind;
  platform: string;
  perPlatform: boolean;
  /** sha256 of the go.sum the cache was exported with ('' when there was none). */
  goSum: string;
  goVersion?: string;
  bytes: number;
  sha256: string;
  /** Regular files in the archive. */
  files: number;
  /** sha256 of the sorted `size path` lines of the archive's files: equal means nothing to export. */
  fingerprint: string;
  created: string;
}

/** The largest manifest import reads; a real one is a few KiB. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

const ARCHIVE_NAME = /^[\w-][\w.-]*\.tar$/;

export function isArchiveName(name: string): boolean {
  return ARCHIVE_NAME.test(name);
}

function isNonNegativeInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function validEntry(e: Partial<ManifestEntry> | null | undefined): e is ManifestEntry {
  if (!e || typeof e !== 'object') return false;
  const id = e.identity as Partial<CacheIdentity> | undefined;
  return (
    typeof e.file === 'string' &&
    isArchiveName(e.file) &&
    typeof id?.id === 'string' &&
    [id.uid, id.gid, id.mode].every((n) => n === undefined || isNonNegativeInt(n)) &&
    typeof e.target === 'string' &&
    (e.kind === 'gocache' || e.kind === 'gomodcache' || e.kind === 'other') &&
    typeof e.platform === 'string' &&
    typeof e.perPlatform === 'boolean' &&
    typeof e.goSum === 'string' &&
    (e.goVersion === undefined || typeof e.goVersion === 'string') &&
    isNonNegativeInt(e.bytes) &&
    typeof e.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(e.sha256) &&
    isNonNegativeInt(e.files) &&
    typeof e.fingerprint === 'string' &&
    typeof e.created === 'string'
  );
}

/** Validates untrusted manifest JSON; returns a reason instead of throwing. */
export function parseManifest(text: string): CacheManifest | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'manifest.json is not valid JSON';
  }
  const m = value as Partial<CacheManifest> | null;
  if (!m || typeof m !== 'object' || m.tool !== 'warmbuild') return 'manifest.json is not a warmbuild manifest';
  if (m.version !== 2) return `manifest.json has version ${String(m.version)}, this warmbuild reads version 2`;
  if (!Array.isArray(m.entries)) return 'manifest.json has no entries';
  const files = new Set<string>();
  for (const [i, e] of m.entries.entries()) {
    if (!validEntry(e)) return `manifest.json entry ${i + 1} is malformed`;
    if (files.has(e.file)) return `manifest.json names ${e.file} twice`;
    files.add(e.file);
  }
  return m as CacheManifest;
}

/** What makes two entries the same slot in a store. */
export function entrySlot(e: Pick<ManifestEntry, 'identity' | 'perPlatform' | 'platform'>): string {
  return `${identityKey(e.identity)}|${e.perPlatform ? e.platform : ''}`;
}

/** The previous manifest's entries, with the new ones replacing those of the same cache. */
export function mergeManifest(previous: CacheManifest | undefined, fresh: readonly ManifestEntry[]): CacheManifest {
  const slots = new Set(fresh.map(entrySlot));
  const kept = (previous?.entries ?? []).filter((e) => !slots.has(entrySlot(e)));
  return { tool: 'warmbuild', version: 2, entries: [...kept, ...fresh] };
}

/** Files the previous manifest named that the new one does not: the only files export may delete. */
export function staleFiles(previous: CacheManifest | undefined, next: CacheManifest): string[] {
  const keep = new Set(next.entries.map((e) => e.file));
  return (previous?.entries ?? []).map((e) => e.file).filter((f) => !keep.has(f));
}

export function findEntry(manifest: CacheManifest | undefined, use: CacheUse): ManifestEntry | undefined {
  return manifest?.entries.find((e) => entrySlot(e) === entrySlot(use));
}

export type ImportDecision = { restore: true; note?: string } | { restore: false; reason: string };

/** Whether an entry is worth restoring for a use: a build cache of another Go version would not be used. */
export function decideImport(entry: ManifestEntry, use: CacheUse, goSum: string): ImportDecision {
  if (use.kind === 'gocache' && entry.goVersion && use.goVersion && entry.goVersion !== use.goVersion) {
    return { restore: false, reason: `written by Go ${entry.goVersion}, the Dockerfile builds with Go ${use.goVersion}: Go would not use it` };
  }
  if (use.kind === 'gomodcache' && entry.goSum !== goSum) return { restore: true, note: 'go.sum changed since the export; restoring the older module cache' };
  return { restore: true };
}
