import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readContextFile } from '../adapters/fs.js';
import type { DockerfileModel } from '../model/dockerfile.js';
import { analyzeRun } from '../model/shell.js';
import type { BuildContext } from '../rules/types.js';
import { copiedFrom } from './copies.js';
import { parseMakefile } from './makefile.js';

/**
 * Reads, never executes, what the context-aware rules need from a build context. A missing or
 * unreadable context gives undefined: the context-based checks are then off, and nothing fails.
 */
export async function collectContext(model: DockerfileModel, contextDir: string, dockerfilePath?: string): Promise<BuildContext | undefined> {
  const stat = await fs.stat(contextDir).catch(() => undefined);
  if (!stat?.isDirectory()) return undefined;
  const files: Record<string, string> = {};
  const read = async (rel: string): Promise<string | undefined> => {
    const clean = path.posix.normalize(rel.replace(/^\.?\/+/, ''));
    if (clean.startsWith('..') || clean === '.') return undefined;
    if (clean in files) return files[clean];
    const text = await readContextFile(contextDir, clean);
    if (text !== undefined) files[clean] = text;
    return text;
  };
  await read('go.mod');
  await read('go.work');
  for (const name of ['GNUmakefile', 'makefile', 'Makefile']) {
    const text = await read(name);
    if (text === undefined) continue;
    const pending = parseMakefile(text).includes;
    const done = new Set<string>();
    while (pending.length > 0) {
      const include = pending.shift()!;
      if (done.has(include) || include.includes('$')) continue;
      done.add(include);
      for (const file of await expandGlob(contextDir, include)) {
        const included = await read(file);
        if (included !== undefined) pending.push(...parseMakefile(included).includes);
      }
    }
  }
  for (const instruction of model.instructions) {
    if (instruction.keyword !== 'RUN') continue;
    for (const command of analyzeRun(model, instruction).opaque) {
      for (const candidate of scriptCandidates(command.argv.map((w) => w.value), (script) => copiedFrom(model, instruction, script))) await read(candidate);
      const makefile = makefileFlag(command.argv.map((w) => w.value));
      if (makefile) await read(makefile);
    }
  }
  const ignoreCandidates = [dockerfilePath ? `${path.basename(dockerfilePath)}.dockerignore` : undefined, '.dockerignore'].filter((x): x is string => !!x);
  let dockerignore: string | undefined;
  for (const candidate of ignoreCandidates) {
    dockerignore = candidate === '.dockerignore' || !dockerfilePath ? await readContextFile(contextDir, candidate) : await readContextFile(path.dirname(dockerfilePath), candidate);
    if (dockerignore !== undefined) break;
  }
  const hasGit = await fs
    .stat(path.join(contextDir, '.git'))
    .then(() => true)
    .catch(() => false);
  const hasGoSum = await fs
    .stat(path.join(contextDir, 'go.sum'))
    .then((s) => s.isFile())
    .catch(() => false);
  return { files, hasGit, hasGoSum, ...(dockerignore !== undefined ? { dockerignore } : {}) };
}

/**
 * Where a script a RUN invokes may live in the context: where the COPYs before it took it from (given
 * by `copied`), as written, and by its base name.
 */
export function scriptCandidates(argv: readonly string[], copied: (script: string) => readonly string[] = () => []): string[] {
  const shells = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);
  const first = argv[0] ?? '';
  const script = shells.has(path.posix.basename(first)) ? argv.slice(1).find((a) => !a.startsWith('-')) : first;
  if (!script || script.includes('$')) return [];
  const rel = script.replace(/^\.?\/+/, '');
  return [...new Set([...copied(script), rel, path.posix.basename(rel)])];
}

/** The Makefile a `make -f FILE` / `--file=FILE` command names, if it names one. */
export function makefileFlag(argv: readonly string[]): string | undefined {
  if (!['make', 'gmake'].includes(path.posix.basename(argv[0] ?? ''))) return undefined;
  const i = argv.findIndex((a) => a === '-f' || a === '--file');
  return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--file='))?.slice(7);
}

/** A make/shell glob (`*`, `?`) within one path element, as a RegExp. */
export function globRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
}

/**
 * Whether .dockerignore keeps a context-relative path out of the context: the last pattern that
 * matches it or a parent directory decides, `!` patterns re-include (Docker's rule).
 */
export function dockerignored(dockerignore: string | undefined, file: string): boolean {
  let ignored = false;
  for (const raw of (dockerignore ?? '').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    const pattern = path.posix.normalize((negated ? line.slice(1) : line).trim().replace(/^\/+/, '')).replace(/\/+$/, '');
    const elements = pattern.split('/');
    const parts = file.split('/');
    const matches = (pi: number, fi: number): boolean => {
      // A pattern that matches a parent directory keeps out everything below it.
      if (pi === elements.length) return true;
      if (elements[pi] === '**') return matches(pi + 1, fi) || (fi < parts.length && matches(pi, fi + 1));
      return fi < parts.length && globRegExp(elements[pi]!).test(parts[fi]!) && matches(pi + 1, fi + 1);
    };
    if (matches(0, 0)) ignored = !negated;
  }
  return ignored;
}

async function expandGlob(root: string, pattern: string): Promise<string[]> {
  if (!/[*?[]/.test(pattern)) return [pattern];
  const dir = path.posix.dirname(pattern);
  const re = globRegExp(path.posix.basename(pattern));
  const entries = await fs.readdir(path.join(root, dir)).catch(() => [] as string[]);
  return entries.filter((e) => re.test(e)).sort().map((e) => path.posix.join(dir, e));
}
