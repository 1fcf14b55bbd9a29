import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProjectFiles } from '../../src/adapters/project.js';
import { InputError } from '../../src/errors.js';
import { analyzeGoProject, type ProjectFiles, readsText } from '../../src/go/project.js';
import { isBuildDefinition, readExistingBuild } from '../../src/init/existing.js';
import { generate, type InitOptions } from '../../src/init/generate.js';
import { goBuildsOfMakefile, splitShellValues } from '../../src/init/make.js';
import { checkText } from '../../src/lint.js';

const PROJECTS = path.resolve(import.meta.dirname, '..', 'projects', 'init');

async function generated(name: string, options: InitOptions = {}): Promise<string> {
  const files = await readProjectFiles(path.join(PROJECTS, name), (f) => readsText(f) || isBuildDefinition(f));
  return generate(analyzeGoProject(files, name), { syntax: 'none', ...options }, name, readExistingBuild(files.texts)).dockerfile;
}

function fromTexts(texts: Record<string, string>, options: InitOptions = {}): string {
  const files: ProjectFiles = { paths: Object.keys(texts), texts, hasGit: false };
  return generate(analyzeGoProject(files, '/p'), options, '/p', readExistingBuild(texts)).dockerfile;
}

const shown = (args: string[]) =>
  args.map((a) =>
    splitShellValues(a)
      .map((p) => (typeof p === 'string' ? p : `<${p.name}: ${p.command}>`))
      .join(''),
  );

describe('reading a Makefile for what `make TARGET` passes to go build', () => {
  const makefile = [
    'VERSION := $(shell git describe --tags)',
    'FLAGS := -X "main.Version=$(VERSION)"',
    'ifdef CONTAINER_BUILD',
    '\tFLAGS := $(FLAGS) -X "main.Runtime=virtual"',
    'else ifeq ($(OS), windows)',
    '\tFLAGS := $(FLAGS) -X main.Runtime=windows',
    'else',
    '\tFLAGS := $(FLAGS) -X main.Runtime=host',
    'endif',
    'EXTRA :=',
    'TAGS := a $(if $(strip $(EXTRA)),extra,) b',
    'app: export CGO_ENABLED=1',
    'app: app-bin',
    'app-bin:',
    'ifeq ($(FIPS), true)',
    '\t$(info fips)',
    'endif',
    '\tgo build -tags "$(TAGS)" -ldflags=\'$(FLAGS)\' -o app ./cmd/app',
  ].join('\n');

  it('evaluates conditionals with the environment make runs in (ifdef, else ifeq, else)', () => {
    const container = goBuildsOfMakefile(makefile, { targets: ['app'], env: { CONTAINER_BUILD: '1' } });
    expect(container.builds).toHaveLength(1);
    expect(shown(container.builds[0]!.args)).toEqual([
      '-tags',
      'a  b',
      `-ldflags=-X "main.Version=<VERSION: git describe --tags>" -X "main.Runtime=virtual"`,
      '-o',
      'app',
      './cmd/app',
    ]);
    expect(shown(goBuildsOfMakefile(makefile, { targets: ['app'], env: { OS: 'windows' } }).builds[0]!.args)[2]).toContain('main.Runtime=windows');
    expect(shown(goBuildsOfMakefile(makefile, { targets: ['app'] }).builds[0]!.args)[2]).toContain('main.Runtime=host');
  });

  it('keeps target-specific exports, and says where each variable was set', () => {
    const r = goBuildsOfMakefile(makefile, { targets: ['app'] });
    expect(r.builds[0]!.env.CGO_ENABLED).toBe('1');
    expect(r.origins.VERSION).toEqual({ line: 1 });
    expect(r.origins.FLAGS).toEqual({ line: 8 });
    expect(r.defaultTarget).toBe('app');
  });
});

describe('init keeps the program the project builds', () => {
  it('Makefile (runc, cloudflared shapes): tags, -X from a VERSION file and from git as a build arg with the source default; helpers left out', async () => {
    const dockerfile = await generated('make-version');
    expect(dockerfile).toContain(
      `go build -trimpath -buildvcs=false -tags=featureflag -ldflags="-s -w -X 'main.version=$(cat VERSION)' -X 'main.commit=\${COMMIT}'" -o /out/makeversion .`,
    );
    expect(dockerfile).toContain('ARG COMMIT=none');
    expect(dockerfile).toContain('CGO_ENABLED=0');
    expect(dockerfile).not.toMatch(/helper|hack|extra AS|contrib/);
    expect(dockerfile).not.toContain('main.runtime=container');
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(3);
  });

  it('a helper is built when asked for by name', async () => {
    const dockerfile = await generated('make-version', { binary: 'helper' });
    expect(dockerfile).toContain('-o /out/helper ./tests/cmd/helper');
  });

  it('an embedded VERSION file is not overridden (runc): no -X for the version, and the comment says why', async () => {
    const dockerfile = await generated('embed-version');
    expect(dockerfile).not.toMatch(/-X '?main\.version|ARG VERSION/);
    expect(dockerfile).toContain('# main.version comes from VERSION (//go:embed): the build leaves it alone.');
    expect(dockerfile).toContain(`-tags=seccomp,urfave_cli_no_docs -ldflags="-s -w -X 'main.gitCommit=\${COMMIT}'"`);
    expect(dockerfile).toMatch(/^ARG COMMIT$/m);
    // The Makefile exports CGO_ENABLED=1 for the binary: native build, glibc runtime, described as such.
    expect(dockerfile).toContain('CGO_ENABLED=1 \\\n    go build');
    expect(dockerfile).toContain('# Runtime for embedversion: Debian slim: glibc for cgo, a shell and apt;');
    expect(dockerfile).not.toContain('distroless');
    // The test image's ENTRYPOINT runs a script, not the binary: nothing of it is taken.
    expect(dockerfile).toContain('ENTRYPOINT ["/usr/local/bin/embedversion"]\n');
  });

  it('the existing Dockerfile (cloudflared): its `make` under its ENV, its ENTRYPOINT flags and CMD', async () => {
    const dockerfile = await generated('entrypoint');
    expect(dockerfile).toContain(
      `-ldflags="-s -w -X 'main.Version=\${VERSION}' -X 'main.BuildTime=\${DATE}' -X main.Runtime=virtual" -o /out/entry ./cmd/entry`,
    );
    expect(dockerfile).toContain('ARG VERSION=DEV\n');
    expect(dockerfile).toContain('ARG DATE=unknown\n');
    expect(dockerfile).toContain('ENTRYPOINT ["/usr/local/bin/entry", "--no-autoupdate"]\nCMD ["version"]\n');
  });

  it('goreleaser: tags, env and ldflags, templates as build args', async () => {
    const dockerfile = await generated('goreleaser');
    expect(dockerfile).toContain(
      `-tags=osusergo,netgo -ldflags="-s -w -X 'main.version=\${VERSION}' -X example.com/grapp/internal/build.Mode=release" -o /out/grapp ./cmd/grapp`,
    );
    expect(dockerfile.match(/^ARG VERSION=dev$/gm)).toHaveLength(1);
  });

  it.each(['make-version', 'embed-version', 'entrypoint', 'goreleaser'])('dogfood: warmbuild check finds nothing in what init writes for %s', async (name) => {
    expect(checkText(await generated(name), {})).toEqual([]);
  });

  it('cgo libraries: -dev packages in the build stage, runtime packages only when the image lacks them', () => {
    const dockerfile = fromTexts({
      'go.mod': 'module example.com/db\n',
      'main.go': 'package main\n\n// #cgo LDFLAGS: -lsqlite3 -lm\nimport "C"\n\nfunc main() {}\n',
    });
    expect(dockerfile).toContain('# cgo links -lsqlite3: headers and library from Debian');
    expect(dockerfile).toContain('apt-get install -y --no-install-recommends libsqlite3-dev');
    expect(dockerfile).toContain('--mount=type=bind,from=build,source=/runtime-packages,target=/runtime-packages');
    expect(checkText(dockerfile, {})).toEqual([]);
  });

  it('binaries whose builds differ get one go build each, in the same RUN', () => {
    const main = 'package main\nfunc main() {}\n';
    const dockerfile = fromTexts({
      'go.mod': 'module example.com/two\n',
      'cmd/a/main.go': main,
      'cmd/b/main.go': main,
      Makefile: 'a:\n\tgo build -tags special -o a ./cmd/a\n',
    });
    expect(dockerfile).toContain(
      'CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -buildvcs=false -tags=special -ldflags="-s -w" -o /out/a ./cmd/a && \\\n    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -buildvcs=false -ldflags="-s -w" -o /out/b ./cmd/b\n',
    );
    expect(checkText(dockerfile, {})).toEqual([]);
  });

  it('the runtime comment describes the image in use', () => {
    const texts = { 'go.mod': 'module example.com/app\n', 'main.go': 'package main\nfunc main() {}\n' };
    expect(fromTexts(texts, { runtimeImage: 'busybox' })).toContain('# Runtime for app: busybox, chosen with --runtime-image;');
    expect(fromTexts(texts, { runtimeImage: 'busybox' })).not.toContain('distroless');
    expect(fromTexts(texts, { runtimeImage: 'gcr.io/distroless/base-debian12' })).toContain('glibc, no shell, no package manager');
  });

  it(".dockerignore leaves out warmbuild's own cache store", () => {
    const files: ProjectFiles = { paths: ['go.mod', 'main.go'], texts: { 'go.mod': 'module example.com/app\n', 'main.go': 'package main\n' }, hasGit: false };
    expect(generate(analyzeGoProject(files, '/p'), {}, '/p').dockerignore.split('\n')).toContain('.warmbuild-cache');
  });

  it('a value from the project build that cannot be written into a Dockerfile is refused at its file:line', () => {
    const texts = {
      'go.mod': 'module example.com/app\n',
      'main.go': 'package main\nfunc main() {}\n',
      Makefile: 'X := it\'s\napp:\n\tgo build -ldflags "-X main.v=$(X)" .\n',
    };
    expect(() => fromTexts(texts)).toThrow(InputError);
    expect(() => fromTexts(texts)).toThrow(/^\/p\/Makefile:1: -X main\.v=/);
    const tags = { ...texts, Makefile: 'app:\n\tgo build -tags "a;b" .\n' };
    expect(() => fromTexts(tags)).toThrow("/p/Makefile:2: build tag 'a;b' (Makefile target app) cannot be written into a Dockerfile as is");
    const yaml = { 'go.mod': texts['go.mod'], 'main.go': texts['main.go'], '.goreleaser.yaml': 'builds:\n  - main: .\n    ldflags: ["-X main.v=`id`"]\n' };
    expect(() => fromTexts(yaml)).toThrow(/^\/p\/\.goreleaser\.yaml:3: -X main\.v=/);
  });
});

describe('init over its own output', () => {
  it.each(['make-version', 'embed-version', 'entrypoint', 'goreleaser'])(
    '%s: init --force over the Dockerfile init wrote keeps every instruction (comments may name the new source)',
    async (name) => {
      const { cpSync, mkdtempSync, readFileSync, rmSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { main } = await import('../../src/cli/main.js');
      const dir = mkdtempSync(path.join(tmpdir(), 'warmbuild-init-again-'));
      try {
        cpSync(path.join(PROJECTS, name), dir, { recursive: true });
        const quiet = { stdout: () => undefined, stderr: () => undefined, isTTY: false };
        expect(await main(['init', dir, '--force'], quiet)).toBe(0);
        const first = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
        expect(await main(['init', dir, '--force'], quiet)).toBe(0);
        const instructions = (text: string) => text.split('\n').filter((l) => !l.startsWith('#'));
        expect(instructions(readFileSync(path.join(dir, 'Dockerfile'), 'utf8'))).toEqual(instructions(first));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('a hand-written Dockerfile go build with ${VERSION} and $(cat VERSION) becomes build args and a file read', () => {
    const texts = {
      'go.mod': 'module example.com/app\n',
      'main.go': 'package main\n\nvar version = "dev"\nvar commit = "none"\n\nfunc main() {}\n',
      Dockerfile: 'FROM golang:1.25\nARG COMMIT\nRUN go build -ldflags "-X main.version=$(cat VERSION) -X main.commit=${COMMIT}" -o /app .\n',
    };
    const dockerfile = fromTexts(texts);
    expect(dockerfile).toContain(`-ldflags="-s -w -X 'main.version=$(cat VERSION)' -X 'main.commit=\${COMMIT}'"`);
    expect(dockerfile).toContain('# Dockerfile:3 sets -X main.commit from build arg COMMIT: docker build --build-arg COMMIT=...\nARG COMMIT=none\n');
  });
});
