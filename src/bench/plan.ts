import path from 'node:path';
import { applyEdits } from '../fix/edits.js';
import { insertAfter } from '../fix/helpers.js';
import { parseDockerfile } from '../model/dockerfile.js';
import { isGolangImage } from '../model/env.js';

// Pure planning for bench: what each build gets, which file to edit, what native runs.

/** Build args the bench passes into every stage: declared right after each FROM, so RUNs see them. */
export function withStageArgs(dockerfile: string, names: readonly string[]): string {
  const model = parseDockerfile(dockerfile);
  const froms = model.stages.map((s) => s.from);
  return applyEdits(dockerfile, froms.map((from) => insertAfter(model, from, [`ARG ${names.join(' ')}`])));
}

/** Go environment variables forwarded from the user's environment to builds and native runs. */
export const FORWARDED_GO_ENV = ['GOPROXY', 'GOSUMDB', 'GONOSUMDB', 'GONOSUMCHECK', 'GOPRIVATE', 'GONOPROXY', 'GOINSECURE'] as const;

export function forwardedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FORWARDED_GO_ENV) if (env[name]) out[name] = env[name]!;
  // -v makes every Go build list the packages it compiles: the bench reports that count.
  out.GOFLAGS = ['-v', env.GOFLAGS ?? ''].join(' ').trim();
  return out;
}

/** A proxy on loopback is reachable from builds only through the host network. */
export function needsHostNetwork(env: Record<string, string>): boolean {
  return /\/\/(127\.|localhost|\[::1\])/.test(env.GOPROXY ?? '');
}

/** The main-package file a one-file edit should touch: main.go at the root, else the first main package found. */
export function chooseEditFile(goFiles: ReadonlyArray<{ path: string; text: string }>): string | undefined {
  const mains = goFiles.filter((f) => !f.path.endsWith('_test.go') && !/(^|\/)(vendor|testdata)\//.test(f.path) && /^package main\b/m.test(f.text));
  mains.sort((a, b) => depth(a.path) - depth(b.path) || a.path.localeCompare(b.path));
  const shallowest = mains.filter((f) => depth(f.path) === depth(mains[0]?.path ?? ''));
  return shallowest.find((f) => path.posix.basename(f.path) === 'main.go')?.path ?? shallowest[0]?.path;
}

function depth(p: string): number {
  return p.split('/').length;
}

/** The golang image the Dockerfile builds with (global ARG defaults expanded), for the native reference. */
export function builderImage(dockerfile: string): string | undefined {
  return parseDockerfile(dockerfile).stages.map((s) => s.resolvedImage).find((image) => image !== undefined && isGolangImage(image));
}

/** The text of a one-file edit: a trailing comment changes the file's hash, so Go recompiles its package. */
export function editedSource(text: string, marker: string): string {
  return `${text}${text.endsWith('\n') ? '' : '\n'}// warmbuild bench edit ${marker}\n`;
}
