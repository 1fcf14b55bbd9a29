import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';

// File-system edges of the CLI: discovery, reading, atomic writes.

const SKIP_DIRS = new Set(['.git', 'node_modules', 'vendor']);

export function isDockerfileName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'dockerfile' || lower.startsWith('dockerfile.') || lower.endsWith('.dockerfile');
}

/** Expands paths to Dockerfiles: files as given, directories searched recursively. */
export async function discoverDockerfiles(paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const given of paths) {
    let stat;
    try {
      stat = await fs.stat(given);
    } catch {
      throw new InputError(given, undefined, 'no such file or directory');
    }
    if (stat.isDirectory()) await walk(given, found);
    else found.push(given);
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

/** The nearest config file in the file's directory or above it. */
export async function findConfigFile(start: string, names: readonly string[]): Promise<string | undefined> {
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
