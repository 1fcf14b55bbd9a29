import path from 'node:path/posix';
import { InputError } from '../errors.js';
import { linkerVariables, parseGoBuildArgs } from '../go/buildflags.js';
import { quoted } from '../go/gomod.js';
import { cgoLibrariesOf, type GoProject, type MainPackage, ownPackageDir, PLAIN_PATH } from '../go/project.js';
import { LineIndex } from '../model/text.js';
import type { ExistingBuild, ProjectBuild, ProjectEntrypoint } from './existing.js';
import { splitShellValues } from './make.js';

// What keeps the program the same as the project's own build: per binary, the tags, linker flags and
// CGO_ENABLED its Makefile, goreleaser config or Dockerfile use, the build args for values only a build
// host knows (`$(shell git describe)`), the C libraries cgo links, and the entrypoint's flags. Pure.

export interface BuildArg {
  name: string;
  /** Default value; undefined for none (empty). */
  default?: string;
  /** Why it exists, for the comment above it. */
  comment: string;
}

export interface BuildGroup {
  binaries: MainPackage[];
  /** Where the flags come from, e.g. `Makefile target runc`; undefined when init chose them. */
  origin?: string;
  tags: string[];
  buildmode?: string;
  /** -ldflags words, rendered for a double-quoted shell string (`${ARG}` and `$(cat FILE)` expand). */
  ldflags: string[];
  /** CGO_ENABLED the project's build sets, when it sets it. */
  cgo?: boolean;
}

export interface ProgramPlan {
  groups: BuildGroup[];
  args: BuildArg[];
  cgo: boolean;
  /** Debian packages with the headers and libraries cgo links (`libseccomp-dev`). */
  devPackages: string[];
  /** `libseccomp (pkg-config)`, `-lsqlite3`: what the comment names. */
  cgoLinks: string[];
  entrypoints: Map<string, ProjectEntrypoint>;
  /** `main.version` left alone because `//go:embed` fills it. */
  embeddedVersion?: { variable: string; file: string };
}

const RESERVED_ARGS = new Set([
  'TARGETOS',
  'TARGETARCH',
  'TARGETPLATFORM',
  'TARGETVARIANT',
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT',
  'GO_VERSION',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'FTP_PROXY',
  'ALL_PROXY',
]);
/** Libraries that are part of glibc: libc6-dev provides them, no package to add. */
const LIBC_PARTS = new Set(['c', 'm', 'dl', 'pthread', 'rt', 'resolv', 'util', 'crypt', 'anl', 'nsl']);
/** Literal text that means the same inside a double-quoted shell string, to Go's flag splitter, and in a Dockerfile. */
const LITERAL = /^[^"'`$\\\u0000-\u001f\u007f]*$/;
const TAG = /^[A-Za-z0-9_.]+$/;

/** The directory a `go build` package argument names, relative to the root. */
function packageDirOf(project: GoProject, arg: string): string | undefined {
  if (arg === '.' || arg.startsWith('./') || arg.startsWith('../')) return path.normalize(arg.replace(/\/\.\.\.$/, ''));
  return ownPackageDir(project, arg);
}

function buildFor(project: GoProject, existing: ExistingBuild, binary: MainPackage): ProjectBuild | undefined {
  return existing.builds.find((b) => (b.packages.length === 0 ? ['.'] : b.packages).some((p) => packageDirOf(project, p) === binary.dir));
}

/** Where a value came from: a make variable's assignment, else the first line showing `needle`, else the build's line. */
function where(build: ProjectBuild, name?: string, needle?: string): { file: string; line: number | undefined } {
  const origin = name ? build.makeOrigins?.[name] : undefined;
  const at = needle && build.text ? build.text.indexOf(needle) : -1;
  return { file: build.file, line: origin?.line ?? (at >= 0 ? new LineIndex(build.text!).lineOf(at) + 1 : build.line) };
}

export function planProgram(project: GoProject, existing: ExistingBuild, binaries: readonly MainPackage[], rootLabel: string): ProgramPlan {
  const args = new Map<string, BuildArg>();
  const groups: BuildGroup[] = [];
  const mainDefaults = (dir: string): Record<string, string> =>
    Object.assign({}, ...project.files.filter((f) => f.dir === dir && f.packageName === 'main' && !f.test).map((f) => f.stringDefaults));
  const fail = (build: ProjectBuild, needle: string, detail: string): never => {
    const at = where(build, undefined, needle);
    throw new InputError(path.join(rootLabel, at.file), at.line, detail);
  };

  for (const binary of binaries) {
    const build = buildFor(project, existing, binary);
    if (!build) {
      const group = groups.find((g) => g.origin === undefined);
      if (group) group.binaries.push(binary);
      else groups.push({ binaries: [binary], tags: [], ldflags: [] });
      continue;
    }
    const flags = parseGoBuildArgs(build.args);
    for (const tag of flags.tags) if (!TAG.test(tag)) fail(build, tag, `build tag ${quoted(tag)} (${build.origin}) cannot be written into a Dockerfile as is`);
    if (flags.buildmode !== undefined && !/^[a-z-]+$/.test(flags.buildmode))
      fail(build, flags.buildmode, `-buildmode=${quoted(flags.buildmode)} (${build.origin}) is not a build mode`);
    const { variables, other } = linkerVariables(flags.ldflags);
    const ldflags: string[] = [];
    for (const word of other) {
      if (word === '-s' || word === '-w') continue;
      if (!LITERAL.test(word) || splitShellValues(word).some((p) => typeof p !== 'string'))
        fail(build, word, `linker flag ${quoted(word)} (${build.origin}) cannot be written into a Dockerfile as is`);
      ldflags.push(/\s/.test(word) ? `'${word}'` : word);
    }
    for (const variable of variables) {
      if (variable.name === project.embeddedVersion?.variable) continue;
      if (!/^[\w./-]+$/.test(variable.name)) fail(build, variable.name, `-X ${quoted(variable.name)} (${build.origin}) is not a Go variable name`);
      const parts = splitShellValues(variable.value);
      let value = '';
      let dynamic = false;
      for (const part of parts) {
        if (typeof part === 'string') {
          if (!LITERAL.test(part))
            fail(build, part, `-X ${variable.name}=${quoted(variable.value)} (${build.origin}): the value cannot be written into a Dockerfile as is`);
          value += part;
          continue;
        }
        dynamic = true;
        const file = /^(?:cat|head -n ?1)\s+([\w./-]+)$/.exec(part.command)?.[1];
        if (file && PLAIN_PATH.test(file)) {
          // The build reads the file as make does: edits to it reach the binary.
          value += `$(cat ${file})`;
          continue;
        }
        const base = (part.name || variable.name.split('.').pop()!.toUpperCase()).replace(/[^A-Za-z0-9_]/g, '_');
        const name = RESERVED_ARGS.has(base) ? `${base}_VALUE` : base;
        if (!args.has(name)) {
          const sourceDefault = parts.length === 1 && variable.name.startsWith('main.') ? mainDefaults(binary.dir)[variable.name.slice(5)] : undefined;
          const at = where(build, part.name);
          const from = part.command.startsWith('goreleaser ')
            ? `${build.origin} sets -X ${variable.name}=${part.command.slice(11)}`
            : part.command.startsWith('build arg ')
              ? `${part.command.slice(10).split(' of ')[1]} sets -X ${variable.name} from build arg ${name}`
              : `${at.file}${at.line ? `:${at.line}` : ''} sets -X ${variable.name} from \`${part.command}\``;
          args.set(name, {
            name,
            ...(sourceDefault && LITERAL.test(sourceDefault) && !/\s/.test(sourceDefault) ? { default: sourceDefault } : {}),
            comment: `${from}${part.command.startsWith('build arg ') ? '' : ', which only the build host knows'}: docker build --build-arg ${name}=...`,
          });
        }
        value += `\${${name}}`;
      }
      ldflags.push(dynamic || /\s/.test(value) ? `-X '${variable.name}=${value}'` : `-X ${variable.name}=${value}`);
    }
    const cgoEnv = build.env.CGO_ENABLED;
    const group: BuildGroup = {
      binaries: [binary],
      origin: build.origin,
      tags: flags.tags,
      ...(flags.buildmode ? { buildmode: flags.buildmode } : {}),
      ldflags,
      ...(cgoEnv === '0' || cgoEnv === '1' ? { cgo: cgoEnv === '1' } : {}),
    };
    const same = groups.find(
      (g) => g.origin !== undefined && JSON.stringify({ ...g, binaries: [], origin: '' }) === JSON.stringify({ ...group, binaries: [], origin: '' }),
    );
    if (same) same.binaries.push(binary);
    else groups.push(group);
  }

  const cgo = groups.some((g) => g.cgo ?? project.cgo);
  const tags = [...new Set(groups.flatMap((g) => g.tags))];
  const links = cgo
    ? cgoLibrariesOf(
        project,
        binaries.map((b) => b.dir),
        { goos: 'linux', goarch: 'amd64', cgo: true, tags },
      )
    : { pkgConfig: [], libraries: [] };
  const libraries = [...new Set([...links.libraries, ...(cgo ? project.cgoLibraries : [])])].filter((l) => !LIBC_PARTS.has(l));
  const devPackages = [
    ...new Set([...links.pkgConfig.map((p) => `${p.startsWith('lib') ? p : `lib${p}`}-dev`), ...libraries.map((l) => `lib${l}-dev`)]),
  ].sort();
  for (const p of devPackages)
    if (!/^[a-z0-9][a-z0-9.+-]*$/.test(p))
      throw new InputError(rootLabel, undefined, `cgo library package ${quoted(p)} cannot be written into a Dockerfile as is`);
  const entrypoints = new Map<string, ProjectEntrypoint>();
  for (const binary of binaries) {
    const entry = existing.entrypoints.find((e) => e.binary === binary.name);
    if (entry) entrypoints.set(binary.name, entry);
  }
  return {
    groups,
    args: [...args.values()],
    cgo,
    devPackages,
    cgoLinks: [...links.pkgConfig.map((p) => `${p} (pkg-config)`), ...libraries.map((l) => `-l${l}`)],
    entrypoints,
    ...(project.embeddedVersion ? { embeddedVersion: project.embeddedVersion } : {}),
  };
}
