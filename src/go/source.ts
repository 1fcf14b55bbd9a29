import path from 'node:path/posix';
import { type BuildConfig, buildsOnLinux, constraintHolds, nameConstraintHolds } from './constraints.js';

// What one Go source file says about the build, read from its text without a Go toolchain. Pure.

export interface GoFile {
  path: string;
  dir: string;
  packageName?: string;
  /** The `//go:build` expression, if any. */
  constraint?: string;
  /** Its build constraints exclude it from every linux build. */
  ignored: boolean;
  test: boolean;
  /** Imports "C". */
  cgo: boolean;
  /** Import paths. */
  imports: string[];
  /** Libraries named by `#cgo LDFLAGS: -lname`. */
  libraries: string[];
  /** pkg-config packages named by `#cgo pkg-config: name`. */
  pkgConfig: string[];
  /** `//go:embed` patterns, relative to the file's directory. */
  embeds: string[];
  /** `version` or `Version`, declared at package level. */
  versionVariable?: string;
  /** Package-level variables that `//go:embed` fills: -X must not override them. */
  embeddedVariables: string[];
  /** Package-level string variables with a literal initial value: what a binary says without -X. */
  stringDefaults: Record<string, string>;
}

/** Whether the file is compiled for `config`: its name's _GOOS/_GOARCH suffix and its //go:build line. */
export function fileBuilds(file: GoFile, config: BuildConfig): boolean {
  if (file.test || !nameConstraintHolds(path.basename(file.path), config)) return false;
  return (
    file.constraint === undefined ||
    constraintHolds(
      file.constraint,
      (tag) =>
        config.tags.includes(tag) ||
        tag === config.goos ||
        tag === config.goarch ||
        (tag === 'unix' && config.goos === 'linux') ||
        tag === 'gc' ||
        (tag === 'cgo' && config.cgo) ||
        /^go1\.\d+$/.test(tag),
    )
  );
}

function goString(literal: string): string | undefined {
  if (literal.startsWith('`')) return literal.slice(1, -1);
  try {
    return JSON.parse(literal) as string;
  } catch {
    return undefined;
  }
}

export function inspectGoFile(file: string, text: string): GoFile {
  const header = text.split(/^package\s/m)[0] ?? '';
  const pkg = /^package\s+([A-Za-z_]\w*)/m.exec(text)?.[1];
  const constraint = /^\/\/go:build\s+(.+)$/m.exec(header)?.[1]?.trim();
  const linuxName = ['amd64', 'arm64'].some((goarch) => nameConstraintHolds(path.basename(file), { goos: 'linux', goarch }));
  const ignored = !linuxName || (constraint !== undefined && !buildsOnLinux(constraint));
  const imports = [
    ...[...text.matchAll(/^import\s+(?:[\w.]+\s+)?"([^"]+)"/gm)].map((m) => m[1]!),
    ...[...text.matchAll(/^import\s*\(([^)]*)\)/gm)].flatMap((m) => [...m[1]!.matchAll(/^\s*(?:[\w.]+\s+)?"([^"]+)"/gm)].map((i) => i[1]!)),
  ];
  const cgo = imports.includes('C');
  const directives = cgo ? [...text.matchAll(/^\s*(?:\/\/\s*)?#cgo\b([^:\n]*):([^\n]*)/gm)].filter((m) => cgoConditionHolds(m[1]!)) : [];
  const named = (name: string) => directives.filter((m) => m[1]!.trim().split(/\s+/).pop() === name);
  const libraries = named('LDFLAGS').flatMap((m) => [...m[2]!.matchAll(/(?:^|\s)-l([\w+.-]+)/g)].map((l) => l[1]!));
  const pkgConfig = named('pkg-config').flatMap((m) =>
    m[2]!
      .trim()
      .split(/\s+/)
      .filter((w) => w && !w.startsWith('-')),
  );
  const embeds: string[] = [];
  const embeddedVariables: string[] = [];
  for (const m of text.matchAll(/^\/\/go:embed\s+(.+)$\n(?:\/\/.*\n)*\s*var\s+([A-Za-z_]\w*)/gm)) embeddedVariables.push(m[2]!);
  for (const m of text.matchAll(/^\/\/go:embed\s+(.+)$/gm))
    embeds.push(...(m[1]!.match(/"[^"]*"|`[^`]*`|\S+/g) ?? []).map((p) => p.replace(/^["`]|["`]$/g, '').replace(/^all:/, '')));
  const versionVariable = /^var\s+(version|Version)\s+(=|string)/m.exec(text)?.[1] ?? /^var\s*\([^)]*^\s+(version|Version)\s+(=|string)/ms.exec(text)?.[1];
  const stringDefaults: Record<string, string> = {};
  const declarations = [
    ...text.matchAll(/^var\s+([A-Za-z_]\w*)(?:\s+string)?\s*=\s*("(?:[^"\\\n]|\\.)*"|`[^`]*`)/gm),
    ...[...text.matchAll(/^var\s*\(([^)]*)\)/gms)].flatMap((block) => [
      ...block[1]!.matchAll(/^\s*([A-Za-z_]\w*)(?:\s+string)?\s*=\s*("(?:[^"\\\n]|\\.)*"|`[^`]*`)/gm),
    ]),
  ];
  for (const m of declarations) {
    const value = goString(m[2]!);
    if (value !== undefined) stringDefaults[m[1]!] = value;
  }
  return {
    path: file,
    dir: path.dirname(file),
    packageName: pkg,
    constraint,
    ignored,
    test: file.endsWith('_test.go'),
    cgo,
    imports,
    libraries,
    pkgConfig,
    embeds,
    versionVariable,
    embeddedVariables,
    stringDefaults,
  };
}

/** `#cgo linux LDFLAGS:` holds on linux; `#cgo windows LDFLAGS:` does not. */
function cgoConditionHolds(condition: string): boolean {
  const words = condition.trim().split(/\s+/).slice(0, -1);
  if (words.length === 0) return true;
  return words.some((w) =>
    w.split(',').every((t) => (t.startsWith('!') ? !['linux', 'unix'].includes(t.slice(1)) : ['linux', 'unix', 'amd64', 'arm64', 'cgo'].includes(t))),
  );
}
