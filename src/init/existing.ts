import path from 'node:path/posix';
import { parseGoBuildArgs } from '../go/buildflags.js';
import { GORELEASER_CONFIGS, parseGoreleaser } from '../go/goreleaser.js';
import { MAKEFILE_NAMES } from '../make/reader.js';
import { type DockerfileModel, execArgv, type Instruction, parseDockerfile } from '../model/dockerfile.js';
import { envAt } from '../model/env.js';
import { analyzeRun } from '../model/shell.js';
import { LineIndex } from '../model/text.js';
import { goBuildsOfMakefile, type MakeBuilds, shellValue } from './make.js';

// How the project already builds its binaries: the go build flags of its Makefile targets, its
// goreleaser config and its existing Dockerfile, and that Dockerfile's ENTRYPOINT. init keeps what they
// say (tags, -ldflags, CGO_ENABLED, the entrypoint's flags) so the image runs the same program. Pure.

export interface ProjectBuild {
  /** What said it, for comments and messages: `Makefile target runc`, `.goreleaser.yaml`. */
  origin: string;
  file: string;
  line?: number;
  /** Package arguments as written (`.`, `./cmd/x`, an import path); empty means `.`. */
  packages: string[];
  /** Words after `go build`; `$(shell)` and template values are markers (see make.ts). */
  args: string[];
  env: Record<string, string>;
  /** Where make variables were assigned (for file:line in messages). */
  makeOrigins?: MakeBuilds['origins'];
  /** The file's text, to find the line of a value in messages. */
  text?: string;
}

export interface ProjectEntrypoint {
  file: string;
  line: number;
  /** The executable's base name. */
  binary: string;
  args: string[];
  cmd?: string[];
}

export interface ExistingBuild {
  /** In order of preference: what the existing Dockerfile runs, the Makefile's default target, other targets, goreleaser. */
  builds: ProjectBuild[];
  entrypoints: ProjectEntrypoint[];
}

export const DOCKERFILES = ['Dockerfile', 'Containerfile'];

/** The build definitions init reads, besides the Go reader's files. */
export function isBuildDefinition(file: string): boolean {
  return [...MAKEFILE_NAMES, ...GORELEASER_CONFIGS, ...DOCKERFILES].includes(file);
}

export function readExistingBuild(texts: Readonly<Record<string, string>>): ExistingBuild {
  const builds: ProjectBuild[] = [];
  const entrypoints: ProjectEntrypoint[] = [];
  const makefile = MAKEFILE_NAMES.find((f) => texts[f] !== undefined);
  const makeText = makefile ? texts[makefile]! : undefined;

  for (const file of DOCKERFILES.filter((f) => texts[f] !== undefined)) {
    let model: DockerfileModel;
    try {
      model = parseDockerfile(texts[file]!);
    } catch {
      continue;
    }
    // A Dockerfile init wrote is read like any other: it keeps what init carried over from the one it replaced.
    for (const run of model.instructions.filter((i) => i.keyword === 'RUN')) {
      const stageEnv = Object.fromEntries([...envAt(model, run).vars].flatMap(([k, v]) => (v.value !== undefined ? [[k, v.value]] : [])));
      const analysis = analyzeRun(model, run);
      for (const go of analysis.go.filter((g) => g.subcommand === 'build' || g.subcommand === 'install')) {
        builds.push({
          ...fromArgs(
            `${file}:${run.line}`,
            file,
            run.line,
            go.args.map((a) => buildTimeValues(a.value, `${file}:${run.line}`)),
            { ...stageEnv, ...go.command.env },
          ),
          text: texts[file],
        });
      }
      if (!makeText) continue;
      for (const command of analysis.opaque) {
        const argv = command.argv.map((w) => w.value);
        if (!['make', 'gmake'].includes(path.basename(argv[0] ?? ''))) continue;
        const targets = argv.slice(1).filter((a) => !a.startsWith('-') && !a.includes('='));
        const overrides = Object.fromEntries(
          argv
            .slice(1)
            .filter((a) => /^[A-Za-z_]\w*=/.test(a))
            .map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]),
        );
        const make = goBuildsOfMakefile(makeText, { ...(targets.length > 0 ? { targets } : {}), env: { ...stageEnv, ...command.env }, overrides });
        // A bare `make` builds the default target.
        for (const b of make.builds.filter((x) => targets.length > 0 || x.target === make.defaultTarget))
          builds.push({
            ...fromArgs(`${file}:${run.line} (make ${b.target})`, makefile!, undefined, b.args, b.env),
            makeOrigins: make.origins,
            text: makeText,
          });
      }
    }
    const last = model.stages[model.stages.length - 1];
    for (const stage of model.stages) {
      const entry = [...stage.instructions].reverse().find((i) => i.keyword === 'ENTRYPOINT');
      const argv = entry ? commandWords(model, entry) : undefined;
      if (!entry || !argv || argv.length === 0) continue;
      const cmdInstruction = [...stage.instructions].reverse().find((i) => i.keyword === 'CMD');
      const cmd = cmdInstruction ? commandWords(model, cmdInstruction) : undefined;
      const e = { file, line: entry.line, binary: path.basename(argv[0]!), args: argv.slice(1), ...(cmd ? { cmd } : {}) };
      if (stage === last) entrypoints.unshift(e);
      else entrypoints.push(e);
    }
  }

  if (makeText) {
    const make = goBuildsOfMakefile(makeText);
    const order = (t: string): number => (t === make.defaultTarget ? 0 : 1);
    for (const b of [...make.builds].sort((x, y) => order(x.target) - order(y.target)))
      builds.push({ ...fromArgs(`${makefile} target ${b.target}`, makefile!, undefined, b.args, b.env), makeOrigins: make.origins, text: makeText });
  }

  for (const file of GORELEASER_CONFIGS.filter((f) => texts[f] !== undefined)) builds.push(...goreleaserBuilds(file, texts[file]!));
  return { builds, entrypoints };
}

function fromArgs(origin: string, file: string, line: number | undefined, args: string[], env: Record<string, string>): ProjectBuild {
  return { origin, file, ...(line !== undefined ? { line } : {}), packages: parseGoBuildArgs(args).packages, args, env };
}

/** `$(cat FILE)` and `${NAME}` in a Dockerfile's go build line are build-time values: markers, as make's `$(shell)`. */
function buildTimeValues(word: string, where: string): string {
  return word
    .replace(/\$\((cat [\w./-]+)\)/g, (_m, command: string) => shellValue('', command))
    .replace(/\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g, (_m, braced: string | undefined, bare: string | undefined) =>
      shellValue(braced ?? bare!, `build arg ${braced ?? bare!} of ${where}`),
    );
}

/** ENTRYPOINT/CMD words: the JSON array, or a shell form without anything the shell would interpret. */
function commandWords(model: DockerfileModel, instruction: Instruction): string[] | undefined {
  const exec = execArgv(model, instruction);
  if (exec) return exec;
  const words = instruction.args.map((w) => w.value);
  return words.every((w) => /^[\w./:=@%+,-]+$/.test(w)) ? words : undefined;
}

const TEMPLATE_ARGS: Record<string, string> = {
  Version: 'VERSION',
  RawVersion: 'VERSION',
  Tag: 'VERSION',
  Commit: 'COMMIT',
  ShortCommit: 'COMMIT',
  FullCommit: 'COMMIT',
  Date: 'DATE',
  CommitDate: 'DATE',
  Timestamp: 'DATE',
  CommitTimestamp: 'DATE',
};
/** goreleaser's ldflags when a build does not set them. */
const GORELEASER_DEFAULT_LDFLAGS = '-s -w -X main.version={{.Version}} -X main.commit={{.Commit}} -X main.date={{.Date}} -X main.builtBy=goreleaser';

/** goreleaser templates (`{{.Version}}`, `{{ .Env.NAME }}`) become build-arg markers: only a release knows them. */
function templateValues(text: string): string {
  return text.replace(/\{\{\s*\.(Env\.)?([A-Za-z_]\w*)\s*\}\}/g, (_m, env: string | undefined, name: string) =>
    shellValue(env ? name : (TEMPLATE_ARGS[name] ?? name.toUpperCase()), `goreleaser {{.${env ?? ''}${name}}}`),
  );
}

function goreleaserBuilds(file: string, text: string): ProjectBuild[] {
  return (parseGoreleaser(text)?.builds ?? []).map((build) => {
    const dir = build.main.endsWith('.go') ? path.dirname(build.main) : build.main;
    const ldflags = build.ldflags ?? [GORELEASER_DEFAULT_LDFLAGS];
    const args = [
      ...build.flags.map(templateValues),
      ...(build.tags.length > 0 ? ['-tags', build.tags.join(',')] : []),
      ...(ldflags.length > 0 ? [`-ldflags=${templateValues(ldflags.join(' '))}`] : []),
      dir,
    ];
    return {
      origin: `${file} build ${build.id}`,
      file,
      line: lineOf(text, 'main:', build.index) ?? lineOf(text, 'ldflags', build.index),
      packages: [dir],
      args,
      env: build.env,
      text,
    };
  });
}

/** Line of the (index+1)-th occurrence of `needle`, for messages. */
function lineOf(text: string, needle: string, index: number): number | undefined {
  let at = -1;
  for (let k = 0; k <= index; k++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) return undefined;
  }
  return new LineIndex(text).lineOf(at) + 1;
}
