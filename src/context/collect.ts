import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readContextFile } from '../adapters/fs.js';
import { globRegExp } from '../make/glob.js';
import type { Instruction } from '../model/dockerfile.js';
import type { SemanticModel } from '../model/semantic.js';
import type { BuildContext } from '../rules/types.js';
import { followRun } from './follow.js';

/** Enough for the Makefiles and scripts of large projects, bounded so that a huge context stays fast. */
const MAX_LISTED_FILES = 50_000;
const UNLISTED_DIRS = new Set(['.git', 'node_modules', 'vendor']);
const MAX_ROUNDS = 12;

/** How the collector reaches the file system; the runner passes one that asks each question once per run. */
export interface ContextReader {
  /** A file of the context by context-relative path, as `readContextFile` reads it; undefined when it cannot be read. */
  contextFile(contextDir: string, rel: string): Promise<string | undefined>;
  /** Any file's text, undefined when it cannot be read. */
  text(file: string): Promise<string | undefined>;
  /** What is at `file` (symlinks followed), undefined when nothing. */
  kind(file: string): Promise<'file' | 'directory' | 'other' | undefined>;
}

export const fileSystemReader: ContextReader = {
  contextFile: readContextFile,
  text: (file) => fs.readFile(file, 'utf8').catch(() => undefined),
  kind: (file) =>
    fs.stat(file).then(
      (stat) => (stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : 'other'),
      () => undefined,
    ),
};

/**
 * Reads, never executes, what the context-aware rules need from a build context: go.mod, go.work and
 * every file the follower of make and scripts asks for, round after round until it asks for nothing
 * new (a Makefile names an include, whose recipe calls a script, which sources another). A missing or
 * unreadable context gives undefined: the context-based checks are then off, and nothing fails.
 */
export async function collectContext(
  model: SemanticModel,
  contextDir: string,
  dockerfilePath?: string,
  reader: ContextReader = fileSystemReader,
): Promise<BuildContext | undefined> {
  if ((await reader.kind(contextDir)) !== 'directory') return undefined;
  const files: Record<string, string> = {};
  const tried = new Set<string>();
  const read = async (rel: string): Promise<void> => {
    const clean = path.posix.normalize(rel.replace(/^\.?\/+/, ''));
    if (tried.has(clean) || clean.startsWith('..') || clean === '.' || path.posix.isAbsolute(clean)) return;
    tried.add(clean);
    const text = await reader.contextFile(contextDir, clean);
    if (text !== undefined) files[clean] = text;
  };
  await read('go.mod');
  await read('go.work');
  const context: { files: Record<string, string>; hasGit: boolean; list?: string[] } = { files, hasGit: false };
  const runs = model.instructions
    .flatMap((i): Instruction[] => (i.keyword === 'RUN' ? [i] : i.trigger?.keyword === 'RUN' ? [i.trigger] : []))
    .map((run) => ({ run, analysis: model.run(run) }))
    .filter((r) => r.analysis.opaque.length > 0);
  for (let round = 0; round < MAX_ROUNDS && runs.length > 0; round++) {
    const wanted = new Set<string>();
    let wantsList = false;
    for (const { run, analysis } of runs) {
      const followed = followRun(model, run, context, analysis);
      for (const w of followed.wanted) wanted.add(w);
      wantsList ||= followed.wantsList;
    }
    const fresh = [...wanted].filter((w) => !tried.has(path.posix.normalize(w)));
    const list = wantsList && !context.list;
    if (fresh.length === 0 && !list) break;
    const known = Object.keys(files).length;
    for (const file of fresh) await read(file);
    if (list) context.list = await listFiles(contextDir);
    // Nothing found and nothing listed: another round would ask for the same files.
    else if (Object.keys(files).length === known) break;
  }
  const ignoreCandidates = [dockerfilePath ? `${path.basename(dockerfilePath)}.dockerignore` : undefined, '.dockerignore'].filter((x): x is string => !!x);
  let dockerignore: string | undefined;
  for (const candidate of ignoreCandidates) {
    dockerignore = await reader.text(path.join(dockerfilePath && candidate !== '.dockerignore' ? path.dirname(dockerfilePath) : contextDir, candidate));
    if (dockerignore !== undefined) break;
  }
  const hasGit = (await reader.kind(path.join(contextDir, '.git'))) !== undefined;
  const hasGoSum = (await reader.kind(path.join(contextDir, 'go.sum'))) === 'file';
  return { files, hasGit, hasGoSum, ...(dockerignore !== undefined ? { dockerignore } : {}), ...(context.list ? { list: context.list } : {}) };
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

/** The context's files, context-relative and sorted, breadth first and bounded; .git, node_modules and vendor are skipped. */
async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const queue = [''];
  while (queue.length > 0 && out.length < MAX_LISTED_FILES) {
    const dir = queue.shift()!;
    const entries = await fs.readdir(path.join(root, dir), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!UNLISTED_DIRS.has(entry.name)) queue.push(rel);
      } else out.push(rel);
    }
  }
  return out.slice(0, MAX_LISTED_FILES).sort();
}
