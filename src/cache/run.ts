import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { builderDriver, helperBuild, pruneLayerRecords } from '../adapters/docker.js';
import { readText } from '../adapters/fs.js';
import { removeDir, scratchDir, writeFiles } from '../adapters/scratch.js';
import { DirectoryStore, IMAGE_STORE, ImageStore, readManifestText, readOptional, summarizeArchive, verifyArchive } from '../adapters/store.js';
import { EngineError, InputError, TimeoutError } from '../errors.js';
import { goSumModules } from '../go/gosum.js';
import { parseDockerfile } from '../model/dockerfile.js';
import {
  EXPORT_OUTPUT_DIR,
  EXPORT_SCRIPT,
  type ExportJob,
  exportDockerfile,
  IMPORT_SCRIPT,
  type ImportJob,
  importDockerfile,
  parseHelperProgress,
} from './helper.js';
import { archiveName, type CacheFilter, type CacheUse, cacheUsesOf, type SkippedMount } from './identity.js';
import { decideImport, findEntry, type ManifestEntry, mergeManifest, parseManifest, staleFiles } from './manifest.js';
import { type CacheReport, human, type MountReport } from './report.js';
import type { Store } from './store.js';

export interface CacheOptions {
  dockerfile: string;
  /** Where go.sum is; default: the Dockerfile's directory. */
  context?: string;
  builder?: string;
  filter: CacheFilter;
  /** Target platforms the build uses (ids that name $TARGETARCH differ per platform). */
  platforms: readonly string[];
  namespace?: string;
  helperImage: string;
  /** Overall time limit. */
  timeoutSeconds?: number;
  signal?: AbortSignal;
  progress: (message: string) => void;
}

function storeFor(location: string, builder: string | undefined): Store {
  if (location.startsWith(IMAGE_STORE)) return new ImageStore(location, builder, async () => (await builderDriver(builder)) === 'docker');
  return new DirectoryStore(path.resolve(location));
}

async function prepare(options: CacheOptions): Promise<{ uses: CacheUse[]; unsupported: SkippedMount[]; goSum: string; goSumHash: string }> {
  const text = await readText(options.dockerfile).catch((error: unknown) => {
    throw error instanceof InputError ? error : new InputError(options.dockerfile, undefined, 'cannot read the Dockerfile');
  });
  const { uses, skipped } = cacheUsesOf(parseDockerfile(text), options.platforms, options.filter);
  const goSum = await readOptional(path.join(options.context ?? path.dirname(options.dockerfile), 'go.sum'));
  const goSumHash = goSum ? createHash('sha256').update(goSum).digest('hex') : '';
  return { uses, unsupported: skipped, goSum, goSumHash };
}

function withTimeout(options: CacheOptions): AbortSignal | undefined {
  const signals = [options.signal, options.timeoutSeconds ? AbortSignal.timeout(options.timeoutSeconds * 1000) : undefined].filter(
    (s): s is AbortSignal => s !== undefined,
  );
  return signals.length === 0 ? undefined : AbortSignal.any(signals);
}

function tail(stderr: string): string {
  return stderr.trim().split('\n').slice(-6).join('\n');
}

function mountOf(use: CacheUse, file: string): Pick<MountReport, 'id' | 'target' | 'kind' | 'platform' | 'file'> {
  return { id: use.identity.id, target: use.target, kind: use.kind, ...(use.perPlatform ? { platform: use.platform } : {}), file };
}

function elapsed(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export interface ExportOptions extends CacheOptions {
  to: string;
  /** Cap for the Go build cache, most recently used first. */
  maxSize?: number;
  /** Go build cache entries unused for longer are dropped. */
  maxAgeSeconds?: number;
  /** Drop modules go.sum does not name (default true when there is a go.sum). */
  trimModules?: boolean;
}

/** Copies every selected cache out through a helper build; what is unchanged since the store's manifest is skipped. */
export async function exportCaches(options: ExportOptions): Promise<CacheReport> {
  const started = process.hrtime.bigint();
  const { uses, unsupported, goSum, goSumHash } = await prepare(options);
  const report: CacheReport = { version: 1, operation: 'export', store: options.to, seconds: 0, mounts: [], unsupported };
  if (uses.length === 0) return { ...report, note: 'the Dockerfile has no cache mounts (after filters): nothing to export' };
  const signal = withTimeout(options);
  const store = storeFor(options.to, options.builder);
  const session = await store.beginExport(signal);
  const context = await scratchDir('warmbuild-helper-');
  const nonce = randomBytes(8).toString('hex');
  let committed = false;
  try {
    const modules = goSum ? goSumModules(goSum) : [];
    const jobs: ExportJob[] = [];
    for (const use of uses) {
      const file = archiveName(use);
      const previous = findEntry(session.previous, use);
      const intact = previous !== undefined && previous.file === file && (await session.holds(file, previous.bytes));
      jobs.push({
        use,
        file,
        ...(use.kind === 'gocache' && options.maxSize !== undefined ? { maxBytes: options.maxSize } : {}),
        ...(use.kind === 'gocache' && options.maxAgeSeconds !== undefined ? { cutoff: Math.floor(Date.now() / 1000) - options.maxAgeSeconds } : {}),
        ...(intact ? { expected: previous.fingerprint } : {}),
        ...(use.kind === 'gomodcache' && modules.length > 0 && options.trimModules !== false ? { keepFile: `${file}.keep` } : {}),
      });
    }
    await writeFiles(context, {
      'export.sh': EXPORT_SCRIPT,
      ...Object.fromEntries(jobs.filter((j) => j.keepFile).map((j) => [j.keepFile!, `${modules.join('\n')}\n`])),
    });
    options.progress(`exporting ${uses.length} cache mount${uses.length === 1 ? '' : 's'} to ${options.to}`);
    const built = await helperBuild({
      builder: options.builder,
      dockerfile: exportDockerfile(options.helperImage, nonce, jobs),
      context,
      output: `type=local,dest=${session.staging}`,
      buildArgs: options.namespace ? { BUILDKIT_CACHE_MOUNT_NS: options.namespace } : {},
      signal,
    });
    if (built.code !== 0) throw new EngineError(`the export build failed:\n${tail(built.stderr)}`);
    const outcomes = parseHelperProgress(built.stderr, nonce);
    const entries: ManifestEntry[] = [];
    const written: string[] = [];
    for (const job of jobs) {
      const outcome = outcomes.get(job.file);
      const base = mountOf(job.use, job.file);
      const previous = findEntry(session.previous, job.use);
      if (outcome?.status === 'unchanged' && previous) {
        entries.push(previous);
        report.mounts.push({ ...base, status: 'unchanged', reason: 'same files as the store holds', files: previous.files, bytes: previous.bytes });
        continue;
      }
      if (outcome?.status !== 'exported') throw new EngineError(`the export build did not write ${job.file}`);
      const hashing = process.hrtime.bigint();
      const summary = await summarizeArchive(path.join(session.staging, EXPORT_OUTPUT_DIR, job.file), signal);
      entries.push({
        file: job.file,
        identity: job.use.identity,
        target: job.use.target,
        kind: job.use.kind,
        platform: job.use.platform,
        perPlatform: job.use.perPlatform,
        goSum: goSumHash,
        ...(job.use.goVersion ? { goVersion: job.use.goVersion } : {}),
        bytes: summary.bytes,
        sha256: summary.sha256,
        files: summary.files,
        fingerprint: summary.fingerprint,
        created: new Date().toISOString(),
      });
      written.push(job.file);
      report.mounts.push({
        ...base,
        status: 'exported',
        files: summary.files,
        bytes: summary.bytes,
        seconds: (outcome.seconds ?? 0) + elapsed(hashing),
        ...(outcome.dropped ? { dropped: outcome.dropped } : {}),
      });
    }
    const manifest = mergeManifest(session.previous, entries);
    await session.commit(manifest, path.join(session.staging, EXPORT_OUTPUT_DIR), written, staleFiles(session.previous, manifest));
    committed = true;
    return { ...report, seconds: elapsed(started) };
  } finally {
    if (!committed) await session.abort();
    await removeDir(context);
    // The export RUNs' snapshots hold a copy of every archive: remove them from the builder.
    await pruneLayerRecords(`warmbuild-${nonce}`, options.builder).catch(() => undefined);
  }
}

export interface ImportOptions extends CacheOptions {
  from: string;
  /** Skip the import when what it would restore is bigger. */
  maxSize?: number;
}

/**
 * Restores caches from a directory or an image. Cache trouble never fails a build: each archive is
 * verified on its own, refused ones are reported with the reason, and the others are restored.
 * Nothing from the store is executed.
 */
export async function importCaches(options: ImportOptions): Promise<CacheReport> {
  const started = process.hrtime.bigint();
  const { uses, unsupported, goSumHash } = await prepare(options);
  const report: CacheReport = { version: 1, operation: 'import', store: options.from, seconds: 0, mounts: [], unsupported };
  const done = (note?: string): CacheReport => ({ ...report, seconds: elapsed(started), ...(note ? { note } : {}) });
  if (uses.length === 0) return done('the Dockerfile has no cache mounts (after filters): nothing to import');
  const signal = withTimeout(options);
  const nonce = randomBytes(8).toString('hex');
  let opened: Awaited<ReturnType<Store['open']>> | undefined;
  let context: string | undefined;
  let helperRan = false;
  try {
    opened = await storeFor(options.from, options.builder).open(signal);
    if ('missing' in opened) return done(`${opened.missing}: nothing restored; the build runs cold`);
    const read = await readManifestText(opened.dir);
    if (read === undefined) return done(`no manifest.json in ${options.from}: nothing restored; the build runs cold`);
    if ('refused' in read) return done(`${read.refused}: refused; the build runs cold`);
    const manifest = parseManifest(read.text);
    if (typeof manifest === 'string') return done(`${options.from}: ${manifest}; the build runs cold`);

    const candidates: Array<{ use: CacheUse; entry: ManifestEntry; note?: string }> = [];
    for (const use of uses) {
      const entry = findEntry(manifest, use);
      const base = mountOf(use, entry?.file ?? archiveName(use));
      if (!entry) {
        report.mounts.push({ ...base, status: 'missing', reason: 'the store has no archive for this cache' });
        continue;
      }
      const decision = decideImport(entry, use, goSumHash);
      if (!decision.restore) report.mounts.push({ ...base, status: 'skipped', reason: decision.reason, bytes: entry.bytes });
      else candidates.push({ use, entry, ...(decision.note ? { note: decision.note } : {}) });
    }
    const total = candidates.reduce((n, c) => n + c.entry.bytes, 0);
    if (options.maxSize !== undefined && total > options.maxSize) {
      for (const c of candidates)
        report.mounts.push({
          ...mountOf(c.use, c.entry.file),
          status: 'skipped',
          reason: `the store holds ${human(total)}, over the --max-size of ${human(options.maxSize)}`,
          bytes: c.entry.bytes,
        });
      return done();
    }

    const jobs: Array<ImportJob & { report: MountReport }> = [];
    for (const c of candidates) {
      const verifying = process.hrtime.bigint();
      const verified = await verifyArchive(opened.dir, c.entry.file, c.entry, signal);
      const base = mountOf(c.use, c.entry.file);
      if ('refused' in verified) {
        report.mounts.push({ ...base, status: 'refused', reason: verified.refused });
        continue;
      }
      if (c.note) options.progress(`${c.use.identity.id}: ${c.note}`);
      const mount: MountReport = { ...base, status: 'restored', files: verified.files, bytes: verified.bytes, seconds: elapsed(verifying) };
      report.mounts.push(mount);
      jobs.push({ use: c.use, file: c.entry.file, sha256: c.entry.sha256, report: mount });
    }
    if (jobs.length === 0) return done();

    context = await scratchDir('warmbuild-helper-');
    await writeFiles(context, { 'import.sh': IMPORT_SCRIPT });
    options.progress(`restoring ${jobs.length} cache${jobs.length === 1 ? '' : 's'} from ${options.from}`);
    helperRan = true;
    const built = await helperBuild({
      builder: options.builder,
      dockerfile: importDockerfile(options.helperImage, nonce, jobs),
      context,
      namedContexts: { store: opened.dir },
      output: 'type=cacheonly',
      buildArgs: options.namespace ? { BUILDKIT_CACHE_MOUNT_NS: options.namespace } : {},
      signal,
    });
    const outcomes = parseHelperProgress(built.stderr, nonce);
    for (const job of jobs) {
      const outcome = outcomes.get(job.file);
      if (outcome?.status === 'restored') {
        job.report.seconds = (job.report.seconds ?? 0) + (outcome.seconds ?? 0);
        continue;
      }
      job.report.status = 'refused';
      job.report.reason = outcome?.reason ?? `the restore build failed: ${tail(built.stderr).split('\n').pop() ?? ''}`;
      delete job.report.files;
    }
    return done();
  } catch (error) {
    const timedOut = error instanceof TimeoutError || (signal?.aborted && signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError');
    if (timedOut) {
      for (const m of report.mounts) if (m.status === 'restored') Object.assign(m, { status: 'refused', reason: 'not restored in time' });
      return done(
        `the import did not finish within ${options.timeoutSeconds} s; what it restored so far stays (Go verifies every cache entry); the build runs partly cold`,
      );
    }
    throw error;
  } finally {
    if (context) await removeDir(context);
    if (opened && 'dir' in opened) await opened.close();
    if (helperRan) await pruneLayerRecords(`warmbuild-${nonce}`, options.builder).catch(() => undefined);
  }
}
