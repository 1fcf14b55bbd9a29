import { describe, expect, it } from 'vitest';
import { linkerVariables, parseGoBuildArgs, splitQuoted } from '../../src/go/buildflags.js';
import { nameConstraintHolds } from '../../src/go/constraints.js';
import { analyzeGoProject, cgoLibrariesOf } from '../../src/go/project.js';
import { inspectGoFile } from '../../src/go/source.js';

const project = (texts: Record<string, string>) => analyzeGoProject({ paths: Object.keys(texts), texts, hasGit: false }, '/p');
const linux = { goos: 'linux', goarch: 'amd64', cgo: true, tags: [] as string[] };

describe('go build flags', () => {
  it('reads -tags (comma or space separated), -ldflags, -trimpath, -buildmode, -o and packages, with or without =', () => {
    const flags = parseGoBuildArgs([
      '-trimpath',
      '-tags',
      'seccomp urfave_cli_no_docs',
      '-buildmode=pie',
      '-ldflags=-s -X "main.Version=1.0 beta"',
      '-mod=vendor',
      '-o',
      'bin/app',
      './cmd/app',
    ]);
    expect(flags).toEqual({
      tags: ['seccomp', 'urfave_cli_no_docs'],
      ldflags: ['-s', '-X', 'main.Version=1.0 beta'],
      trimpath: true,
      buildmode: 'pie',
      mod: 'vendor',
      output: 'bin/app',
      packages: ['./cmd/app'],
    });
    expect(parseGoBuildArgs(['--tags=a,b', '.']).tags).toEqual(['a', 'b']);
  });

  it('splits linker flags as the go command does, and separates -X settings from the rest', () => {
    expect(splitQuoted(`-X 'main.BuildTime=2026-03-01 UTC' -extldflags "-static -lm"`)).toEqual([
      '-X',
      'main.BuildTime=2026-03-01 UTC',
      '-extldflags',
      '-static -lm',
    ]);
    expect(linkerVariables(['-s', '-X', 'main.a=1', '-X=main.b=x=y', '-linkmode', 'external'])).toEqual({
      variables: [
        { name: 'main.a', value: '1' },
        { name: 'main.b', value: 'x=y' },
      ],
      other: ['-s', '-linkmode', 'external'],
    });
  });
});

describe('source files', () => {
  it('file-name constraints: _linux, _windows, _arm64, _linux_arm64', () => {
    expect(nameConstraintHolds('x_linux.go', linux)).toBe(true);
    expect(nameConstraintHolds('x_windows.go', linux)).toBe(false);
    expect(nameConstraintHolds('x_arm64.go', linux)).toBe(false);
    expect(nameConstraintHolds('x_linux_amd64.go', linux)).toBe(true);
    expect(nameConstraintHolds('linux.go', linux)).toBe(true);
  });

  it('a version variable //go:embed fills is embedded (runc), string defaults are read from var lines and blocks', () => {
    const f = inspectGoFile(
      'main.go',
      'package main\n\nimport _ "embed"\n\n// version is set from VERSION.\n//\n//go:embed VERSION\nvar version string\n\nvar (\n\tVersion   = "DEV"\n\tBuildTime = `unknown`\n)\nvar gitCommit = ""\n',
    );
    expect(f.embeddedVariables).toEqual(['version']);
    expect(f.stringDefaults).toEqual({ Version: 'DEV', BuildTime: 'unknown', gitCommit: '' });
  });

  it('a main package in a _windows.go file only is not a linux main package', () => {
    const p = project({ 'go.mod': 'module example.com/x\n', 'main.go': 'package main\n', 'cmd/win/main_windows.go': 'package main\n' });
    expect(p.mainPackages.map((m) => m.dir)).toEqual(['.']);
  });
});

describe('main packages as a user means them', () => {
  it('root and cmd/<name> are primary; tests/, hack/, examples/, tools/, internal/ are helpers', () => {
    const main = 'package main\nfunc main() {}\n';
    const p = project({
      'go.mod': 'module example.com/x\n',
      'main.go': main,
      'cmd/x/main.go': main,
      'contrib/cmd/y/main.go': main,
      'tests/cmd/recvtty/main.go': main,
      'hack/gen/main.go': main,
      'examples/demo/main.go': main,
      'internal/cmd/tool/main.go': main,
      'tools/lint/main.go': main,
    });
    expect(Object.fromEntries(p.mainPackages.map((m) => [m.dir, m.role]))).toEqual({
      '.': 'primary',
      'cmd/x': 'primary',
      'contrib/cmd/y': 'other',
      'examples/demo': 'helper',
      'hack/gen': 'helper',
      'internal/cmd/tool': 'helper',
      'tests/cmd/recvtty': 'helper',
      'tools/lint': 'helper',
    });
  });
});

describe('cgo libraries of one build (the seccomp tag of runc)', () => {
  // Shape from opencontainers/runc v1.4.3: libseccomp is linked (pkg-config) by a vendored package the
  // main package imports only through a file behind `//go:build cgo && seccomp`; libpathrs only behind
  // the libpathrs tag.
  const p = project({
    'go.mod': 'module example.com/runc\n\ngo 1.24\n',
    'vendor/modules.txt': '# github.com/seccomp/libseccomp-golang v0.11.1\n',
    'main.go': 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/runc/libcontainer/seccomp"\n)\n\nfunc main() { fmt.Println(seccomp.Version()) }\n',
    'libcontainer/seccomp/seccomp_linux.go':
      '//go:build cgo && seccomp\n\npackage seccomp\n\nimport libseccomp "github.com/seccomp/libseccomp-golang"\n\nfunc Version() uint { return libseccomp.Major() }\n',
    'libcontainer/seccomp/seccomp_unsupported.go': '//go:build !linux || !cgo || !seccomp\n\npackage seccomp\n\nfunc Version() uint { return 0 }\n',
    'libcontainer/seccomp/seccomp_windows.go': 'package seccomp\n\nimport _ "github.com/never/windows"\n',
    'vendor/github.com/seccomp/libseccomp-golang/seccomp_internal.go':
      'package seccomp\n\n// #cgo pkg-config: libseccomp\nimport "C"\n\nfunc Major() uint { return 2 }\n',
    'vendor/github.com/never/windows/w.go': 'package windows\n\n// #cgo LDFLAGS: -lwinapi\nimport "C"\n',
    'vendor/cyphar.com/go-pathrs/p.go': 'package pathrs\n\n// #cgo pkg-config: pathrs\nimport "C"\n',
  });

  it('links libseccomp with the tag, nothing without it, nothing with cgo off', () => {
    expect(cgoLibrariesOf(p, ['.'], { ...linux, tags: ['seccomp'] })).toEqual({ pkgConfig: ['libseccomp'], libraries: [] });
    expect(cgoLibrariesOf(p, ['.'], linux)).toEqual({ pkgConfig: [], libraries: [] });
    expect(cgoLibrariesOf(p, ['.'], { ...linux, cgo: false, tags: ['seccomp'] })).toEqual({ pkgConfig: [], libraries: [] });
  });
});
