import type { CacheManifest } from './manifest.js';

/**
 * Where caches live between runners: a local directory (for actions/cache, GitLab `cache: paths`) or
 * an OCI image BuildKit pushes and pulls. Implementations are in src/adapters/store.ts.
 */
export interface Store {
  /** As the user wrote it, for messages. */
  readonly location: string;
  /** Refuses (InputError) a location warmbuild must not write into. */
  beginExport(signal?: AbortSignal): Promise<ExportSession>;
  /** A local directory holding the store's files, or the reason there is none. */
  open(signal?: AbortSignal): Promise<OpenedStore | { missing: string }>;
}

export interface ExportSession {
  /** The store's manifest before this export; undefined for a new store. */
  previous: CacheManifest | undefined;
  /** Where the helper build writes its archives. */
  staging: string;
  /** Whether the store still holds `file` at `bytes` (an entry whose file is gone must be written again). */
  holds(file: string, bytes: number): Promise<boolean>;
  /** Moves `written` (files in `archives`, a directory inside staging) into the store, writes the manifest, deletes `stale`. */
  commit(manifest: CacheManifest, archives: string, written: readonly string[], stale: readonly string[]): Promise<void>;
  /** Removes the staging directory; the store is left as it was. */
  abort(): Promise<void>;
}

export interface OpenedStore {
  dir: string;
  close(): Promise<void>;
}
