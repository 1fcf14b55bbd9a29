import { randomBytes } from 'node:crypto';
import { type Result, run } from './docker.js';

/** Helpers for tests that build with the real engine. */

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export async function build(contextDir: string, args: readonly string[]): Promise<Result> {
  return run('docker', ['buildx', 'build', '--progress=plain', ...args, contextDir]);
}

/**
 * The lines a RUN step printed in `--progress=plain` output, found by a fragment of its command.
 * Plain progress prefixes every line of step N with `#N <seconds> `.
 */
export function stepOutput(progress: string, commandFragment: string): string[] {
  const header = progress.split('\n').find((l) => /^#\d+ \[/.test(l) && l.includes(commandFragment));
  if (!header) return [];
  const id = /^#(\d+) /.exec(header)![1];
  return progress
    .split('\n')
    .filter((l) => l.startsWith(`#${id} `))
    .map((l) => l.slice(`#${id} `.length))
    .filter((l) => /^\d+\.\d+ /.test(l))
    .map((l) => l.replace(/^\d+\.\d+ /, ''));
}

/** Packages `go build -v` reported compiling in a step's output. */
export function compiledPackages(lines: readonly string[]): string[] {
  return lines.filter((l) => /^[a-z][\w.\-/]*$/i.test(l.trim())).map((l) => l.trim());
}
