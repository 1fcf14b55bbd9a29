import path from 'node:path/posix';
import { InputError } from '../errors.js';
import type { BuildConfig } from './constraints.js';
import { type GoModFile, goMinor, parseGoMod, quoted } from './gomod.js';
import { fileBuilds, type GoFile, inspectGoFile } from './source.js';
import { compareGoVersions, parseGoVersion } from './version.js';

// The project's Go reader: what a Go project builds, learnt from its files alone (no Go toolchain
// needed). Pure: the files come from src/adapters/project.ts.

export interface ProjectFiles {
  /** Every regular file the walk saw, relative, with / separators (src/adapters/walk.ts says what it skips). */
  paths: readonly string[];
  /** Contents of the files that were read (those `readsText` asks for, and those the caller adds). */
  texts: Readonly<Record<string, string>>;
  /** A .git directory or file exists at the root. */
  hasGit: boolean;
}

/** Directories the go tool never builds from: hidden, `_`-prefixed, testdata; node_modules is never Go. */
function isIgnoredDirName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_') || name === 'testdata' || name === 'node_modules';
}

/** Below a directory the go tool never builds from. */
function inIgnoredDir(file: string): boolean {
  return file.split('/').slice(0, -1).some(isIgnoredDirName);
}

/** The files whose contents the Go reader needs. */
export function readsText(file: string): boolean {
  return (file.endsWith('.go') || /(^|\/)go\.(mod|work)$/.test(file) || file === 'vendor/modules.txt') && !inIgnoredDir(file);
}

export interface MainPackage {
  /** Directory relative to the project root, `.` for the root. */
  dir: string;
  /** Binary name: the directory's name, or the module's last element for the root. */
  name: string;
  /**
   * What a user means by "the program": `primary` is a root or cmd/<name> main, `helper` one under
   * tests/, test/, examples/, hack/, tools/, scripts/ or internal/ (built only when asked for by name).
   */
  role: 'primary' | 'other' | 'helper';
  /** The package's .go files that a linux build compiles (no tests, no files its build constraints exclude). */
  files: string[];
}

const HELPER_DIRS = new Set([
  'test',
  'tests',
  'e2e',
  'integration',
  'example',
  'examples',
  'hack',
  'tools',
  'tool',
  'scripts',
  'script',
  'internal',
  'testing',
  'bench',
  'benchmarks',
]);

function mainRole(dir: string): MainPackage['role'] {
  if (dir === '.' || /^cmd\/[^/]+$/.test(dir)) return 'primary';
  return dir.split('/').some((part) => HELPER_DIRS.has(part)) ? 'helper' : 'other';
}

export interface GoProject {
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
  /** Libraries named by `#cgo LDFLAGS: -lname` in the project's own files. */
  cgoLibraries: string[];
  /** Every Go file of the project, vendor/ included: for questions about one build (`cgoLibrariesOf`). */
  files: GoFile[];
  /** Files and directories `//go:embed` needs, relative to the root. */
  embedPaths: string[];
  /** `main.version` or the like, for -X; never one that `//go:embed` fills. */
  versionVariable?: string;
  /** `main.version` when a `//go:embed` file (a VERSION file) sets it: -X must leave it alone. */
  embeddedVersion?: { variable: string; file: string };
  /** Module path → its directory, for the main module, go.work members (and so import resolution). */
  moduleDirs: Record<string, string>;
  /** Directories the build needs besides the sources: local replace targets and go.work members. */
  localModuleDirs: string[];
  hasGoSum: boolean;
  hasWorkSum: boolean;
  vcs: boolean;
  /** Whether the module requires anything to download. */
  hasRequirements: boolean;
}

/** A relative directory of the context, from a path relative to `base`; undefined when it leaves the context. */
function insideContext(given: string, base: string): string | undefined {
  if (path.isAbsolute(given)) return undefined;
  const dir = path.normalize(path.join(base, given));
  return dir === '..' || dir.startsWith('../') ? undefined : dir;
}

/**
 * Local module directories are bind-mounted by name in the Dockerfile (`source=DIR,target=DIR`):
 * only characters that mean nothing to the Dockerfile, the mount syntax or the shell.
 */
export const PLAIN_PATH = /^[A-Za-z0-9._~+@-]+(\/[A-Za-z0-9._~+@-]+)*$/;

function checkPlainDir(dir: string, file: string, line: number, what: string): void {
  if (!PLAIN_PATH.test(dir))
    throw new InputError(file, line, `${what}: the directory name cannot be written into a Dockerfile as is; use letters, digits and -._~+@ only`);
}

/** Outside the project's own packages: vendored code and directories the go tool skips. */
function excludedDir(dir: string): boolean {
  return dir !== '.' && dir.split('/').some((part) => part === 'vendor' || isIgnoredDirName(part));
}

function binaryName(dir: string, modulePath: string | undefined): string {
  if (dir !== '.') return path.basename(dir);
  const parts = (modulePath ?? 'app').split('/');
  const last = parts[parts.length - 1]!;
  return /^v\d+$/.test(last) && parts.length > 1 ? parts[parts.length - 2]! : last;
}

export function analyzeGoProject(files: ProjectFiles, rootLabel: string): GoProject {
  const read = (file: string): string | undefined => files.texts[file];
  const modText = read('go.mod');
  const workText = read('go.work');
  if (modText === undefined && workText === undefined)
    throw new InputError(rootLabel, undefined, 'no go.mod here (and no go.work): not a Go module; run `go mod init` first');
  const module = modText !== undefined ? parseGoMod(modText, path.join(rootLabel, 'go.mod')) : undefined;
  const work = workText !== undefined ? parseGoMod(workText, path.join(rootLabel, 'go.work'), 'work') : undefined;

  const moduleDirs = new Map<string, GoModFile>();
  if (module) moduleDirs.set('.', module);
  const workFile = path.join(rootLabel, 'go.work');
  for (const use of work?.uses ?? []) {
    const dir = insideContext(use.dir, '.');
    if (dir === undefined)
      throw new InputError(
        workFile,
        use.line,
        `use ${quoted(use.dir)} is outside the build context ${rootLabel}: docker build cannot see it; move the module inside the context, or run init on a directory that holds it`,
      );
    checkPlainDir(dir, workFile, use.line, `use ${quoted(use.dir)}`);
    const text = read(path.join(dir, 'go.mod'));
    if (text === undefined)
      throw new InputError(workFile, use.line, `use ${quoted(use.dir)}: no go.mod at ${path.join(rootLabel, dir, 'go.mod')} (a symbolic link is not followed)`);
    moduleDirs.set(dir, parseGoMod(text, path.join(rootLabel, dir, 'go.mod')));
  }

  const localModuleDirs = new Set<string>();
  const replaceSources: Array<[string, GoModFile, string]> = [
    ...[...moduleDirs].map(([dir, mod]): [string, GoModFile, string] => [dir, mod, path.join(rootLabel, dir, 'go.mod')]),
    ...(work ? [['.', work, workFile] as [string, GoModFile, string]] : []),
  ];
  for (const [dir, mod, file] of replaceSources) {
    for (const r of mod.replaces.filter((x) => x.local)) {
      const target = insideContext(r.newPath, dir);
      if (target === undefined) {
        throw new InputError(
          file,
          r.line,
          `replace ${r.oldPath} => ${r.newPath} points outside the build context; use a directory inside the project or a go.work`,
        );
      }
      checkPlainDir(target, file, r.line, `replace target ${quoted(r.newPath)}`);
      localModuleDirs.add(target);
    }
    if (dir !== '.') localModuleDirs.add(dir);
  }

  const allFiles = files.paths.filter((p) => p.endsWith('.go') && !inIgnoredDir(p)).map((p) => inspectGoFile(p, read(p) ?? ''));
  const goFiles = allFiles.filter((f) => !excludedDir(f.dir));
  const buildFiles = goFiles.filter((f) => !f.test && !f.ignored);
  const packages = [...new Set(buildFiles.map((f) => f.dir))].sort();
  const mainDirs = [...new Set(buildFiles.filter((f) => f.packageName === 'main').map((f) => f.dir))].sort();
  const ownerModule = (dir: string): GoModFile | undefined => {
    const owners = [...moduleDirs.keys()].filter((m) => m === '.' || dir === m || dir.startsWith(`${m}/`)).sort((a, b) => b.length - a.length);
    return owners[0] === undefined ? undefined : moduleDirs.get(owners[0]);
  };
  const mainFiles = buildFiles.filter((f) => f.packageName === 'main');
  const mainPackages = mainDirs.map((dir) => ({
    dir,
    name: binaryName(dir, ownerModule(dir)?.module),
    role: mainRole(dir),
    files: mainFiles
      .filter((f) => f.dir === dir)
      .map((f) => f.path)
      .sort(),
  }));
  const embedded = mainFiles.find((f) => f.versionVariable && f.embeddedVariables.includes(f.versionVariable));
  const versionVariable = embedded ? undefined : mainFiles.find((f) => f.versionVariable)?.versionVariable;

  const embedPaths = new Set<string>();
  for (const f of buildFiles)
    for (const pattern of f.embeds) embedPaths.add(path.normalize(path.join(f.dir, pattern.replace(/[*?[].*$/, '') || '.')).replace(/\/$/, ''));

  // Requirements met inside the context (workspace modules, local replaces) download nothing.
  const local = new Set([
    ...[...moduleDirs.values()].map((m) => m.module ?? ''),
    ...[...moduleDirs.values()].flatMap((m) => m.replaces.filter((r) => r.local).map((r) => r.oldPath)),
  ]);
  const versions = [module, work].map((m) => (m ? goMinor(m) : undefined)).filter((v): v is string => v !== undefined);
  return {
    module,
    work,
    goVersion: versions.sort((a, b) => compareGoVersions(parseGoVersion(a)!, parseGoVersion(b)!)).pop(),
    vendored: read('vendor/modules.txt') !== undefined,
    mainPackages,
    packages,
    cgo: buildFiles.some((f) => f.cgo),
    cgoLibraries: [...new Set(buildFiles.flatMap((f) => f.libraries))].sort(),
    moduleDirs: Object.fromEntries([...moduleDirs].flatMap(([dir, mod]) => (mod.module ? [[mod.module, dir]] : []))),
    embedPaths: [...embedPaths].sort(),
    versionVariable: versionVariable ? `main.${versionVariable}` : undefined,
    ...(embedded ? { embeddedVersion: { variable: `main.${embedded.versionVariable!}`, file: embeddedFileOf(embedded, embedded.versionVariable!) } } : {}),
    files: allFiles,
    localModuleDirs: [...localModuleDirs].sort(),
    hasGoSum: files.paths.includes('go.sum'),
    hasWorkSum: files.paths.includes('go.work.sum'),
    vcs: files.hasGit,
    hasRequirements: [...moduleDirs.values()].some((m) => m.requires.some((r) => !local.has(r.path))),
  };
}

function embeddedFileOf(file: GoFile, variable: string): string {
  const index = file.embeddedVariables.indexOf(variable);
  return path.join(file.dir, file.embeds[index] ?? 'VERSION');
}

/** The directory of a package of the project's own modules (main module, go.work members); undefined for any other import path. */
export function ownPackageDir(project: Pick<GoProject, 'moduleDirs'>, importPath: string): string | undefined {
  let best: string | undefined;
  for (const modulePath of Object.keys(project.moduleDirs)) {
    if ((importPath === modulePath || importPath.startsWith(`${modulePath}/`)) && (best === undefined || modulePath.length > best.length)) best = modulePath;
  }
  return best === undefined ? undefined : path.normalize(path.join(project.moduleDirs[best]!, importPath.slice(best.length)));
}

/**
 * The C libraries the given main packages link for one build: `#cgo pkg-config:` packages and
 * `-l` libraries of every file compiled for `config`, following imports through the project and
 * vendor/ (modules outside the tree are not seen).
 */
export function cgoLibrariesOf(project: GoProject, mainDirs: readonly string[], config: BuildConfig): { pkgConfig: string[]; libraries: string[] } {
  const byDir = new Map<string, GoFile[]>();
  for (const f of project.files) byDir.set(f.dir, [...(byDir.get(f.dir) ?? []), f]);
  const vendorDirs = new Set([...byDir.keys()].filter((d) => d.startsWith('vendor/')));
  const pkgConfig = new Set<string>();
  const libraries = new Set<string>();
  const seen = new Set<string>();
  const queue = [...mainDirs];
  while (queue.length > 0) {
    const dir = queue.shift()!;
    if (seen.has(dir)) continue;
    seen.add(dir);
    for (const file of (byDir.get(dir) ?? []).filter((f) => fileBuilds(f, config))) {
      if (file.cgo && config.cgo) {
        for (const p of file.pkgConfig) pkgConfig.add(p);
        for (const l of file.libraries) libraries.add(l);
      }
      for (const imported of file.imports) {
        const target = ownPackageDir(project, imported) ?? (project.vendored && vendorDirs.has(`vendor/${imported}`) ? `vendor/${imported}` : undefined);
        if (target !== undefined && !seen.has(target)) queue.push(target);
      }
    }
  }
  return { pkgConfig: [...pkgConfig].sort(), libraries: [...libraries].sort() };
}
