import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';

// File-system edges of the CLI: discovery, reading, atomic writes.

/** Version-control metadata and build outputs: what they hold is a copy or a dependency, never the project's own Dockerfile. */
const SKIP_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', 'vendor', 'dist']);

/**
 * Extensions that make `Dockerfile.<ext>` a source file, template or backup about Dockerfiles rather than
 * one (kaniko's and BuildKit's `pkg/dockerfile/dockerfile.go`, this project's `src/model/dockerfile.ts`).
 */
export const NOT_DOCKERFILE_EXTENSIONS: ReadonlySet<string> = new Set([
  'go', 'ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs', 'map', 'json', 'yaml', 'yml', 'toml', 'xml', 'md', 'txt', 'rst', 'html',
  'css', 'sh', 'bash', 'ps1', 'py', 'rb', 'rs', 'java', 'kt', 'c', 'h', 'cc', 'cpp', 'hpp', 'cs', 'php', 'pl', 'lua', 'swift', 'scala',
  'sum', 'mod', 'lock', 'dockerignore', 'tmpl', 'tpl', 'template', 'j2', 'jinja', 'jinja2', 'erb', 'in', 'bak', 'orig', 'rej', 'swp',
  'patch', 'diff', 'snap',
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
export async function discoverDockerfiles(paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const given of paths) {
    let stat;
    try {
      stat = await fs.stat(given);
    } catch {
      throw new InputError(given, undefined, 'no such file or directory');
    }
    if (!stat.isDirectory()) {
      found.push(given);
      continue;
    }
    const candidates: string[] = [];
    await walk(given, candidates);
    for (const file of candidates) {
      const text = await fs.readFile(file, 'utf8').catch(() => undefined);
      // Unreadable files stay in, so that the run reports them.
      if (text === undefined || FROM_LINE.test(text)) found.push(file);
    }
  }
  return found;
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) await walk(full, out);
    } else if (entry.isFile() && isDockerfileName(entry.name)) {
      out.push(full);
    }
  }
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

/** Reads a file as UTF-8, refusing bytes that are not UTF-8 rather than silently replacing them. */
export async function readText(file: string): Promise<string> {
  const bytes = await fs.readFile(file);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new InputError(file, undefined, 'not valid UTF-8');
  }
}

/**
 * Writes through a temporary file in the same directory and renames it over the target, keeping the
 * mode. A symlink is followed, so the link stays a link and its target gets the new text.
 */
export async function writeAtomic(link: string, text: string): Promise<void> {
  const file = await fs.realpath(link).catch(() => link);
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const mode = (await fs.stat(file).catch(() => undefined))?.mode;
  try {
    await fs.writeFile(temp, text, mode === undefined ? undefined : { mode });
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
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
