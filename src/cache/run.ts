import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { arch, tmpdir } from 'node:os';
import path from 'node:path';
import { exec, EngineError } from '../adapters/docker.js';
import { readText, writeAtomic } from '../adapters/fs.js';
import { InputError } from '../errors.js';
import { parseDockerfile } from '../model/dockerfile.js';
import { exportDockerfile, importDockerfile, NONCE_ARG } from './helper.js';
import { cacheKey, cacheMountsOf, isGoBuildCache, type CacheFilter } from './identity.js';
import { parseManifest, selectEntries, type CacheManifest, type ManifestEntry } from './manifest.js';
import { trimTar } from './tar.js';

export interface CacheOptions {
  dockerfile: string;
  /** Where go.sum is, for the cache key; default: the Dockerfile's directory. */
  context?: string;
  builder?: string;
  filter: CacheFilter;
  platform?: string;
  namespace?: string;
  helperImage: string;
  progress: (message: string) => void;
}

const IMAGE_STORE = 'docker-image://';

function defaultPlatform(): string {
  return `linux/${arch() === 'x64' ? 'amd64' : arch()}`;
}

function human(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(text.trim());
  if (!m) throw new InputError('--max-size', undefined, `not a size: ${text} (e.g. 500MB, 2GB)`);
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.round(Number(m[1]) * factor);
}

async function prepare(options: CacheOptions) {
  const text = await readText(options.dockerfile).catch(() => {
    throw new InputError(options.dockerfile, undefined, 'cannot read the Dockerfile');
  });
  const identities = cacheMountsOf(parseDockerfile(text), options.filter);
  const contextDir = options.context ?? path.dirname(options.dockerfile);
  const goSum = await fs.readFile(path.join(contextDir, 'go.sum')).catch(() => Buffer.alloc(0));
  const goSumHash = `sha256:${createHash('sha256').update(goSum).digest('hex')}`;
  const platform = options.platform ?? defaultPlatform();
  const caches = identities.map((identity) => {
    const key = cacheKey(identity, platform, goSumHash);
    return { identity, key, file: `${key}.tar` };
  });
  return { caches, goSumHash, platform };
}

async function buildx(options: CacheOptions, args: string[], dockerfile: string): Promise<{ code: number; stderr: string }> {
  const work = await fs.mkdtemp(path.join(tmpdir(), 'warmbuild-cache-'));
  try {
    const file = path.join(work, 'Dockerfile');
    await fs.writeFile(file, dockerfile);
    const context = path.join(work, 'context');
    await fs.mkdir(context);
    const all = ['buildx', 'build', ...(options.builder ? ['--builder', options.builder] : []), '--progress=plain', '-f', file, '--build-arg', `${NONCE_ARG}=${randomBytes(8).toString('hex')}`];
    if (options.namespace) all.push('--build-arg', `BUILDKIT_CACHE_MOUNT_NS=${options.namespace}`);
    all.push(...args, context);
    const result = await exec('docker', all);
    return { code: result.code, stderr: result.stderr };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

function tail(stderr: string): string {
  return stderr.trim().split('\n').slice(-8).join('\n');
}

export interface ExportResult {
  entries: ManifestEntry[];
  bytes: number;
}

/** Copies every selected cache mount out through a helper build into a directory or an image. */
export async function exportCaches(options: CacheOptions & { to: string; maxSize?: number }): Promise<ExportResult> {
  const { caches, goSumHash, platform } = await prepare(options);
  if (caches.length === 0) {
    options.progress('the Dockerfile has no cache mounts (after filters): nothing to export');
    return { entries: [], bytes: 0 };
  }
  const staging = await fs.mkdtemp(path.join(tmpdir(), 'warmbuild-export-'));
  try {
    options.progress(`exporting ${caches.length} cache mount${caches.length === 1 ? '' : 's'}: ${caches.map((c) => c.identity.id).join(', ')}`);
    const built = await buildx(options, ['--output', `type=local,dest=${staging}`], exportDockerfile(options.helperImage, caches));
    if (built.code !== 0) throw new EngineError(`the export build failed:\n${tail(built.stderr)}`);
    const entries: ManifestEntry[] = [];
    for (const c of caches) {
      let archive: Buffer = await fs.readFile(path.join(staging, c.file));
      let trimmed: number | undefined;
      if (options.maxSize !== undefined && isGoBuildCache(c.identity)) {
        const result = trimTar(archive, options.maxSize);
        archive = result.archive;
        trimmed = result.dropped;
        if (result.dropped > 0) options.progress(`${c.identity.id}: kept the ${result.kept} most recently used entries, dropped ${result.dropped} to fit ${human(options.maxSize)}`);
        await fs.writeFile(path.join(staging, c.file), archive);
      }
      const sha256 = createHash('sha256').update(archive).digest('hex');
      entries.push({ key: c.key, file: c.file, identity: c.identity, bytes: archive.length, sha256, ...(trimmed ? { trimmed } : {}) });
      options.progress(`${c.identity.id} (${c.identity.target}): ${human(archive.length)}`);
    }
    const manifest: CacheManifest = { version: 1, created: new Date().toISOString(), platform, goSum: goSumHash, entries };
    await fs.writeFile(path.join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    if (options.to.startsWith(IMAGE_STORE)) {
      const ref = options.to.slice(IMAGE_STORE.length);
      options.progress(`pushing ${ref}`);
      const image = `FROM scratch\nCOPY . /\n`;
      const dockerfile = path.join(staging, '..', `${path.basename(staging)}.Dockerfile`);
      await fs.writeFile(dockerfile, image);
      const pushed = await exec('docker', ['buildx', 'build', ...(options.builder ? ['--builder', options.builder] : []), '--progress=plain', '-f', dockerfile, '--output', `type=image,name=${ref},push=true`, staging]);
      await fs.rm(dockerfile, { force: true });
      if (pushed.code !== 0) throw new EngineError(`pushing ${ref} failed:\n${tail(pushed.stderr)}`);
      // The docker driver also keeps the pushed image locally: the registry is the store, not this disk.
      await exec('docker', ['image', 'rm', '-f', ref]);
    } else {
      await fs.mkdir(options.to, { recursive: true });
      for (const e of entries) await fs.copyFile(path.join(staging, e.file), path.join(options.to, `.${e.file}.tmp`)).then(() => fs.rename(path.join(options.to, `.${e.file}.tmp`), path.join(options.to, e.file)));
      const manifestPath = path.join(options.to, 'manifest.json');
      await writeAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
      // Archives of earlier exports that the new manifest no longer names are stale.
      for (const name of await fs.readdir(options.to)) {
        if (name.endsWith('.tar') && !entries.some((e) => e.file === name)) await fs.rm(path.join(options.to, name), { force: true });
      }
    }
    return { entries, bytes: entries.reduce((n, e) => n + e.bytes, 0) };
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

export interface ImportResult {
  restored: string[];
  warnings: string[];
}

/**
 * Restores caches from a directory or an image. Cache trouble never fails a build: a missing, partial
 * or corrupt store gives warnings and the build goes on cold. Nothing from the store is executed.
 */
export async function importCaches(options: CacheOptions & { from: string }): Promise<ImportResult> {
  const warnings: string[] = [];
  const warn = (message: string): ImportResult => {
    warnings.push(message);
    return { restored: [], warnings };
  };
  const { caches, platform } = await prepare(options);
  if (caches.length === 0) return warn('the Dockerfile has no cache mounts (after filters): nothing to import');
  let storeDir = options.from;
  let cleanup: string | undefined;
  try {
    if (options.from.startsWith(IMAGE_STORE)) {
      cleanup = await fs.mkdtemp(path.join(tmpdir(), 'warmbuild-import-'));
      storeDir = cleanup;
      options.progress(`pulling ${options.from.slice(IMAGE_STORE.length)}`);
      const pulled = await buildx(options, ['--build-context', `store=${options.from}`, '--output', `type=local,dest=${storeDir}`], 'FROM scratch\nCOPY --from=store / /\n');
      if (pulled.code !== 0) return warn(`no cache at ${options.from} (${tail(pulled.stderr).split('\n').pop()}); the build runs cold`);
    }
    const manifestText = await fs.readFile(path.join(storeDir, 'manifest.json'), 'utf8').catch(() => undefined);
    if (manifestText === undefined) return warn(`no manifest.json in ${options.from}: nothing restored; the build runs cold`);
    const manifest = parseManifest(manifestText);
    if (typeof manifest === 'string') return warn(`${options.from}: ${manifest}; the build runs cold`);
    const selected = [];
    for (const s of selectEntries(manifest, caches, platform)) {
      const bytes = await fs.readFile(path.join(storeDir, s.entry.file)).catch(() => undefined);
      if (!bytes) {
        warnings.push(`${s.entry.file} is missing: ${s.identity.id} stays cold`);
        continue;
      }
      if (bytes.length !== s.entry.bytes || createHash('sha256').update(bytes).digest('hex') !== s.entry.sha256) {
        warnings.push(`${s.entry.file} does not match the manifest (truncated or altered): ${s.identity.id} stays cold`);
        continue;
      }
      if (!s.exact) options.progress(`${s.identity.id}: go.sum changed since the export; restoring the older cache`);
      options.progress(`${s.identity.id} (${s.identity.target}): ${human(bytes.length)}`);
      selected.push({ identity: s.identity, file: s.entry.file });
    }
    for (const c of caches) if (!selected.some((s) => s.identity === c.identity)) warnings.push(`no archive for ${c.identity.id} (${c.identity.target}) in ${options.from}`);
    if (selected.length === 0) return { restored: [], warnings };
    const built = await buildx(options, ['--build-context', `store=${storeDir}`, '--output', 'type=cacheonly'], importDockerfile(options.helperImage, selected));
    if (built.code !== 0) return warn(`the restore build failed; the build runs cold:\n${tail(built.stderr)}`);
    return { restored: selected.map((s) => s.identity.id), warnings };
  } finally {
    if (cleanup) await fs.rm(cleanup, { recursive: true, force: true });
  }
}
