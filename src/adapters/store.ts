import { createHash, randomBytes } from 'node:crypto';
import { constants, createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type CacheManifest, MAX_MANIFEST_BYTES, parseManifest } from '../cache/manifest.js';
import type { ExportSession, OpenedStore, Store } from '../cache/store.js';
import { TarScanner, type TarSummary } from '../cache/tar.js';
import { EngineError, InputError, TarRefusal } from '../errors.js';
import { helperBuild, pruneLayerRecords, removeImage } from './docker.js';
import { kindOf } from './fs.js';
import { removeDir, scratchDir } from './scratch.js';

// The file-system side of cache stores: the only code that reads or writes a store's files.

export const IMAGE_STORE = 'docker-image://';
const MANIFEST = 'manifest.json';
const STAGING_PREFIX = '.warmbuild-staging-';

/**
 * Opens a store file for reading only if it is a regular file right now: lstat first, then
 * O_NOFOLLOW|O_NONBLOCK (a FIFO or symlink swapped in after the lstat is refused, never waited on).
 */
async function openRegular(
  file: string,
  maxBytes: number,
  limit = `the ${maxBytes} the manifest allows`,
): Promise<{ handle: fs.FileHandle; size: number } | string> {
  const stat = await fs.lstat(file).catch(() => undefined);
  if (!stat) return 'is missing';
  if (!stat.isFile()) return `is ${kindOf(stat)}, not a regular file`;
  if (stat.size > maxBytes) return `is ${stat.size} bytes, more than ${limit}`;
  const handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => undefined);
  if (!handle) return 'cannot be opened';
  const now = await handle.stat();
  if (!now.isFile()) {
    await handle.close();
    return `is ${kindOf(now)}, not a regular file`;
  }
  return { handle, size: now.size };
}

/** The manifest's text, undefined when the store has none, or why it was refused. */
export async function readManifestText(dir: string): Promise<{ text: string } | { refused: string } | undefined> {
  const file = path.join(dir, MANIFEST);
  const opened = await openRegular(file, MAX_MANIFEST_BYTES, 'the 4 MiB a manifest may have');
  if (opened === 'is missing') return undefined;
  if (typeof opened === 'string') return { refused: `${MANIFEST} ${opened}` };
  try {
    const text = await opened.handle.readFile({ encoding: 'utf8' });
    return { text: text.slice(0, MAX_MANIFEST_BYTES) };
  } finally {
    await opened.handle.close();
  }
}

export interface ArchiveSummary extends TarSummary {
  bytes: number;
  sha256: string;
}

/** Hashes and scans a tar file in one streaming pass (constant memory, any size). */
async function summarize(handle: fs.FileHandle, limit: number | undefined, signal?: AbortSignal): Promise<ArchiveSummary> {
  const hash = createHash('sha256');
  const scanner = new TarScanner();
  let bytes = 0;
  const stream = createReadStream('', {
    fd: handle,
    autoClose: false,
    start: 0,
    ...(limit !== undefined ? { end: limit } : {}),
    highWaterMark: 1 << 20,
    signal,
  });
  await pipeline(stream, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      bytes += chunk.length;
      hash.update(chunk);
      scanner.push(chunk);
    }
  });
  return { bytes, sha256: hash.digest('hex'), ...scanner.end() };
}

/** An archive the helper build just wrote: its size, checksum, file count and fingerprint. */
export async function summarizeArchive(file: string, signal?: AbortSignal): Promise<ArchiveSummary> {
  const handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return await summarize(handle, undefined, signal);
  } finally {
    await handle.close();
  }
}

/** Checks a store archive against its manifest entry; returns its summary or why it was refused. */
export async function verifyArchive(
  dir: string,
  file: string,
  expected: { bytes: number; sha256: string },
  signal?: AbortSignal,
): Promise<ArchiveSummary | { refused: string }> {
  const opened = await openRegular(path.join(dir, file), expected.bytes);
  if (typeof opened === 'string') return { refused: `${file} ${opened}` };
  try {
    if (opened.size !== expected.bytes) return { refused: `${file} is ${opened.size} bytes, the manifest says ${expected.bytes} (truncated or altered)` };
    const summary = await summarize(opened.handle, expected.bytes, signal);
    if (summary.bytes !== expected.bytes || summary.sha256 !== expected.sha256) return { refused: `${file} does not match the manifest's checksum (altered)` };
    return summary;
  } catch (error) {
    if (error instanceof TarRefusal) return { refused: `${file}: ${error.message}` };
    throw error;
  } finally {
    await opened.handle.close();
  }
}

/** Reads an optional small text file (go.sum); '' when it is absent or not a regular file. */
export async function readOptional(file: string): Promise<string> {
  const opened = await openRegular(file, 64 * 1024 * 1024, '64 MiB');
  if (typeof opened === 'string') return '';
  try {
    return await opened.handle.readFile({ encoding: 'utf8' });
  } finally {
    await opened.handle.close();
  }
}

function manifestText(manifest: CacheManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** A local directory: empty or new, or a warmbuild store (it holds a manifest warmbuild wrote). */
export class DirectoryStore implements Store {
  constructor(readonly location: string) {}

  async beginExport(): Promise<ExportSession> {
    const dir = this.location;
    const stat = await fs.stat(dir).catch(() => undefined);
    if (stat && !stat.isDirectory()) throw new InputError(dir, undefined, 'is not a directory');
    await fs.mkdir(dir, { recursive: true });
    const names = (await fs.readdir(dir)).filter((n) => !n.startsWith(STAGING_PREFIX));
    let previous: CacheManifest | undefined;
    if (names.length > 0) {
      const read = await readManifestText(dir);
      if (read === undefined)
        throw new InputError(
          dir,
          undefined,
          'is neither empty nor a warmbuild cache store (no manifest.json): refusing to write into it; give an empty or new directory',
        );
      if ('refused' in read) throw new InputError(dir, undefined, `${read.refused}: refusing to write into it`);
      const parsed = parseManifest(read.text);
      if (typeof parsed === 'string') throw new InputError(dir, undefined, `${parsed}: refusing to write into it; give an empty or new directory`);
      previous = parsed;
    }
    // Staging dirs of runs that were killed (SIGKILL) are warmbuild's own: remove them.
    for (const name of await fs.readdir(dir)) if (name.startsWith(STAGING_PREFIX)) await removeDir(path.join(dir, name));
    const staging = await scratchDir(STAGING_PREFIX, dir);
    return {
      previous,
      staging,
      holds: async (file, bytes) => {
        const stat = await fs.lstat(path.join(dir, file)).catch(() => undefined);
        return stat?.isFile() === true && stat.size === bytes;
      },
      commit: async (manifest, archives, written, stale) => {
        for (const file of written) await fs.rename(path.join(archives, file), path.join(dir, file));
        const temp = path.join(dir, `.${MANIFEST}.${randomBytes(6).toString('hex')}.tmp`);
        await fs.writeFile(temp, manifestText(manifest), { flag: 'wx' });
        // rename replaces a planted symlink itself, never what it points to.
        await fs.rename(temp, path.join(dir, MANIFEST));
        for (const file of stale) await fs.rm(path.join(dir, file), { force: true });
        await removeDir(staging);
      },
      abort: () => removeDir(staging),
    };
  }

  async open(): Promise<OpenedStore | { missing: string }> {
    const stat = await fs.stat(this.location).catch(() => undefined);
    if (!stat?.isDirectory()) return { missing: `${this.location} is not a directory` };
    return { dir: this.location, close: async () => undefined };
  }
}

/** An OCI image in a registry, pushed and pulled by BuildKit. One image holds one export's caches. */
export class ImageStore implements Store {
  readonly ref: string;
  constructor(
    readonly location: string,
    private readonly builder: string | undefined,
    private readonly removeLocalCopy: () => Promise<boolean>,
  ) {
    this.ref = location.slice(IMAGE_STORE.length);
  }

  async beginExport(signal?: AbortSignal): Promise<ExportSession> {
    const staging = await scratchDir('warmbuild-export-');
    return {
      previous: undefined,
      staging,
      holds: async () => false,
      commit: async (manifest, archives) => {
        try {
          await fs.mkdir(archives, { recursive: true });
          await fs.writeFile(path.join(archives, MANIFEST), manifestText(manifest));
          const pushed = await helperBuild({
            builder: this.builder,
            dockerfile: 'FROM scratch\nCOPY . /\n',
            context: archives,
            output: `type=image,name=${this.ref},push=true`,
            signal,
          });
          if (pushed.code !== 0) throw new EngineError(`pushing ${this.ref} failed: ${pushed.stderr.trim().split('\n').slice(-3).join(' ')}`);
          // The docker driver also keeps the pushed image locally: the registry is the store, not this disk.
          if (await this.removeLocalCopy()) await removeImage(this.ref);
        } finally {
          await removeDir(staging);
        }
      },
      abort: () => removeDir(staging),
    };
  }

  async open(signal?: AbortSignal): Promise<OpenedStore | { missing: string }> {
    const dir = await scratchDir('warmbuild-import-');
    const empty = await scratchDir('warmbuild-context-');
    try {
      const pulled = await helperBuild({
        builder: this.builder,
        dockerfile: 'FROM scratch\nCOPY --from=store / /\n',
        context: empty,
        namedContexts: { store: this.location },
        output: `type=local,dest=${dir}`,
        signal,
      });
      if (pulled.code !== 0) {
        await removeDir(dir);
        return { missing: `no cache at ${this.location} (${pulled.stderr.trim().split('\n').pop() ?? 'pull failed'})` };
      }
    } catch (error) {
      await removeDir(dir);
      throw error;
    } finally {
      await removeDir(empty);
    }
    return {
      dir,
      close: async () => {
        await removeDir(dir);
        // The pull leaves a record of the store image in the builder: the store is the registry, not this builder.
        // (buildx filter values cannot hold spaces: the escaped reference alone matches "pulled from REF@digest")
        await pruneLayerRecords(this.ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), this.builder).catch(() => undefined);
      },
    };
  }
}
