import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProjectFiles } from '../../src/adapters/project.js';
import { InputError, UsageError } from '../../src/errors.js';
import { buildsOnLinux } from '../../src/go/constraints.js';
import { goMinor, parseGoMod } from '../../src/go/gomod.js';
import { analyzeGoProject, type ProjectFiles, readsText } from '../../src/go/project.js';
import { generate } from '../../src/init/generate.js';
import { checkText } from '../../src/lint.js';

function project(files: Record<string, string>, hasGit = false): ProjectFiles {
  return { paths: Object.keys(files), texts: files, hasGit };
}

const PROJECTS = path.resolve(import.meta.dirname, '..', 'projects', 'init');

describe('go.mod parsing', () => {
  it('reads module, go, toolchain, requires and replaces, in blocks and lines', () => {
    const mod = parseGoMod(
      'module example.com/x // the module\n\ngo 1.24.1\ntoolchain go1.25.3\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v0.2.0 // indirect\n)\n\nreplace example.com/a => ./third_party/a\nreplace (\n\texample.com/b v0.2.0 => example.com/c v0.3.0\n)\n',
      'go.mod',
    );
    expect(mod.module).toBe('example.com/x');
    expect(mod.requires.map((r) => r.path)).toEqual(['example.com/a', 'example.com/b']);
    expect(mod.replaces.map((r) => [r.newPath, r.local])).toEqual([
      ['./third_party/a', true],
      ['example.com/c', false],
    ]);
    expect(goMinor(mod)).toBe('1.25');
    expect(goMinor({ go: '1.24.1' })).toBe('1.24');
  });

  it.each([
    ['module example.com/x\nrequire example.com/a\n', 'go.mod:2: usage: require module/path v1.2.3'],
    ['module example.com/x\ngo one\n', "go.mod:2: invalid go version 'one'"],
    ['module example.com/x\nrequires example.com/a v1\n', 'go.mod:2: unknown directive: requires'],
    ['module example.com/x\nrequire (\n\texample.com/a v1.0.0\n', 'go.mod:2: require block is never closed'],
    ['go 1.25\n', 'go.mod:1: no module directive'],
    ['module "example.com/x\n', 'go.mod:1: unterminated quoted string'],
  ])('reports %j as a file:line error', (text, message) => {
    expect(() => parseGoMod(text, 'go.mod')).toThrow(InputError);
    expect(() => parseGoMod(text, 'go.mod')).toThrow(message);
  });
});

describe('project analysis', () => {
  it('finds main packages, skipping tests, testdata, vendor, hidden dirs and files that do not build on linux', () => {
    const a = analyzeGoProject(
      project({
        'go.mod': 'module example.com/tool/v2\n\ngo 1.25\n',
        'main.go': 'package main\n\nvar Version = "dev"\n\nfunc main() {}\n',
        'cmd/worker/main.go': 'package main\nfunc main() {}\n',
        'cmd/gen/gen.go': '//go:build ignore\n\npackage main\n',
        'tools/tools.go': '//go:build tools\n\npackage main\n',
        'cmd/win/main.go': '//go:build windows\n\npackage main\n',
        'cmd/arm/main.go': '//go:build linux && arm64\n\npackage main\n',
        'internal/x/x_test.go': 'package main\n',
        'internal/x/x.go': 'package x\n',
        'testdata/t/main.go': 'package main\n',
        'vendor/v/main.go': 'package main\n',
        '.hidden/main.go': 'package main\n',
        '_examples/main.go': 'package main\n',
      }),
      '/p',
    );
    expect(a.mainPackages).toEqual([
      { dir: '.', name: 'tool', role: 'primary', files: ['main.go'] },
      { dir: 'cmd/arm', name: 'arm', role: 'primary', files: ['cmd/arm/main.go'] },
      { dir: 'cmd/worker', name: 'worker', role: 'primary', files: ['cmd/worker/main.go'] },
    ]);
    expect(a.versionVariable).toBe('main.Version');
    expect(a.cgo).toBe(false);
  });

  it('build constraints', () => {
    expect(buildsOnLinux('linux')).toBe(true);
    expect(buildsOnLinux('!windows && (amd64 || arm64)')).toBe(true);
    expect(buildsOnLinux('darwin || windows')).toBe(false);
    expect(buildsOnLinux('ignore')).toBe(false);
    expect(buildsOnLinux('cgo && !purego')).toBe(true);
  });

  it('detects cgo, its libraries, embeds and local replaces', () => {
    const a = analyzeGoProject(
      project({
        'go.mod': 'module example.com/x\ngo 1.25\nrequire example.com/lib v0.0.0\nreplace example.com/lib => ./lib\n',
        'main.go': 'package main\n\n// #cgo LDFLAGS: -lsqlite3 -lm\nimport "C"\n\n//go:embed web/dist/* templates\nvar fs embed.FS\n',
        'lib/go.mod': 'module example.com/lib\n',
        'c_test.go': 'package main\nimport "C"\n',
      }),
      '/p',
    );
    expect(a.cgo).toBe(true);
    expect(a.cgoLibraries).toEqual(['m', 'sqlite3']);
    expect(a.embedPaths).toEqual(['templates', 'web/dist']);
    expect(a.localModuleDirs).toEqual(['lib']);
    expect(a.hasRequirements).toBe(false);
  });

  it('refuses a missing go.mod and a replace outside the context', () => {
    expect(() => analyzeGoProject(project({ 'main.go': 'package main\n' }), '/p')).toThrow('/p: no go.mod here');
    expect(() => analyzeGoProject(project({ 'go.mod': 'module x\n\nreplace y => ../y\n', 'main.go': 'package main\n' }), '/p')).toThrow(
      '/p/go.mod:3: replace y => ../y points outside the build context',
    );
  });
});

describe('generation', () => {
  it('lists the packages when there is no main package, and the binaries for an unknown --binary', () => {
    const lib = analyzeGoProject(project({ 'go.mod': 'module example.com/lib\n', 'lib.go': 'package lib\n', 'sub/sub.go': 'package sub\n' }), '/p');
    expect(() => generate(lib, {}, '/p')).toThrow('no main package to build (packages found: ., ./sub)');
    const app = analyzeGoProject(project({ 'go.mod': 'module example.com/app\n', 'cmd/a/main.go': 'package main\n', 'cmd/b/main.go': 'package main\n' }), '/p');
    expect(() => generate(app, { binary: 'c' }, '/p')).toThrow(UsageError);
    expect(() => generate(app, { binary: 'c' }, '/p')).toThrow('binaries: a, b');
    const one = generate(app, { binary: 'b' }, '/p');
    expect(one.binaries).toEqual(['b']);
    expect(one.dockerfile).toContain('-o /out/b ./cmd/b');
    expect(one.dockerfile).not.toContain('./cmd/a');
  });

  it('private modules use a required netrc secret and GOPRIVATE, never a credential in ARG or ENV', () => {
    const a = analyzeGoProject(project({ 'go.mod': 'module example.com/app\nrequire git.corp/x v1.0.0\n', 'go.sum': '', 'main.go': 'package main\n' }), '/p');
    const { dockerfile } = generate(a, { goprivate: 'git.corp/*' }, '/p');
    expect(dockerfile).toContain('ENV GOPRIVATE=git.corp/*');
    expect(dockerfile.match(/--mount=type=secret,id=netrc,target=\/root\/\.netrc,required=true/g)).toHaveLength(2);
    expect(dockerfile).not.toMatch(/TOKEN|PASSWORD|ARG .*NETRC/i);
  });

  it('puts the download before TARGETOS/TARGETARCH, with the manifests bind-mounted', () => {
    const a = analyzeGoProject(
      project({ 'go.mod': 'module example.com/app\ngo 1.24\nrequire example.com/a v1.0.0\n', 'go.sum': 'x', 'main.go': 'package main\n' }),
      '/p',
    );
    const { dockerfile } = generate(a, {}, '/p');
    expect(dockerfile.startsWith('# syntax=docker/dockerfile:1\n')).toBe(true);
    expect(dockerfile).toContain('ARG GO_VERSION=1.24');
    expect(dockerfile).toContain('FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-trixie AS build');
    const download = dockerfile.indexOf('go mod download');
    expect(download).toBeGreaterThan(0);
    expect(dockerfile.indexOf('ARG TARGETOS TARGETARCH')).toBeGreaterThan(download);
    expect(dockerfile).toContain('--mount=type=bind,source=go.sum,target=go.sum');
    expect(dockerfile).toContain('FROM gcr.io/distroless/static-debian12:nonroot AS app');
  });

  it('the .dockerignore never excludes what the build needs', () => {
    const a = analyzeGoProject(
      project({ 'go.mod': 'module example.com/app\n', 'main.go': 'package main\n//go:embed dist/index.html\nvar s string\n', 'bin/tool.go': 'package bin\n' }),
      '/p',
    );
    const ignore = generate(a, {}, '/p').dockerignore.split('\n');
    expect(ignore).toContain('.git');
    expect(ignore).toContain('out');
    expect(ignore).not.toContain('dist');
    expect(ignore).not.toContain('bin');
    expect(generate(a, { vcs: true }, '/p').dockerignore.split('\n')).not.toContain('.git');
  });

  it.each(['root', 'multi', 'vendored', 'cgo', 'workspace', 'replace', 'embed'])(
    'dogfood: warmbuild check finds nothing in the Dockerfile generated for %s',
    async (name) => {
      const files = await readProjectFiles(path.join(PROJECTS, name), readsText);
      const analysis = analyzeGoProject(files, name);
      const { dockerfile } = generate(analysis, {}, name);
      expect(checkText(dockerfile, { facts: { vendor: analysis.vendored } })).toEqual([]);
    },
  );
});

describe('README', () => {
  it('shows exactly what init writes for a module with one dependency and a version variable', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(path.join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const shown = /```dockerfile\n(# syntax=docker\/dockerfile:1\n[\s\S]*?)```/.exec(readme)![1];
    const a = analyzeGoProject(
      project({
        'go.mod': 'module example.com/app\n\ngo 1.25\n\nrequire example.com/greet v1.0.0\n',
        'go.sum': 'x',
        'main.go': 'package main\n\nvar version = "dev"\n\nfunc main() {}\n',
      }),
      '/p',
    );
    expect(generate(a, {}, '/p').dockerfile).toBe(shown);
  });
});
