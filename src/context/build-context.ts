import path from 'node:path/posix';
import { globRegExp } from '../make/glob.js';
import type { DockerfileModel, Instruction } from '../model/dockerfile.js';
import { analyzeRun } from '../model/shell.js';
import { followRun } from './follow.js';
import type { BuildContext } from './types.js';

// Which files of a build context the follower of make and scripts needs next, and what .dockerignore
// keeps out of it. Pure: src/adapters/context.ts reads what is asked for.

/** The files every context read starts with, whatever the Dockerfile runs. */
export const SEED_FILES: readonly string[] = ['go.mod', 'go.work'];

export interface ContextRequest {
  /** Context-relative files the follower looked for and the context given does not have. */
  files: string[];
  /** The follower needs the context's file list. */
  list: boolean;
}

/**
 * For one Dockerfile, a function from the context read so far to what to read next: every RUN that
 * runs something out of sight (make, a script) is followed through what has been read. The RUNs are
 * analysed once, not once per round of reading.
 */
export function contextRequests(model: DockerfileModel): (context: BuildContext) => ContextRequest {
  const runs = model.instructions
    .flatMap((i): Instruction[] => (i.keyword === 'RUN' ? [i] : i.trigger?.keyword === 'RUN' ? [i.trigger] : []))
    .map((run) => ({ run, analysis: analyzeRun(model, run) }))
    .filter((r) => r.analysis.opaque.length > 0);
  return (context) => {
    const files = new Set<string>();
    let list = false;
    for (const { run, analysis } of runs) {
      const followed = followRun(model, run, context, analysis);
      for (const w of followed.wanted) files.add(w);
      list ||= followed.wantsList;
    }
    return { files: [...files], list: list && !context.list };
  };
}

/** A context-relative path in its one spelling (`./a//b` is `a/b`); undefined for one that leaves the context or names its root. */
export function contextPath(rel: string): string | undefined {
  const clean = path.normalize(rel.replace(/^\.?\/+/, ''));
  return clean.startsWith('..') || clean === '.' || path.isAbsolute(clean) ? undefined : clean;
}

/** The .dockerignore files that apply to a Dockerfile, first match wins: `<name>.dockerignore` beside it, then the context's. */
export function dockerignoreCandidates(dockerfileName: string | undefined): { file: string; besideDockerfile: boolean }[] {
  return [...(dockerfileName ? [{ file: `${dockerfileName}.dockerignore`, besideDockerfile: true }] : []), { file: '.dockerignore', besideDockerfile: false }];
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
    const pattern = path.normalize((negated ? line.slice(1) : line).trim().replace(/^\/+/, '')).replace(/\/+$/, '');
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
