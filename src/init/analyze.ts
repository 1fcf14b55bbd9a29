import path from 'node:path/posix';
import { InputError } from '../errors.js';
import { goMinor, parseGoMod, type GoModFile } from './gomod.js';

/** What init learns about a Go project from its files alone (no Go toolchain needed). Pure. */

export interface ProjectFiles {
  /** Every file, relative, with / separators; .git's contents are not listed. */
  paths: readonly string[];
  read(file: string): string | undefined;
  /** A .git directory or file exists at the root. */
  hasGit: boolean;
}

export interface MainPackage {
  /** Directory relative to the project root, `.` for the root. */
  dir: string;
  /** Binary name: the directory's name, or the module's last element for the root. */
  name: string;
  /** The package's .go files that a linux build compiles (no tests, no files its build constraints exclude). */
  files: string[];
}

export interface Analysis {
  /** Present when the root has a go.mod. */
  module?: GoModFile;
  /** Present when the root has a go.work. */
  work?: GoModFile;
  goVersion?: string;
  vendored: boolean;
  mainPackages: MainPackage[];
  /** All package directories, to list when there is no main package. */
  packages: string[];
  cgo: boolean;
  /** Libraries named by `#cgo LDFLAGS: -lname`. */
  cgoLibraries: string[];
  /** Files and directories `//go:embed` needs, relative to the root. */
  embedPaths: string[];
  /** `main.version` or the like, for -X. */
  versionVariable?: string;
  /** Directories the build needs besides the sources: local replace targets and go.work members. */
  localModuleDirs: string[];
  hasGoSum: boolean;
  hasWorkSum: boolean;
  vcs: boolean;
  /** Whether the module requires anything to download. */
  hasRequirements: boolean;
}

interface GoFile {
  path: string;
  dir: string;
  packageName?: string;
  ignored: boolean;
  test: boolean;
  cgo: boolean;
  libraries: string[];
  embeds: string[];
  versionVariable?: string;
}

function inspectGoFile(file: string, text: string): GoFile {
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

/** Whether a //go:build expression holds for linux on amd64 or arm64, with or without cgo. */
export function buildsOnLinux(expression: string): boolean {
  const tokens = expression.match(/!|&&|\|\||\(|\)|[\w.]+/g) ?? [];
  const evaluate = (truth: (tag: string) => boolean): boolean => {
    let i = 0;
    const or = (): boolean => {
      let v = and();
      while (tokens[i] === '||') {
        i++;
        v = and() || v;
      }
      return v;
    };
    const and = (): boolean => {
      let v = not();
      while (tokens[i] === '&&') {
        i++;
        v = not() && v;
      }
      return v;
    };
    const not = (): boolean => {
      if (tokens[i] === '!') {
        i++;
        return !not();
      }
      if (tokens[i] === '(') {
        i++;
        const v = or();
        i++;
        return v;
      }
      return truth(tokens[i++] ?? '');
    };
    return or();
  };
  return ['amd64', 'arm64'].some((arch) =>
    [true, false].some((cgo) => evaluate((tag) => tag === 'linux' || tag === 'unix' || tag === 'gc' || tag === arch || (tag === 'cgo' && cgo) || /^go1\.\d+$/.test(tag))),
  );
}

function excludedDir(dir: string): boolean {
  return dir.split('/').some((part) => part === 'vendor' || part === 'testdata' || (part !== '.' && (part.startsWith('.') || part.startsWith('_'))));
}

function binaryName(dir: string, modulePath: string | undefined): string {
  if (dir !== '.') return path.basename(dir);
  const parts = (modulePath ?? 'app').split('/');
  const last = parts[parts.length - 1]!;
  return /^v\d+$/.test(last) && parts.length > 1 ? parts[parts.length - 2]! : last;
}

export function analyzeProject(files: ProjectFiles, rootLabel: string): Analysis {
  const modText = files.read('go.mod');
  const workText = files.read('go.work');
  if (modText === undefined && workText === undefined) throw new InputError(rootLabel, undefined, 'no go.mod here (and no go.work): warmbuild init needs a Go module; run `go mod init` first');
  const module = modText !== undefined ? parseGoMod(modText, path.join(rootLabel, 'go.mod')) : undefined;
  const work = workText !== undefined ? parseGoMod(workText, path.join(rootLabel, 'go.work'), 'work') : undefined;

  const moduleDirs = new Map<string, GoModFile>();
  if (module) moduleDirs.set('.', module);
  for (const use of work?.uses ?? []) {
    const dir = path.normalize(use);
    if (dir.startsWith('..')) throw new InputError(path.join(rootLabel, 'go.work'), undefined, `use ${use} is outside the build context`);
    const text = files.read(path.join(dir, 'go.mod'));
    if (text !== undefined) moduleDirs.set(dir, parseGoMod(text, path.join(rootLabel, dir, 'go.mod')));
  }

  const localModuleDirs = new Set<string>();
  for (const [dir, mod] of moduleDirs) {
    for (const r of mod.replaces.filter((x) => x.local)) {
      const target = path.normalize(path.join(dir, r.newPath));
      if (target.startsWith('..') || path.isAbsolute(r.newPath)) {
        throw new InputError(path.join(rootLabel, dir, 'go.mod'), r.line, `replace ${r.oldPath} => ${r.newPath} points outside the build context; use a directory inside the project or a go.work`);
      }
      localModuleDirs.add(target);
    }
    if (dir !== '.') localModuleDirs.add(dir);
  }

  const goFiles = files.paths.filter((p) => p.endsWith('.go') && !excludedDir(path.dirname(p))).map((p) => inspectGoFile(p, files.read(p) ?? ''));
  const buildFiles = goFiles.filter((f) => !f.test && !f.ignored);
  const packages = [...new Set(buildFiles.map((f) => f.dir))].sort();
  const mainDirs = [...new Set(buildFiles.filter((f) => f.packageName === 'main').map((f) => f.dir))].sort();
  const ownerModule = (dir: string): GoModFile | undefined => {
    const owners = [...moduleDirs.keys()].filter((m) => m === '.' || dir === m || dir.startsWith(`${m}/`)).sort((a, b) => b.length - a.length);
    return owners[0] === undefined ? undefined : moduleDirs.get(owners[0]);
  };
  const mainFiles = buildFiles.filter((f) => f.packageName === 'main');
  const mainPackages = mainDirs.map((dir) => ({ dir, name: binaryName(dir, ownerModule(dir)?.module), files: mainFiles.filter((f) => f.dir === dir).map((f) => f.path).sort() }));
  const versionVariable = mainFiles.find((f) => f.versionVariable)?.versionVariable;

  const embedPaths = new Set<string>();
  for (const f of buildFiles) for (const pattern of f.embeds) embedPaths.add(path.normalize(path.join(f.dir, pattern.replace(/[*?[].*$/, '') || '.')).replace(/\/$/, ''));

  // Requirements met inside the context (workspace modules, local replaces) download nothing.
  const local = new Set([...[...moduleDirs.values()].map((m) => m.module ?? ''), ...[...moduleDirs.values()].flatMap((m) => m.replaces.filter((r) => r.local).map((r) => r.oldPath))]);
  const versions = [module, work].map((m) => (m ? goMinor(m) : undefined)).filter((v): v is string => v !== undefined);
  return {
    module,
    work,
    goVersion: versions.sort(compareMinor).pop(),
    vendored: files.paths.includes('vendor/modules.txt'),
    mainPackages,
    packages,
    cgo: buildFiles.some((f) => f.cgo),
    cgoLibraries: [...new Set(buildFiles.flatMap((f) => f.libraries))].sort(),
    embedPaths: [...embedPaths].sort(),
    versionVariable: versionVariable ? `main.${versionVariable}` : undefined,
    localModuleDirs: [...localModuleDirs].sort(),
    hasGoSum: files.paths.includes('go.sum'),
    hasWorkSum: files.paths.includes('go.work.sum'),
    vcs: files.hasGit,
    hasRequirements: [...moduleDirs.values()].some((m) => m.requires.some((r) => !local.has(r.path))),
  };
}

function compareMinor(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am! - bm! || an! - bn!;
}
