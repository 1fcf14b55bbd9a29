import path from 'node:path/posix';
import { InputError, UsageError } from '../errors.js';
import { quoted } from '../go/gomod.js';
import { type GoProject, type MainPackage, PLAIN_PATH } from '../go/project.js';
import { continued } from '../writer/lines.js';
import { bindMount, GOLANG_IMAGE_DEFAULTS, goCacheMountFields, mountFlag, perPlatformCacheId, secretMount } from '../writer/mount.js';
import type { ExistingBuild } from './existing.js';
import { planProgram } from './program.js';

// Writes the Dockerfile and .dockerignore an expert would write for the analysed project. Pure.

export interface InitOptions {
  /** Build only this binary. */
  binary?: string;
  builderImage?: string;
  runtimeImage?: string;
  /** GOPRIVATE patterns: private modules fetched with a netrc build secret. */
  goprivate?: string;
  /** Where goprivate came from, for messages (`--private` unless said). */
  goprivateFrom?: string;
  /** Keep .git in the context and stamp VCS information into the binaries. */
  vcs?: boolean;
  /** Debian release for the golang image tag and the cgo runtime. */
  distro?: string;
  /** The frontend for `# syntax=`; 'none' leaves the directive out (air-gapped builders that cannot pull it). */
  syntax?: string;
}

export interface Generated {
  dockerfile: string;
  dockerignore: string;
  binaries: string[];
}

const STATIC_RUNTIME = 'gcr.io/distroless/static-debian12:nonroot';
const RESERVED_STAGES = new Set(['build', 'binaries']);

function stageName(binary: string): string {
  const clean =
    binary
      .toLowerCase()
      .replace(/[^a-z0-9._-]/g, '-')
      .replace(/^[^a-z0-9]+/, '') || 'app';
  return RESERVED_STAGES.has(clean) ? `app-${clean}` : clean;
}

function packageArg(dir: string): string {
  return dir === '.' ? '.' : `./${dir}`;
}

/** Image references as Docker spells them, and `${GO_VERSION}`-style substitutions. */
const IMAGE_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._/:@+-]*(\$\{[A-Za-z_]\w*\}[A-Za-z0-9._/:@+-]*)*$/;
/** GOPRIVATE: comma-separated path globs. */
const GOPRIVATE_PATTERNS = /^[A-Za-z0-9._~+*?/[\]!^,-]+$/;
/** Binary names become file names, stage names and ENTRYPOINT words. */
const BINARY_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

/** Every option that is written into the Dockerfile, refused unless it can be written there as is. */
function checkOptions(options: InitOptions): void {
  const check = (value: string | undefined, flag: string, pattern: RegExp, what: string): void => {
    if (value !== undefined && !pattern.test(value)) throw new UsageError(`${flag} ${quoted(value)}: not ${what}`);
  };
  check(options.builderImage, '--builder-image', IMAGE_REFERENCE, 'an image reference');
  check(options.runtimeImage, '--runtime-image', IMAGE_REFERENCE, 'an image reference');
  if (options.syntax !== 'none') check(options.syntax, '--syntax', IMAGE_REFERENCE, 'an image reference (or none)');
  check(options.goprivate, options.goprivateFrom ?? '--private', GOPRIVATE_PATTERNS, 'a comma-separated list of module path patterns');
  check(options.binary, '--binary', BINARY_NAME, 'a binary name');
}

/** Main package directories and the binary names taken from them go into RUN, COPY and ENTRYPOINT. */
function checkBinaries(binaries: readonly MainPackage[], rootLabel: string): void {
  for (const b of binaries) {
    const where = path.join(rootLabel, b.dir);
    if (!PLAIN_PATH.test(b.dir))
      throw new InputError(
        where,
        undefined,
        'a main package in a directory whose name cannot be written into a Dockerfile as is; use letters, digits and -._~+@ only',
      );
    if (!BINARY_NAME.test(b.name))
      throw new InputError(where, undefined, `binary name ${quoted(b.name)} cannot be written into a Dockerfile as is; use letters, digits and -._+ only`);
  }
}

function chooseBinaries(analysis: GoProject, options: InitOptions, rootLabel: string): MainPackage[] {
  if (analysis.mainPackages.length === 0) {
    const listed = analysis.packages.length > 0 ? analysis.packages.map(packageArg).join(', ') : 'none';
    throw new InputError(rootLabel, undefined, `no main package to build (packages found: ${listed}); add a package main, e.g. cmd/<name>/main.go`);
  }
  if (options.binary !== undefined) {
    const chosen = analysis.mainPackages.filter((m) => m.name === options.binary);
    if (chosen.length === 0)
      throw new UsageError(`--binary ${options.binary}: no such main package (binaries: ${analysis.mainPackages.map((m) => m.name).join(', ')})`);
    return chosen;
  }
  // The program a user means: a root or cmd/<name> main; else every main but test, example and tool helpers.
  const primary = analysis.mainPackages.filter((m) => m.role === 'primary');
  if (primary.length > 0) return primary;
  const others = analysis.mainPackages.filter((m) => m.role === 'other');
  if (others.length > 0) return others;
  throw new InputError(
    rootLabel,
    undefined,
    `only helper main packages here (${analysis.mainPackages.map((m) => packageArg(m.dir)).join(', ')}): name the one to build with --binary (${analysis.mainPackages.map((m) => m.name).join(', ')})`,
  );
}

/** What the comments say about a runtime image, from what it is. */
function describeRuntime(image: string, chosen: boolean): { what: string; user: string } {
  const user = '# Not root: uid 65532 needs no entry in /etc/passwd.';
  if (/^gcr\.io\/distroless\/static/.test(image))
    return {
      what: 'no shell, no package manager, no libc (the binary is static)',
      user: '# Not root: uid 65532 is "nonroot" in distroless and needs no entry in /etc/passwd.',
    };
  if (/^gcr\.io\/distroless\//.test(image))
    return { what: 'glibc, no shell, no package manager', user: '# Not root: uid 65532 is "nonroot" in distroless and needs no entry in /etc/passwd.' };
  if (/^(docker\.io\/)?(library\/)?debian:[\w.-]*slim/.test(image)) return { what: 'Debian slim: glibc for cgo, a shell and apt', user };
  if (image === 'scratch') return { what: 'nothing but the binary (no CA certificates, no time zones)', user };
  return { what: chosen ? `${image}, chosen with --runtime-image` : image, user };
}

const RUNTIME_PACKAGES = '/runtime-packages';

export function generate(analysis: GoProject, options: InitOptions, rootLabel: string, existing: ExistingBuild = { builds: [], entrypoints: [] }): Generated {
  checkOptions(options);
  const binaries = chooseBinaries(analysis, options, rootLabel);
  checkBinaries(binaries, rootLabel);
  const plan = planProgram(analysis, existing, binaries, rootLabel);
  const distro = options.distro ?? 'trixie';
  const cgo = plan.cgo;
  const lines: string[] = [];
  const add = (...l: string[]): void => void lines.push(...l);

  const syntax = options.syntax ?? 'docker/dockerfile:1';
  if (syntax !== 'none') add(`# syntax=${syntax}`);
  add('# Generated by `warmbuild init`; every step says why it is there.', '');
  const builder = options.builderImage ?? `golang:\${GO_VERSION}-${distro}`;
  if (builder.includes('${GO_VERSION}')) {
    add('# Go minor version from go.mod: patch releases arrive without edits.', `ARG GO_VERSION=${analysis.goVersion ?? '1'}`, '');
  }
  if (cgo) {
    add(
      '# cgo needs a C toolchain for the target platform, so this stage builds natively on each platform.',
      `FROM --platform=$TARGETPLATFORM ${builder} AS build`,
    );
  } else {
    add("# Build on the build machine's platform and cross-compile: no emulation for other platforms.", `FROM --platform=$BUILDPLATFORM ${builder} AS build`);
  }
  add('WORKDIR /src');
  if (plan.devPackages.length > 0) {
    add(
      '',
      `# cgo links ${plan.cgoLinks.join(', ')}: headers and library from Debian, before anything that changes often.`,
      `RUN apt-get update && apt-get install -y --no-install-recommends ${plan.devPackages.join(' ')} && rm -rf /var/lib/apt/lists/*`,
    );
  }
  // Project-scoped cache ids: a builder shared with other projects shares nothing with them.
  const project = (analysis.module?.module ?? binaries[0]!.name).replace(/[^\w.-]+/g, '-');
  const go = GOLANG_IMAGE_DEFAULTS;
  const modCache = mountFlag(goCacheMountFields(go.gomodcache, { id: `${project}-gomodcache` }));
  // A cross-compiled build cache is shared by all platforms (Go keys entries on GOOS/GOARCH); a natively
  // built cgo stage runs each platform's own toolchain and C headers, which Go's key does not cover.
  const buildCacheId = cgo ? perPlatformCacheId(`${project}-gocache`) : `${project}-gocache`;
  const buildCache = mountFlag(goCacheMountFields(go.gocache, { id: buildCacheId }));
  const secret = options.goprivate ? [secretMount('netrc', `${go.home}/.netrc`)] : [];
  if (options.goprivate) {
    add(
      '# Private modules skip the public proxy and checksum database; credentials come from a build secret',
      '# (docker build --secret id=netrc,src=$HOME/.netrc), never from an ARG or ENV.',
      `ENV GOPRIVATE=${options.goprivate}`,
    );
  }
  if (!analysis.vendored && analysis.hasRequirements) {
    const manifests = [
      ...(analysis.module !== undefined ? ['go.mod'] : []),
      ...(analysis.hasGoSum ? ['go.sum'] : []),
      ...(analysis.work ? ['go.work'] : []),
      ...(analysis.hasWorkSum ? ['go.work.sum'] : []),
      ...analysis.localModuleDirs,
    ];
    const binds = manifests.map((file) => bindMount(file, { source: file }));
    add(
      '',
      '# Modules download once per change of the manifests, into a cache that outlives every build;',
      '# the manifests are bind-mounted, so source edits never invalidate this step.',
      continued([`RUN ${modCache}`, ...binds, ...secret, 'go mod download -x']),
    );
  }
  const downloads = !analysis.vendored && analysis.hasRequirements;
  add(
    '',
    downloads
      ? '# Declared after the download, which is the same for every target platform.'
      : '# Declared where first needed: the steps above stay shared by every target platform.',
    'ARG TARGETOS TARGETARCH',
  );
  const ownVersion =
    analysis.versionVariable &&
    !plan.groups.some((g) => g.ldflags.some((f) => f.includes(` ${analysis.versionVariable}=`) || f.includes(`'${analysis.versionVariable}=`))) &&
    !plan.args.some((a) => a.name === 'VERSION')
      ? analysis.versionVariable
      : undefined;
  if (plan.embeddedVersion) add(`# ${plan.embeddedVersion.variable} comes from ${plan.embeddedVersion.file} (//go:embed): the build leaves it alone.`);
  if (ownVersion) add(`# Stamped into the binary (${ownVersion}): docker build --build-arg VERSION=1.2.3`, 'ARG VERSION=dev');
  for (const arg of plan.args) add(`# ${arg.comment}`, arg.default === undefined ? `ARG ${arg.name}` : `ARG ${arg.name}=${arg.default}`);

  const commands = plan.groups.map((group) => {
    const ldflags = ['-s', '-w', ...group.ldflags, ...(ownVersion ? [`-X ${ownVersion}=\${VERSION}`] : [])].join(' ');
    const output = group.binaries.length === 1 ? `/out/${group.binaries[0]!.name}` : '/out/';
    const groupCgo = group.cgo ?? analysis.cgo;
    const env = cgo ? (groupCgo ? 'CGO_ENABLED=1' : 'CGO_ENABLED=0') : 'CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH';
    const flags = [
      '-trimpath',
      ...(options.vcs ? [] : ['-buildvcs=false']),
      ...(group.buildmode ? [`-buildmode=${group.buildmode}`] : []),
      ...(group.tags.length > 0 ? [`-tags=${group.tags.join(',')}`] : []),
      `-ldflags="${ldflags}"`,
      `-o ${output}`,
      ...group.binaries.map((b) => packageArg(b.dir)),
    ];
    return { env, command: `go build ${flags.join(' ')}`, origin: group.origin };
  });
  const origins = plan.groups.filter((g) => g.origin).map((g) => `${g.origin} (${g.binaries.map((b) => b.name).join(', ')})`);
  add(
    '',
    '# Compile with the build cache and module cache mounted: a one-file edit recompiles one package.',
    '# The sources are bind-mounted (read-only), not copied into a layer.',
    ...(origins.length > 0 ? [`# Tags and linker flags as the project's own build sets them: ${origins.join('; ')}.`] : []),
    continued([
      ...(analysis.vendored ? [`RUN ${buildCache}`] : [`RUN ${modCache}`, buildCache]),
      bindMount('.'),
      ...secret,
      ...(commands.length === 1
        ? [commands[0]!.env, commands[0]!.command]
        : [
            continued(
              commands.map((c) => `${c.env} ${c.command}`),
              '&&',
            ),
          ]),
    ]),
  );
  const runtime = options.runtimeImage ?? (cgo ? `debian:${distro}-slim` : STATIC_RUNTIME);
  const debianRuntime = /^(docker\.io\/)?(library\/)?debian:/.test(runtime);
  if (plan.devPackages.length > 0 && debianRuntime) {
    add(
      '',
      '# The Debian packages of the shared libraries the binaries load (glibc aside), for the runtime stage.',
      `RUN ldd /out/* | awk '$3 ~ /^\\// {print $3}' | xargs -r realpath | xargs -r dpkg -S 2>/dev/null | cut -d: -f1 | sort -u | grep -vx libc6 >${RUNTIME_PACKAGES} || true`,
    );
  }

  add('', '# Just the binaries: docker buildx build --target binaries --output type=local,dest=out .', 'FROM scratch AS binaries', 'COPY --from=build /out/ /');

  const description = describeRuntime(runtime, options.runtimeImage !== undefined);
  // The default target is the last stage: the root package's binary, else the first one.
  const ordered = [...binaries].sort((a, b) => Number(a.dir === '.') - Number(b.dir === '.'));
  if (ordered.length > 1 && !ordered.some((b) => b.dir === '.')) ordered.push(ordered.shift()!);
  for (const binary of ordered) {
    add(
      '',
      `# Runtime for ${binary.name}: ${description.what}; docker build --target ${stageName(binary.name)}.`,
      `FROM ${runtime} AS ${stageName(binary.name)}`,
    );
    if (plan.devPackages.length > 0 && debianRuntime) {
      add(
        '# The libraries cgo links, installed only when the image lacks them (the build stage listed their packages).',
        continued([
          `RUN ${bindMount(RUNTIME_PACKAGES, { from: 'build', source: RUNTIME_PACKAGES })}`,
          `missing=$(for p in $(cat ${RUNTIME_PACKAGES}); do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done); if [ -n "$missing" ]; then apt-get update && apt-get install -y --no-install-recommends $missing && rm -rf /var/lib/apt/lists/*; fi`,
        ]),
      );
    } else if (cgo && plan.cgoLinks.length > 0) {
      add(`# cgo links ${plan.cgoLinks.join(', ')}: install their runtime packages here.`);
    }
    const entry = plan.entrypoints.get(binary.name);
    add(`COPY --from=build /out/${binary.name} /usr/local/bin/${binary.name}`, description.user, 'USER 65532:65532');
    if (entry && (entry.args.length > 0 || entry.cmd))
      add(`# ENTRYPOINT flags${entry.cmd ? ' and CMD' : ''} as the project's own image (${entry.file}) has them.`);
    add(`ENTRYPOINT ${JSON.stringify([`/usr/local/bin/${binary.name}`, ...(entry?.args ?? [])]).replace(/","/g, '", "')}`);
    if (entry?.cmd) add(`CMD ${JSON.stringify(entry.cmd).replace(/","/g, '", "')}`);
  }
  return { dockerfile: `${lines.join('\n')}\n`, dockerignore: dockerignore(analysis, options), binaries: binaries.map((b) => b.name) };
}

const IGNORE_CANDIDATES: Array<[string, string]> = [
  ['.git', 'version control (not needed unless binaries are VCS-stamped)'],
  ['bin', 'build outputs'],
  ['dist', 'build outputs'],
  ['out', 'build outputs'],
  ['.idea', 'editor files'],
  ['.vscode', 'editor files'],
  ['**/*.swp', 'editor files'],
  ['**/*~', 'editor files'],
  ['**/.DS_Store', 'editor files'],
  ['Dockerfile*', 'the build definition is not an input of the build'],
  ['.dockerignore', 'the build definition is not an input of the build'],
  ['.warmbuild-cache', "warmbuild's own files: the cache store (`warmbuild cache export --to`) and config"],
  ['.warmbuild.*', "warmbuild's own files: the cache store (`warmbuild cache export --to`) and config"],
];

/** Excludes what the build cannot need, and never what it does: embed targets, modules, vendor/, sources. */
function dockerignore(analysis: GoProject, options: InitOptions): string {
  const needed = [...analysis.embedPaths, ...analysis.localModuleDirs, ...analysis.packages, ...(analysis.vendored ? ['vendor'] : [])];
  const covers = (pattern: string, p: string): boolean => {
    if (pattern.startsWith('**/')) return path.basename(p) === pattern.slice(3) || (pattern.endsWith('~') && p.endsWith('~'));
    const base = pattern.replace(/\*$/, '');
    return p === base || p.startsWith(`${base}/`) || (pattern.endsWith('*') && p.startsWith(base));
  };
  const out = ['# Generated by `warmbuild init`: a small context is a fast context; nothing the build needs is excluded.'];
  let group = '';
  for (const [pattern, why] of IGNORE_CANDIDATES) {
    if (pattern === '.git' && options.vcs) continue;
    if (needed.some((p) => covers(pattern, p))) continue;
    if (why !== group) {
      out.push(`# ${why}`);
      group = why;
    }
    out.push(pattern);
  }
  return `${out.join('\n')}\n`;
}
