import path from 'node:path/posix';
import { parseJsonArray, type DockerfileModel, type Instruction, type Stage } from '../model/dockerfile.js';
import { envAt, expand, resolveTarget } from '../model/env.js';

/**
 * Where in the build context a file that `run` names came from, through the COPY and ADD instructions
 * before it in its stage (and the stages it is built on): `COPY hack/ /usr/local/bin/` followed by
 * `RUN /usr/local/bin/build.sh` gives `hack/build.sh`. Most recent copy first; context-relative paths,
 * none of which leaves the context. Which of them exists is for the caller to find out: a source may
 * be a file or a directory, which the Dockerfile alone does not tell.
 */
export function copiedFrom(model: DockerfileModel, run: Instruction, file: string): string[] {
  const target = resolveTarget(file, envAt(model, run));
  if (target === undefined) return [];
  const found: string[] = [];
  for (const copy of copiesBefore(run)) {
    const operands = copyOperands(model, copy);
    if (!operands) continue;
    const env = envAt(model, copy);
    const expanded = (value: string): string => expand(value, env.vars).value ?? value;
    const resolved = resolveTarget(operands.dest, env);
    if (resolved === undefined) continue;
    const dest = resolved.replace(/(.)\/+$/, '$1');
    const intoDirectory = operands.dest.endsWith('/') || operands.sources.length > 1;
    for (const raw of operands.sources) {
      const source = path.normalize(expanded(raw).replace(/^\/+/, '') || '.');
      if (source.startsWith('..')) continue;
      // A glob copies the files it matches one by one into the destination, by base name.
      if (hasGlob(source)) {
        if (path.dirname(target) === dest) found.push(path.join(path.dirname(source), path.basename(target)));
        continue;
      }
      // A file source puts itself at the destination (or into it); a directory source puts its contents there.
      if (target === (intoDirectory ? path.join(dest, path.basename(source)) : dest)) found.push(source);
      const inside = path.relative(dest, target);
      if (inside !== '' && !inside.startsWith('..')) found.push(path.join(source, inside));
    }
  }
  return [...new Set(found.filter((p) => p !== '.' && !p.startsWith('..') && !hasGlob(p)))];
}

function hasGlob(p: string): boolean {
  return /[*?[]/.test(p);
}

/** COPY and ADD instructions from the build context that run before `run`, latest first. */
function copiesBefore(run: Instruction): Instruction[] {
  const copies: Instruction[] = [];
  let stage: Stage | undefined = run.stage;
  let before = run.index;
  while (stage) {
    for (const instruction of stage.instructions) {
      if (instruction.index >= before) break;
      if ((instruction.keyword === 'COPY' || instruction.keyword === 'ADD') && !instruction.flags.some((f) => f.name === 'from' || f.name === 'parents')) copies.push(instruction);
    }
    before = stage.from.index;
    stage = stage.base;
  }
  return copies.sort((a, b) => b.index - a.index);
}

/** Sources and destination of a COPY/ADD; undefined for heredocs and for ADD of URLs or git repositories. */
function copyOperands(model: DockerfileModel, copy: Instruction): { sources: string[]; dest: string } | undefined {
  if (copy.heredocs.length > 0) return undefined;
  // COPY and ADD take BuildKit's JSON form too: `COPY ["src/", "/dst/"]`.
  const words = (copy.argsSpan && parseJsonArray(model.text, copy.argsSpan)) ?? copy.args.map((w) => w.value);
  if (!words || words.length < 2) return undefined;
  const sources = words.slice(0, -1);
  if (copy.keyword === 'ADD' && sources.some((s) => /^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(s))) return undefined;
  return { sources, dest: words[words.length - 1]! };
}
