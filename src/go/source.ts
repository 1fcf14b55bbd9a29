import path from 'node:path/posix';
import { buildsOnLinux } from './constraints.js';

/** What one Go source file says about the build, read from its text without a Go toolchain. Pure. */

export interface GoFile {
  path: string;
  dir: string;
  packageName?: string;
  /** Its build constraints exclude it from every linux build. */
  ignored: boolean;
  test: boolean;
  cgo: boolean;
  /** Libraries named by `#cgo LDFLAGS: -lname`. */
  libraries: string[];
  /** `//go:embed` patterns, relative to the file's directory. */
  embeds: string[];
  /** `version` or `Version`, declared at package level. */
  versionVariable?: string;
}

export function inspectGoFile(file: string, text: string): GoFile {
  const header = text.split(/^package\s/m)[0] ?? '';
  const pkg = /^package\s+([A-Za-z_]\w*)/m.exec(text)?.[1];
  const constraint = /^\/\/go:build\s+(.+)$/m.exec(header)?.[1];
  const ignored = constraint !== undefined && !buildsOnLinux(constraint);
  const cgo = /^import\s+"C"/m.test(text) || /^import\s*\([^)]*^\s*"C"\s*$/ms.test(text);
  const libraries = [...text.matchAll(/^\s*(?:\/\/\s*)?#cgo\b[^:\n]*LDFLAGS:([^\n]*)/gm)].flatMap((m) => [...m[1]!.matchAll(/-l([\w+.-]+)/g)].map((l) => l[1]!));
  const embeds = [...text.matchAll(/^\/\/go:embed\s+(.+)$/gm)].flatMap((m) => (m[1]!.match(/"[^"]*"|`[^`]*`|\S+/g) ?? []).map((p) => p.replace(/^["`]|["`]$/g, '').replace(/^all:/, '')));
  const versionVariable = /^var\s+(version|Version)\s+(=|string)/m.exec(text)?.[1] ?? /^var\s*\([^)]*^\s+(version|Version)\s+(=|string)/ms.exec(text)?.[1];
  return { path: file, dir: path.dirname(file), packageName: pkg, ignored, test: file.endsWith('_test.go'), cgo, libraries, embeds, versionVariable };
}
