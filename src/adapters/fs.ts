import { randomBytes } from 'node:crypto';
import { closeSync, promises as fs, constants as fsConstants, fstatSync, openSync, readSync, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';
import { InputError, systemReason } from '../errors.js';
import { under, walkTree } from './walk.js';

// File-system edges of the CLI: discovery, reading (regular files only, capped), atomic writes.

/** Vendored code and build outputs: what they hold is a copy or a dependency, never the project's own Dockerfile. */
const COPY_DIRS: ReadonlySet<string> = new Set(['vendor', 'dist']);

/**
 * Extensions that make `Dockerfile.<ext>` a source file, template or backup about Dockerfiles rather than
 * one (kaniko's and BuildKit's `pkg/dockerfile/dockerfile.go`, this project's `src/model/dockerfile.ts`).
 */
export const NOT_DOCKERFILE_EXTENSIONS: ReadonlySet<string> = new Set([
  'go',
  'ts',
  'tsx',
  'mts',
  'cts',
  'js',
  'jsx',
  'mjs',
  'cjs',
  'map',
  'json',
  'yaml',
  'yml',
  'toml',
  'xml',
  'md',
  'txt',
  'rst',
  'html',
  'css',
  'sh',
  'bash',
  'ps1',
  'py',
  'rb',
  'rs',
  'java',
  'kt',
  'c',
  'h',
  'cc',
  'cpp',
  'hpp',
  'cs',
  'php',
  'pl',
  'lua',
  'swift',
  'scala',
  'sum',
  'mod',
  'lock',
  'dockerignore',
  'tmpl',
  'tpl',
  'template',
  'j2',
  'jinja',
  'jinja2',
  'erb',
  'in',
  'bak',
  'orig',
  'rej',
  'swp',
  'patch',
  'diff',
  'snap',
]);

/** Docker looks for `Dockerfile`, then `dockerfile`; Podman and Buildah for `Containerfile`, `containerfile`. */
const BASE_NAMES = new Set(['Dockerfile', 'dockerfile', 'Containerfile', 'containerfile']);

/**
 * The names BuildKit users give Dockerfiles: `Dockerfile`, `Dockerfile.<suffix>`, `<name>.Dockerfile`, and
 * the same with `Containerfile`, in the two spellings Docker and Podman look for (capitalised, lower case).
 */
export function isDockerfileName(name: string): boolean {
  if (BASE_NAMES.has(name)) return true;
  const dot = name.indexOf('.');
  if (dot > 0 && BASE_NAMES.has(name.slice(0, dot))) {
    const extension = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
    return extension !== '' && !NOT_DOCKERFILE_EXTENSIONS.has(extension);
  }
  const last = name.lastIndexOf('.');
  return last > 0 && BASE_NAMES.has(name.slice(last + 1));
}

/** BuildKit refuses a Dockerfile with no FROM (no stage to build): such a file is a parser fixture or a fragment. */
const FROM_LINE = /^[ \t]*from[ \t]/im;

/**
 * Expands paths to Dockerfiles: files as given, directories searched recursively for Dockerfile names.
 * A file found in a directory that has no FROM line is not a Dockerfile (BuildKit's own parser test
 * files are such), so it is left out; a file named explicitly is always checked.
 */
export async function discoverDockerfiles(paths: readonly string[]): Promise<Discovery> {
  const discovery: Discovery = { files: [], texts: new Map(), unreadable: [] };
  for (const given of paths) {
    let stat: import('node:fs').Stats;
    try {
      stat = await fs.stat(given);
    } catch {
      throw new InputError(given, undefined, 'no such file or directory');
    }
    if (!stat.isDirectory()) {
      discovery.files.push(given);
      continue;
    }
    const listing = await walkTree(given);
    discovery.unreadable.push(...listing.unreadable);
    const candidates = listing.files.filter((rel) => isDockerfileName(path.basename(rel)) && !under(rel, COPY_DIRS)).map((rel) => path.join(given, rel));
    for (const file of candidates) {
      const text = await readText(file).catch(() => undefined);
      // Unreadable files stay in, so that the run reports them.
      if (text === undefined) discovery.files.push(file);
      else if (FROM_LINE.test(text)) {
        discovery.files.push(file);
        discovery.texts.set(file, text);
      }
    }
  }
  return discovery;
}

export interface Discovery {
  files: string[];
  /** The found files' texts, read to look for FROM: the run checks these rather than reading each file twice. */
  texts: Map<string, string>;
  /** Directories that could not be listed, with the system's reason: reported, while the rest is checked. */
  unreadable: { path: string; reason: string }[];
}

/** What marks the root of a Go repository, where `docker build -f deploy/Dockerfile .` runs. */
const CONTEXT_MARKERS = ['go.mod', 'go.work', '.git'] as const;

/**
 * The build context a Dockerfile is most likely built with: the nearest directory, from the
 * Dockerfile's own upwards, holding go.mod, go.work or .git; the Dockerfile's directory when none does.
 */
export async function defaultBuildContext(dockerfile: string): Promise<string> {
  const start = path.dirname(dockerfile);
  const marker = await findUpward(start, CONTEXT_MARKERS);
  return marker === undefined ? start : path.dirname(marker);
}

/** Files larger than this are refused rather than read: no Dockerfile or manifest is that big. */
export const MAX_READ_BYTES = 64 * 1024 * 1024;

function isIoError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && (error as NodeJS.ErrnoException).syscall !== undefined;
}

/** Runs an I/O step, turning the system's error into a one-line InputError about `file`. */
async function io<T>(file: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (isIoError(error)) throw new InputError(file, undefined, systemReason(error));
    throw error;
  }
}

/** What a file that is not a regular file is, for messages (`a FIFO, not a regular file`). */
export function kindOf(stat: import('node:fs').Stats): string {
  if (stat.isSymbolicLink()) return 'a symbolic link';
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'a special file';
}

/**
 * The bytes of a regular file. Opened without blocking (a FIFO would otherwise wait for a writer
 * forever) and checked on the open handle, so what is read is what was checked: FIFOs, devices and
 * files over `maxBytes` are refused with an InputError saying why.
 */
export async function readRegularFile(file: string, maxBytes = MAX_READ_BYTES): Promise<Buffer> {
  // Synchronous on purpose: a run reads hundreds of small files one after another, and each
  // asynchronous open/stat/read/close is a thread-pool round trip (most of check's time on the corpus).
  // O_NONBLOCK keeps the open of a FIFO from waiting; nothing but a regular file is read.
  return io(file, async () => {
    const fd = openSync(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile()) throw new InputError(file, undefined, `${kindOf(stat)}, not a regular file`);
      const tooLarge = (): InputError => new InputError(file, undefined, `larger than ${maxBytes / (1024 * 1024)} MiB, not read`);
      if (stat.size > maxBytes) throw tooLarge();
      // Read to the end, not to the size stat gave: a growing file is still capped.
      const chunks: Buffer[] = [];
      let total = 0;
      for (;;) {
        // Sized by stat for the first read (one more byte sees a file that grew): most files are a few KiB.
        const chunk = Buffer.allocUnsafe(Math.min(total === 0 ? stat.size + 1 : 1024 * 1024, maxBytes + 1 - total));
        const bytesRead = readSync(fd, chunk, 0, chunk.length, null);
        if (bytesRead === 0) break;
        chunks.push(chunk.subarray(0, bytesRead));
        total += bytesRead;
        if (total > maxBytes) throw tooLarge();
      }
      return Buffer.concat(chunks, total);
    } finally {
      closeSync(fd);
    }
  });
}

function decodeUtf8(file: string, bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new InputError(file, undefined, 'not valid UTF-8');
  }
}

/** Reads a regular file as UTF-8, refusing bytes that are not UTF-8 rather than silently replacing them. */
export async function readText(file: string): Promise<string> {
  return decodeUtf8(file, await readRegularFile(file));
}

/** Context files the rules read are small; anything bigger is not what they look for. */
const MAX_CONTEXT_FILE_BYTES = 1024 * 1024;

/**
 * A file of a build context, by context-relative path: undefined when it is missing, is no regular
 * file, is bigger than 1 MiB, is not UTF-8, or resolves (through symlinks) outside the context, which
 * BuildKit would not follow either.
 */
export async function readContextFile(contextDir: string, rel: string): Promise<string | undefined> {
  try {
    // Synchronous for the reason readRegularFile is: the follower asks for many files, most of them missing.
    const root = realpathSync.native(contextDir);
    const real = realpathSync.native(path.join(root, rel));
    if (real !== root && !real.startsWith(`${root}${path.sep}`)) return undefined;
    return decodeUtf8(real, await readRegularFile(real, MAX_CONTEXT_FILE_BYTES));
  } catch (error) {
    if (error instanceof InputError || isIoError(error)) return undefined;
    throw error;
  }
}

const TEMP_MARK = '.warmbuild-';
const pendingTemps = new Set<string>();
const TEMP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function removePendingTemps(): void {
  for (const temp of pendingTemps) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // Best effort on the way out: the next run removes what is left.
    }
  }
  pendingTemps.clear();
}

/** On a signal, the temporary files go before the process does, as the signal's default would end it. */
function onSignal(signal: NodeJS.Signals): void {
  removePendingTemps();
  untrackSignals();
  // With other handlers (bench's, cache's cleanup) the signal is theirs to act on.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function trackSignals(): void {
  if (pendingTemps.size > 0) return;
  process.on('exit', removePendingTemps);
  for (const signal of TEMP_SIGNALS) process.on(signal, onSignal);
}

function untrackSignals(): void {
  process.off('exit', removePendingTemps);
  for (const signal of TEMP_SIGNALS) process.off(signal, onSignal);
}

function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Removes the temporary files an earlier run left next to `file` when it was killed (SIGKILL, power
 * loss): those whose process is gone. Best effort: a directory that cannot be listed is left alone.
 */
export async function removeStaleTemps(link: string): Promise<void> {
  const file = await fs.realpath(link).catch(() => link);
  const prefix = `.${path.basename(file)}${TEMP_MARK}`;
  const entries = await fs.readdir(path.dirname(file)).catch(() => [] as string[]);
  for (const entry of entries) {
    const m = entry.startsWith(prefix) ? /^(\d+)-[0-9a-f]+\.tmp$/.exec(entry.slice(prefix.length)) : null;
    const temp = path.join(path.dirname(file), entry);
    if (!m || pendingTemps.has(temp) || (Number(m[1]) !== process.pid && processAlive(Number(m[1])))) continue;
    await fs.rm(temp, { force: true }).catch(() => undefined);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Writes all or nothing: a temporary file in the same directory gets the text, the file's owner,
 * group and mode, and is synced, then renamed over the target. A symlink is followed, so the link
 * stays a link and its target gets the new text. The temporary file is removed on every failure and
 * on every exit but SIGKILL; an owner that cannot be kept (not root, file of another user) fails the
 * write rather than changing the owner. Errors are InputErrors naming the file.
 */
export async function writeAtomic(link: string, text: string): Promise<void> {
  const file = await fs.realpath(link).catch(() => link);
  const existing = await fs.stat(file).catch(() => undefined);
  if (existing && !existing.isFile()) throw new InputError(link, undefined, `${kindOf(existing)}, not a regular file`);
  const temp = tempPathFor(file);
  trackSignals();
  pendingTemps.add(temp);
  try {
    await io(link, async () => {
      const handle = await fs.open(temp, 'wx', existing ? existing.mode & 0o7777 : 0o666);
      try {
        await handle.writeFile(text);
        if (existing) {
          if (existing.uid !== process.getuid?.() || existing.gid !== process.getgid?.()) {
            await handle.chown(existing.uid, existing.gid).catch((error: unknown) => {
              throw new InputError(link, undefined, `cannot keep its owner ${existing.uid}:${existing.gid} (${systemReason(error)}); not written`);
            });
          }
          // The mode after chown: chown clears set-id bits, and open's mode was masked by the umask.
          await handle.chmod(existing.mode & 0o7777);
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(temp, file);
    });
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  } finally {
    pendingTemps.delete(temp);
    if (pendingTemps.size === 0) untrackSignals();
  }
}

/** Writes a report file (`--json`, `--report`) atomically, making its directory first. */
export async function writeOutput(file: string, text: string): Promise<void> {
  await io(file, () => fs.mkdir(path.dirname(path.resolve(file)), { recursive: true }));
  await writeAtomic(file, text);
}

/** The names in a directory, undefined when it cannot be listed. */
export async function listDirectory(dir: string): Promise<ReadonlySet<string> | undefined> {
  return fs.readdir(dir).then(
    (names) => new Set(names),
    () => undefined,
  );
}

/** The nearest file (or directory) with one of `names` in `start` or above it. */
export async function findUpward(start: string, names: readonly string[]): Promise<string | undefined> {
  let dir = path.resolve(start);
  for (;;) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (await exists(candidate)) return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
