import { promises as fs } from 'node:fs';
import path from 'node:path';
import { contextPath, contextRequests, dockerignoreCandidates, SEED_FILES } from '../context/build-context.js';
import type { BuildContext } from '../context/types.js';
import type { SemanticModel } from '../model/semantic.js';
import { readContextFile, readText } from './fs.js';
import { under, walkTree } from './walk.js';

/** Enough for the Makefiles and scripts of large projects, bounded so that a huge context stays fast. */
const MAX_LISTED_FILES = 50_000;
/** Vendored modules are no Makefile's or script's business; leaving them out keeps the list short. */
const UNLISTED_DIRS: ReadonlySet<string> = new Set(['vendor']);
const MAX_ROUNDS = 12;

/** How the collector reaches the file system; the runner passes one that asks each question once per run. */
export interface ContextReader {
  /** A file of the context by context-relative path, as `readContextFile` reads it; undefined when it cannot be read. */
  contextFile(contextDir: string, rel: string): Promise<string | undefined>;
  /** A regular file's text (a FIFO or device is never opened for reading), undefined when it cannot be read. */
  text(file: string): Promise<string | undefined>;
  /** What is at `file` (symlinks followed), undefined when nothing. */
  kind(file: string): Promise<'file' | 'directory' | 'other' | undefined>;
  /** The context's files, context-relative and sorted, bounded; vendor/ is left out. */
  list(contextDir: string): Promise<string[]>;
}

export const fileSystemReader: ContextReader = {
  contextFile: readContextFile,
  text: (file) => readText(file).catch(() => undefined),
  kind: (file) =>
    fs.stat(file).then(
      (stat) => (stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : 'other'),
      () => undefined,
    ),
  list: listFiles,
};

/**
 * Reads, never executes, what the context-aware rules need from a build context: go.mod, go.work and
 * every file the follower of make and scripts asks for (src/context/build-context.ts decides), round
 * after round until it asks for nothing new (a Makefile names an include, whose recipe calls a script,
 * which sources another). A missing or unreadable context gives undefined: the context-based checks
 * are then off, and nothing fails.
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
  const read = async (file: string): Promise<void> => {
    tried.add(file);
    const text = await reader.contextFile(contextDir, file);
    if (text !== undefined) files[file] = text;
  };
  for (const file of SEED_FILES) await read(file);
  const context: { files: Record<string, string>; hasGit: boolean; list?: string[] } = { files, hasGit: false };
  const next = contextRequests(model);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const request = next(context);
    const fresh = [...new Set(request.files.map(contextPath))].filter((f): f is string => f !== undefined && !tried.has(f));
    if (fresh.length === 0 && !request.list) break;
    const known = Object.keys(files).length;
    for (const file of fresh) await read(file);
    if (request.list) context.list = await reader.list(contextDir);
    // Nothing found and nothing listed: another round would ask for the same files.
    else if (Object.keys(files).length === known) break;
  }
  let dockerignore: string | undefined;
  for (const candidate of dockerignoreCandidates(dockerfilePath && path.basename(dockerfilePath))) {
    const dir = candidate.besideDockerfile && dockerfilePath ? path.dirname(dockerfilePath) : contextDir;
    dockerignore = await reader.text(path.join(dir, candidate.file));
    if (dockerignore !== undefined) break;
  }
  const hasGit = (await reader.kind(path.join(contextDir, '.git'))) !== undefined;
  const hasGoSum = (await reader.kind(path.join(contextDir, 'go.sum'))) === 'file';
  return { files, hasGit, hasGoSum, ...(dockerignore !== undefined ? { dockerignore } : {}), ...(context.list ? { list: context.list } : {}) };
}

/** The context's files, context-relative and sorted, bounded; vendor/ is left out. */
async function listFiles(root: string): Promise<string[]> {
  const listing = await walkTree(root, MAX_LISTED_FILES);
  return [...listing.files, ...listing.others].filter((file) => !under(file, UNLISTED_DIRS)).sort();
}
