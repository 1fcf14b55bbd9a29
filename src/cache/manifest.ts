import type { CacheIdentity } from './identity.js';

/** The store's manifest: what each archive holds, with sizes and checksums. Pure. */
export interface CacheManifest {
  version: 1;
  created: string;
  platform: string;
  goSum: string;
  entries: ManifestEntry[];
}

export interface ManifestEntry {
  key: string;
  file: string;
  identity: CacheIdentity;
  bytes: number;
  sha256: string;
  /** Files dropped from a Go build cache to respect --max-size. */
  trimmed?: number;
}

/** Validates untrusted manifest JSON; returns a reason instead of throwing. */
export function parseManifest(text: string): CacheManifest | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'manifest.json is not valid JSON';
  }
  const m = value as Partial<CacheManifest>;
  if (m.version !== 1) return `unsupported manifest version ${String(m.version)}`;
  if (typeof m.platform !== 'string' || typeof m.goSum !== 'string' || !Array.isArray(m.entries)) return 'manifest.json lacks platform, goSum or entries';
  for (const e of m.entries) {
    if (typeof e?.key !== 'string' || typeof e.file !== 'string' || !/^[\w.-]+\.tar$/.test(e.file) || typeof e.sha256 !== 'string' || typeof e.bytes !== 'number' || typeof e.identity?.id !== 'string') {
      return 'manifest.json has a malformed entry';
    }
  }
  return m as CacheManifest;
}

/**
 * The archive to restore for each cache: the exact key first; else the same mount and platform with
 * another go.sum (modules and packages still mostly valid, like a restore key).
 */
export function selectEntries(manifest: CacheManifest, wanted: ReadonlyArray<{ identity: CacheIdentity; key: string }>, platform: string): Array<{ identity: CacheIdentity; entry: ManifestEntry; exact: boolean }> {
  const out: Array<{ identity: CacheIdentity; entry: ManifestEntry; exact: boolean }> = [];
  for (const w of wanted) {
    const exact = manifest.entries.find((e) => e.key === w.key);
    if (exact) {
      out.push({ identity: w.identity, entry: exact, exact: true });
      continue;
    }
    const similar = manifest.platform === platform ? manifest.entries.find((e) => JSON.stringify(e.identity) === JSON.stringify(w.identity)) : undefined;
    if (similar) out.push({ identity: w.identity, entry: similar, exact: false });
  }
  return out;
}
