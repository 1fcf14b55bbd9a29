import path from 'node:path/posix';
import { GORELEASER_CONFIGS, parseGoreleaser } from '../go/goreleaser.js';
import { UNKNOWN } from '../make/expand.js';
import { type MakeRequest, runMake } from '../make/reader.js';
import { expand, type Instruction } from '../model/dockerfile.js';
import type { BuildEnv } from '../model/env.js';
import type { SemanticModel } from '../model/semantic.js';
import { analyzeScript, type GoInvocation, lexShell, type RunAnalysis, SHELLS, type ShellWord, type SimpleCommand } from '../model/shell.js';
import type { BuildContext } from './types.js';

// Follows what a RUN runs out of sight (make, scripts, goreleaser) through the build context and the
// files the Dockerfile itself writes, down to the Go commands. Pure: the context is data.

export interface HiddenGo {
  /** The Go command as the Makefile or script has it; its spans are offsets into that file, not the Dockerfile. */
  go: GoInvocation;
  /** The RUN's own command that leads to it. */
  via: SimpleCommand;
  /** Each step from the RUN's command to the Go command, for messages: `make app → go build … ./cmd/app`. */
  chain: string[];
}

export interface Unfollowed {
  via: SimpleCommand;
  reason: string;
}

export interface Followed {
  go: HiddenGo[];
  /** The RUN's commands the context did not show everything of, each with why. */
  unknown: Unfollowed[];
  /** Context files the follower looked for and does not have. */
  wanted: string[];
  /** The follower needed the context's file list. */
  wantsList: boolean;
}

const MAKES = new Set(['make', 'gmake']);
const MAX_DEPTH = 12;

/** What a RUN's opaque commands run, as far as the build context shows. */
export function followRun(model: SemanticModel, run: Instruction, context: BuildContext, analysis: RunAnalysis = model.run(run)): Followed {
  const out: Followed = { go: [], unknown: [], wanted: [], wantsList: false };
  if (analysis.opaque.length === 0) return out;
  const env = model.env(run);
  const places = new ImagePlaces(model, run, env);
  const environment: Record<string, string> = {};
  for (const [name, v] of env.vars) if (v.value !== undefined) environment[name] = v.value;
  for (const via of analysis.opaque) {
    const walk = new Walk(context, places, via, out, environment);
    const start = joinImage(places.workdir, via.cwd);
    // The shell expands $VAR in the RUN's words from ENV and ARG; a build arg without a default is unknown.
    const variables = { ...environment, ...via.env };
    const words = via.argv.map((w) => ({ ...w, value: expandShellVariables(w.value, variables) }));
    walk.command({ ...via, argv: words }, start, { ...environment, ...via.env }, [], 0);
    if (walk.reasons.size > 0) out.unknown.push({ via, reason: [...walk.reasons][0]! });
  }
  out.wanted = [...new Set(out.wanted)];
  return out;
}

/** `$VAR`, `${VAR}`, `${VAR:-x}`, `${VAR:+x}` as the shell expands them; an unset variable is the UNKNOWN mark. */
function expandShellVariables(word: string, env: Record<string, string>): string {
  if (!word.includes('$')) return word;
  return word.replace(/\$\{([A-Za-z_]\w*)(?::?([-+])([^}]*))?\}|\$([A-Za-z_]\w*)/g, (_m, braced?: string, op?: string, alt?: string, bare?: string) => {
    const value = env[(braced ?? bare)!];
    if (op === '-') return value ? value : (alt ?? '');
    if (op === '+') return value ? (alt ?? '') : '';
    return value ?? UNKNOWN;
  });
}

/** `cwd` as an image path: relative `cd` targets under the directory the shell started in. */
function joinImage(start: string | undefined, cwd: string | null | undefined): string | undefined {
  if (cwd === null || start === undefined) return cwd === null ? undefined : start;
  if (cwd === undefined) return start;
  return path.normalize(cwd.startsWith('/') ? cwd : path.join(start, cwd));
}

class Walk {
  readonly reasons = new Set<string>();
  private readonly seen = new Set<string>();
  /** The image directory of the script being read, for the `$DIR/x.sh` it names beside itself. */
  private currentScriptDir = '/';

  constructor(
    private readonly context: BuildContext,
    private readonly places: ImagePlaces,
    private readonly via: SimpleCommand,
    private readonly out: Followed,
    /** The RUN's environment: a Go command's own env keeps only what differs from it. */
    private readonly environment: Record<string, string>,
  ) {}

  /** One command of the RUN, a recipe or a script, run in image directory `dir` with environment `env`. */
  command(command: SimpleCommand, dir: string | undefined, env: Record<string, string>, chain: string[], depth: number): void {
    if (depth > MAX_DEPTH) return;
    const argv = command.argv.map((w) => w.value);
    const word = argv[0] ?? '';
    const name = path.basename(word);
    if (word.includes(UNKNOWN)) {
      this.reasons.add(`$(shell …) decides the command in ${chain.at(-1) ?? label(argv)}`);
      return;
    }
    if (MAKES.has(name)) {
      this.make(argv, dir, env, chain, depth);
      return;
    }
    if (name === 'goreleaser') {
      this.goreleaser(argv, dir, env, chain);
      return;
    }
    if (SHELLS.has(name) && argv.slice(1).some((a) => /^-[a-z]*s[a-z]*$/.test(a))) {
      this.reasons.add(`\`${label(argv)}\` runs a script it reads from its input`);
      return;
    }
    const script = scriptOf(argv);
    if (script === undefined) {
      this.reasons.add(`warmbuild does not read what \`${name}\` runs`);
      return;
    }
    this.script(script, argv, dir, env, chain, depth);
  }

  private make(argv: string[], dir: string | undefined, env: Record<string, string>, chain: string[], depth: number): void {
    const args = makeArguments(argv.slice(1));
    const makeDir = args.directory === undefined ? dir : joinImage(dir, args.directory);
    const contextDir = makeDir === undefined ? undefined : this.places.contextPath(makeDir, this.context);
    const step = [...chain, label(argv)];
    if (contextDir === undefined) {
      this.reasons.add(
        `${label(argv)}: ${makeDir !== undefined && !this.places.fromContext(makeDir) ? `${makeDir} does not come from the build context (the image fetches or builds it)` : 'where it runs is not known'}`,
      );
      return;
    }
    const key = `make ${contextDir} ${args.makefiles.join(' ')} ${args.goals.join(' ')} ${JSON.stringify(args.overrides)}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const request: MakeRequest = {
      dir: contextDir,
      imageDir: makeDir,
      makefiles: args.makefiles,
      goals: args.goals,
      overrides: args.overrides,
      environment: env,
    };
    const result = runMake(request, { read: (f) => this.context.files[f], files: () => this.context.list });
    this.out.wanted.push(...result.wanted);
    if (result.wantsList) this.out.wantsList = true;
    if (result.makefile === undefined && makeDir !== undefined && !this.places.fromContext(makeDir)) {
      this.reasons.add(`${label(argv)}: ${makeDir} does not come from the build context (the image fetches or builds it)`);
      return;
    }
    for (const reason of result.unknown) this.reasons.add(`${label(argv)}: ${reason}`);
    for (const recipe of result.commands) {
      // Command-line variables reach sub-makes and recipes through the environment.
      const recipeEnv = { ...env, ...args.overrides, ...recipe.env };
      const analysis = analyzeScript(lexShell(recipe.script, null), recipeEnv);
      for (const go of analysis.go) this.found(go, step);
      for (const opaque of analysis.opaque) this.command(opaque, joinImage(makeDir, opaque.cwd), { ...recipeEnv, ...opaque.env }, step, depth + 1);
    }
  }

  private script(script: string, argv: string[], dir: string | undefined, env: Record<string, string>, chain: string[], depth: number): void {
    const found = this.places.readScript(script, dir, this.context, chain.length === 0 ? undefined : this.currentScriptDir);
    const step = [...chain, label(argv)];
    if (found.text === undefined) {
      this.out.wanted.push(...found.candidates);
      const elsewhere = found.imagePath !== undefined && !this.places.fromContext(found.imagePath);
      this.reasons.add(
        `${script} ${elsewhere ? 'does not come from the build context (the image fetches or builds it)' : 'is not in the build context'}`.replaceAll(
          UNKNOWN,
          '…',
        ),
      );
      return;
    }
    if (this.seen.has(found.where)) return;
    this.seen.add(found.where);
    const previous = this.currentScriptDir;
    this.currentScriptDir = path.dirname(found.imagePath ?? path.join('/', found.where));
    const positional = argv.slice(argv.indexOf(script) + 1);
    const analysis = analyzeScript(lexShell(ownDirectory(found.text, this.currentScriptDir), null), env, undefined, positional);
    for (const go of analysis.go) this.found(go, step);
    // A script runs in the caller's directory; `cd` inside it moves on from there.
    for (const opaque of analysis.opaque) this.command(opaque, joinImage(dir, opaque.cwd), { ...env, ...opaque.env }, step, depth + 1);
    this.currentScriptDir = previous;
  }

  private goreleaser(argv: string[], dir: string | undefined, env: Record<string, string>, chain: string[]): void {
    const subcommand = argv.slice(1).find((a) => !a.startsWith('-')) ?? 'release';
    if (!['build', 'release', 'b', 'r'].includes(subcommand)) return;
    const flag = argv.findIndex((a) => a === '--config' || a === '-f');
    const named = flag >= 0 ? argv[flag + 1] : argv.find((a) => a.startsWith('--config='))?.slice(9);
    const contextDir = dir === undefined ? undefined : this.places.contextPath(dir, this.context);
    const candidates = (named ? [named] : GORELEASER_CONFIGS).map((c) => path.normalize(path.join(contextDir ?? '', c)));
    const file = candidates.find((c) => this.context.files[c] !== undefined);
    const step = [...chain, label(argv)];
    if (file === undefined) {
      this.out.wanted.push(...candidates);
      this.reasons.add('no goreleaser config in the build context');
      return;
    }
    const config = parseGoreleaser(this.context.files[file]!);
    if (config === undefined) {
      this.reasons.add(`${file} is not valid YAML`);
      return;
    }
    for (const hook of config.hooks) for (const go of analyzeScript(lexShell(hook, null), env).go) this.found(go, step);
    // Without `builds`, goreleaser builds the main package in the project root.
    for (const build of config.builds ?? [{ main: '.', env: {}, skip: false }]) {
      if (build.skip) continue;
      this.found(synthesizedGo(['go', 'build', build.main], { ...env, ...build.env }), step);
    }
  }

  private found(go: GoInvocation, chain: string[]): void {
    const env = Object.fromEntries(Object.entries(go.command.env).filter(([name, value]) => this.environment[name] !== value && !value.includes(UNKNOWN)));
    this.out.go.push({ go: { ...go, command: { ...go.command, env } }, via: this.via, chain: [...chain, goLabel(go)] });
  }
}

/**
 * A script's text with the idioms for its own directory (`$(dirname "$0")`, `${BASH_SOURCE%/*}`)
 * replaced by that directory, so that the `cd` and `source` built on them can be followed.
 */
function ownDirectory(text: string, dir: string): string {
  const self = String.raw`"?\$(?:\{BASH_SOURCE(?:\[0\])?\}|BASH_SOURCE|\{0\}|0)"?`;
  return text
    .replace(new RegExp(String.raw`\$\(\s*dirname\s+(?:"\$\(\s*(?:readlink\s+-f|realpath)\s+${self}\s*\)"|${self})\s*\)`, 'g'), dir)
    .replace(/\$\{BASH_SOURCE(?:\[0\])?%\/\*\}/g, dir);
}

function synthesizedGo(argv: string[], env: Record<string, string>): GoInvocation {
  const words: ShellWord[] = argv.map((value) => ({ value, span: { start: 0, end: 0 }, charOffsets: null }));
  return analyzeScript(
    words.map((word) => ({ kind: 'word' as const, word })),
    env,
  ).go[0]!;
}

function label(argv: readonly string[]): string {
  const text = argv.join(' ').replaceAll(UNKNOWN, '…');
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** `go build … ./cmd/app`: the subcommand and what it builds, the flags in between elided. */
export function goLabel(go: GoInvocation): string {
  const target = [...go.args].reverse().find((a) => !a.value.startsWith('-'));
  const elided = go.args.some((a) => a !== target);
  const what = target ? `${elided ? ' … ' : ' '}${target.value}` : go.args.length > 0 ? ` ${go.args.map((a) => a.value).join(' ')}` : '';
  const text = `go ${go.subcommand}${what}`.replaceAll(UNKNOWN, '…');
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** The script a command runs: `./x.sh`, `bash x.sh`, `. x.sh`, `source x.sh`; undefined for anything else. */
function scriptOf(argv: readonly string[]): string | undefined {
  const name = path.basename(argv[0] ?? '');
  if (SHELLS.has(name)) return argv.slice(1).find((a) => !a.startsWith('-') && !a.startsWith('+'));
  if (name === 'source' || name === '.') return argv[1];
  return argv[0];
}

interface MakeArguments {
  directory: string | undefined;
  makefiles: string[];
  goals: string[];
  overrides: Record<string, string>;
}

const MAKE_OPTIONS_WITH_VALUE = new Set([
  '-C',
  '-f',
  '-I',
  '-o',
  '-W',
  '--directory',
  '--file',
  '--makefile',
  '--include-dir',
  '--old-file',
  '--what-if',
  '--assume-old',
  '--assume-new',
  '--new-file',
]);

/** Reads make's command line: -C and -f (joined or apart, repeatable), `VAR=value`, goals. */
export function makeArguments(args: readonly string[]): MakeArguments {
  const out: MakeArguments = { directory: undefined, makefiles: [], goals: [], overrides: {} };
  const cd = (d: string): void => {
    out.directory = out.directory === undefined || d.startsWith('/') ? d : path.join(out.directory, d);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const long = /^(--[a-z-]+)=(.*)$/.exec(a);
    const option = long ? long[1]! : a.startsWith('--') ? a : a.slice(0, 2);
    let value: string | undefined;
    if (long) value = long[2];
    else if (MAKE_OPTIONS_WITH_VALUE.has(option)) value = a.startsWith('--') || a.length === 2 ? args[++i] : a.slice(2);
    else if (option === '-j' || option === '-l') {
      if (a.length === 2 && /^\d+$/.test(args[i + 1] ?? '')) i++;
      continue;
    } else if (a.startsWith('-')) continue;
    if (value !== undefined || a.startsWith('-')) {
      if (option === '-C' || option === '--directory') cd(value ?? '.');
      if (option === '-f' || option === '--file' || option === '--makefile') out.makefiles.push(value ?? 'Makefile');
      continue;
    }
    const assignment = /^([^=\s:+?]+)\s*(?::{0,3}|\+|\?)?=(.*)$/.exec(a);
    if (assignment) out.overrides[assignment[1]!] = assignment[2]!;
    else out.goals.push(a);
  }
  return out;
}

/** Context sources copied or bind-mounted to `dest` in the image (a directory when it ends in `/`). */
interface Copy {
  /** The sources as context-relative paths, '' for the context root. */
  sources: string[];
  intoDir: boolean;
  /** `dest` without its trailing slash. */
  root: string;
}

function copy(sources: readonly string[], dest: string): Copy {
  return {
    sources: sources.map((source) => path.normalize(source).replace(/^\.$/, '').replace(/\/$/, '')),
    intoDir: dest.endsWith('/'),
    root: dest.replace(/\/$/, '') || '/',
  };
}

/**
 * Where things are in the image, in build-context terms: the directories the context was copied or
 * bind-mounted to before the RUN, and the files the Dockerfile writes itself (COPY heredocs, `cat > x <<EOF`).
 */
class ImagePlaces {
  readonly workdir: string | undefined;
  private readonly copies: Copy[] = [];
  private readonly written = new Map<string, string>();

  constructor(model: SemanticModel, run: Instruction, env: BuildEnv) {
    this.workdir = env.workdir.value;
    const stages = [];
    for (let stage = run.stage; stage; stage = stage.base) stages.unshift(stage);
    for (const stage of stages) {
      for (const instruction of model.placing(stage)) {
        if (instruction.span.start >= run.span.start && stage === run.stage) break;
        this.learn(model, instruction, false);
      }
    }
    this.learn(model, run, true);
  }

  private learn(model: SemanticModel, instruction: Instruction, isRun: boolean): void {
    const copies = instruction.keyword === 'COPY' || instruction.keyword === 'ADD';
    const here = model.env(instruction);
    const at = here.workdir.value ?? '/';
    const resolve = (written: string): string => {
      const p = expand(written, here.vars).value ?? written;
      return path.normalize(p.startsWith('/') ? p : path.join(at, p));
    };
    if (isRun) {
      for (const m of instruction.mounts) {
        if ((m.type ?? 'bind') === 'bind' && m.from === undefined && m.target !== undefined) this.copies.push(copy([m.source ?? '.'], resolve(m.target)));
      }
      return;
    }
    if (copies) {
      if (instruction.flags.some((f) => f.name === 'from')) return;
      // A heredoc's body shows up among the arguments: only the first line's are sources and destination.
      const firstLineEnd = model.lines.lineContentEnd(model.lines.lineOf(instruction.keywordSpan.start));
      const onFirstLine = instruction.heredocs.length > 0 ? instruction.args.filter((a) => a.span.end <= firstLineEnd) : instruction.args;
      const args = onFirstLine.map((a) => a.value).filter((a) => !a.startsWith('--') && !a.startsWith('<<'));
      const dest = args[args.length - 1];
      if (dest === undefined) return;
      const heredocs = instruction.heredocs.filter((h) => h.contentSpan);
      if (heredocs.length > 0) {
        for (const h of heredocs) {
          const file = dest.endsWith('/') || heredocs.length > 1 ? path.join(resolve(dest), h.name) : resolve(dest);
          this.written.set(file, model.text.slice(h.contentSpan!.start, h.contentSpan!.end));
        }
        return;
      }
      // ADD of a URL or a git repository brings files from elsewhere, not from the build context.
      const sources = args.slice(0, -1).filter((a) => !/^[a-z][\w+.-]*:\/\/|^git@/i.test(a));
      // `COPY x .` copies into the WORKDIR, a directory that exists, like `COPY x dir/` and several sources.
      const intoDir = dest.endsWith('/') || dest === '.' || resolve(dest) === at || args.length > 2;
      if (sources.length > 0) this.copies.push(copy(sources, intoDir ? `${resolve(dest).replace(/\/$/, '')}/` : resolve(dest)));
      return;
    }
    if (instruction.keyword === 'RUN') {
      for (const h of instruction.heredocs) {
        if (!h.contentSpan || !instruction.argsSpan) continue;
        const first = model.text.slice(instruction.argsSpan.start, model.lines.lineContentEnd(model.lines.lineOf(instruction.argsSpan.start)));
        const target = heredocTarget(first, h.name);
        if (target) this.written.set(resolve(target), model.text.slice(h.contentSpan.start, h.contentSpan.end));
      }
    }
  }

  /** Whether something of the build context was copied or mounted at image path `p`, or into it. */
  fromContext(p: string): boolean {
    return this.copies.some(({ root }) => !path.relative(root, p).startsWith('..') || !path.relative(p, root).startsWith('..'));
  }

  /** The context-relative path of image path `p`, when the context was copied there; undefined otherwise. */
  contextPath(p: string, context: BuildContext, isFile = false): string | undefined {
    return ImagePlaces.pick(this.candidates(p), context, isFile);
  }

  /** The first of an image path's `candidates` the context has, else the first. */
  private static pick(candidates: readonly string[], context: BuildContext, isFile: boolean): string | undefined {
    const present = candidates.find((c) =>
      isFile
        ? context.files[c] !== undefined
        : c === '' || Object.keys(context.files).some((f) => f.startsWith(`${c}/`)) || (context.list?.some((f) => f.startsWith(`${c}/`)) ?? false),
    );
    return present ?? candidates[0];
  }

  private candidates(p: string): string[] {
    const out: string[] = [];
    for (let i = this.copies.length - 1; i >= 0; i--) {
      const { sources, intoDir, root } = this.copies[i]!;
      const rel = path.relative(root, p);
      if (rel.startsWith('..')) continue;
      for (const s of sources) {
        // A directory's contents land in dest; a file lands at dest, or in it under its own name.
        if (!intoDir && rel === '') out.push(s);
        if (rel !== '') out.push(s === '' ? rel : `${s}/${rel}`);
        if (intoDir && rel === path.basename(s)) out.push(s);
      }
    }
    // Without a copy of the context there, the RUN's WORKDIR stands for the context root.
    if (this.workdir !== undefined) {
      const rel = path.relative(this.workdir, p);
      if (!rel.startsWith('..')) out.push(rel);
    }
    return [...new Set(out.map((c) => c.replace(/^\.\//, '')))];
  }

  /** A script's text, from what the Dockerfile wrote or from the context; `where` identifies it. */
  readScript(
    script: string,
    dir: string | undefined,
    context: BuildContext,
    callerDir: string | undefined,
  ): { text: string | undefined; where: string; imagePath?: string; candidates: string[] } {
    const imagePaths: string[] = [];
    const besideCaller = /^"?(?:\$\{?[A-Za-z_]\w*\}?|\$\(dirname\s+"?\$\{?0\}?"?\))"?\//.exec(script);
    if (besideCaller) {
      // `$DIR/x.sh`, `$(dirname "$0")/x.sh`: next to the calling script, or where the shell is.
      const rest = script.slice(besideCaller[0].length);
      if (!rest.includes('$') && !rest.includes(UNKNOWN)) {
        if (callerDir) imagePaths.push(path.join(callerDir, rest));
        if (dir) imagePaths.push(path.join(dir, rest));
      }
    } else if (!script.includes('$') && !script.includes(UNKNOWN)) {
      if (script.startsWith('/')) imagePaths.push(path.normalize(script));
      else if (dir) imagePaths.push(path.normalize(path.join(dir, script)));
      // A bare name is looked up on PATH, where the Dockerfile may have put it.
      if (!script.includes('/')) imagePaths.push(path.join('/usr/local/bin', script), path.join('/usr/bin', script));
    }
    const candidates: string[] = [];
    for (const p of imagePaths) {
      const text = this.written.get(p);
      if (text !== undefined) return { text, where: p, imagePath: p, candidates };
      const own = this.candidates(p);
      const rel = ImagePlaces.pick(own, context, true);
      for (const c of own) candidates.push(c);
      if (rel !== undefined && context.files[rel] !== undefined) return { text: context.files[rel], where: rel, imagePath: p, candidates };
    }
    return {
      text: undefined,
      where: script,
      ...(imagePaths[0] !== undefined ? { imagePath: imagePaths[0] } : {}),
      candidates: [...new Set(candidates.filter((c) => c !== '' && !c.startsWith('/')))],
    };
  }
}

/** The file a RUN's first line writes from heredoc `name`: `cat > x.sh <<EOF`, `cat <<EOF > x.sh`, `tee x.sh <<EOF`. */
function heredocTarget(line: string, name: string): string | undefined {
  const delimiter = `<<-?\\s*["']?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?`;
  const patterns = [
    new RegExp(`>\\s*([^\\s;&|<>]+)\\s+${delimiter}`),
    new RegExp(`${delimiter}\\s*>\\s*([^\\s;&|<>]+)`),
    new RegExp(`\\btee\\s+(?:-a\\s+)?([^\\s;&|<>-][^\\s;&|<>]*)\\s*${delimiter}`),
  ];
  for (const re of patterns) {
    const m = re.exec(line);
    if (m) return m[1]!.replace(/^["']|["']$/g, '');
  }
  return undefined;
}
