import path from 'node:path';
import { type ContextReader, collectContext, fileSystemReader } from './adapters/context.js';
import { defaultBuildContext, exists, findUpward, listDirectory, readText, removeStaleTemps, writeAtomic } from './adapters/fs.js';
import { CONFIG_FILES, type Config, type FailLevel, parseConfig } from './config.js';
import { WarmbuildError } from './errors.js';
import { fixModel, lintModel, type RuleSetting } from './lint.js';
import { parseDockerfile } from './model/dockerfile.js';
import { analyzeDockerfile, type SemanticModel } from './model/semantic.js';
import { findSyntaxProblem } from './model/validate.js';
import type { FileResult } from './results.js';
import type { BuildContextFacts, Severity } from './rules/types.js';

// Runs check and fix over files: the edge between the pure linter and the file system.

export interface RunOptions {
  /** An explicit config file; otherwise the nearest one above each Dockerfile. */
  configPath?: string;
  /**
   * The build context; default: the nearest directory holding go.mod, go.work or .git, from each
   * Dockerfile's directory upwards (else its directory). `false` turns the context-based checks off.
   */
  context?: string | false;
  ruleOverrides?: Record<string, RuleSetting>;
  failLevel?: FailLevel;
  /** Texts to check instead of reading the files (standard input, named by --stdin-filename); fix never writes them. */
  texts?: ReadonlyMap<string, string>;
  /** Files the caller has read already (discovery, looking for FROM): checked as read, written by fix as any file. */
  read?: ReadonlyMap<string, string>;
}

export interface FixRunOptions extends RunOptions {
  unsafe?: boolean;
  dryRun?: boolean;
}

/**
 * What one run looks up on the file system for many Dockerfiles at once, asked once: the config and
 * the default build context of each directory, the files of each build context. A run reads a
 * snapshot: nothing it looks up changes while it runs (fix writes only Dockerfiles).
 */
class RunLookups {
  private readonly configFiles = new Map<string, Promise<string | undefined>>();
  private readonly configs = new Map<string, Promise<Config>>();
  private readonly contexts = new Map<string, Promise<string>>();
  private readonly vendored = new Map<string, Promise<boolean>>();
  private readonly contextFiles = new Map<string, Promise<string | undefined>>();
  private readonly texts = new Map<string, Promise<string | undefined>>();
  private readonly kinds = new Map<string, Promise<'file' | 'directory' | 'other' | undefined>>();
  private readonly listings = new Map<string, Promise<ReadonlySet<string> | undefined>>();
  private readonly fileLists = new Map<string, Promise<string[]>>();

  async config(file: string, explicit: string | undefined): Promise<Config> {
    const configFile = explicit ?? (await once(this.configFiles, path.dirname(file), (dir) => findUpward(dir, CONFIG_FILES)));
    if (!configFile) return { rules: {} };
    return once(this.configs, configFile, () => readText(configFile).then((text) => parseConfig(text, configFile)));
  }

  defaultContext(file: string): Promise<string> {
    return once(this.contexts, path.dirname(file), () => defaultBuildContext(file));
  }

  vendor(contextDir: string): Promise<boolean> {
    return once(this.vendored, contextDir, () => exists(path.join(contextDir, 'vendor', 'modules.txt')));
  }

  /** The context reader: each file and stat once; a name its directory does not list is not opened (`<name>.dockerignore`). */
  readonly contextReader: ContextReader = {
    contextFile: (contextDir, rel) => once(this.contextFiles, `${contextDir}\0${rel}`, () => fileSystemReader.contextFile(contextDir, rel)),
    text: (file) =>
      once(this.texts, file, async () => {
        const listed = await once(this.listings, path.dirname(file), (dir) => listDirectory(dir));
        return listed && !listed.has(path.basename(file)) ? undefined : fileSystemReader.text(file);
      }),
    kind: (file) => once(this.kinds, file, () => fileSystemReader.kind(file)),
    list: (contextDir) => once(this.fileLists, contextDir, () => fileSystemReader.list(contextDir)),
  };
}

function once<T>(memo: Map<string, Promise<T>>, key: string, compute: (key: string) => Promise<T>): Promise<T> {
  let value = memo.get(key);
  if (!value) {
    value = compute(key);
    memo.set(key, value);
  }
  return value;
}

async function factsFor(
  file: string,
  model: SemanticModel,
  contextOption: string | false | undefined,
  lookups: RunLookups,
): Promise<{ facts: BuildContextFacts; contextDir?: string }> {
  if (contextOption === false) return { facts: {} };
  const contextDir = contextOption ?? (await lookups.defaultContext(file));
  const context = await collectContext(model, contextDir, file, lookups.contextReader);
  const facts = { vendor: await lookups.vendor(contextDir), ...(context ? { context } : {}) };
  if (path.resolve(contextDir) === path.resolve(path.dirname(file))) return { facts };
  // Shown as the Dockerfile's path is: relative when that is.
  return { facts, contextDir: path.isAbsolute(file) ? path.resolve(contextDir) : path.relative(process.cwd(), path.resolve(contextDir)) || '.' };
}

interface Loaded {
  text: string;
  model: SemanticModel;
  options: { rules: Record<string, RuleSetting>; facts: BuildContextFacts };
  failLevel: FailLevel;
  contextDir?: string;
}

async function load(file: string, lookups: RunLookups, options: RunOptions): Promise<Loaded | { error: string; failLevel: FailLevel }> {
  const config = await lookups.config(file, options.configPath);
  const failLevel = options.failLevel ?? config.failLevel ?? 'warning';
  let text: string;
  try {
    text = options.texts?.get(file) ?? options.read?.get(file) ?? (await readText(file));
  } catch (error) {
    if (error instanceof WarmbuildError) return { error: error.message, failLevel };
    throw error;
  }
  const parsed = parseDockerfile(text);
  const problem = findSyntaxProblem(parsed);
  if (problem) return { error: `${file}:${problem.line}: ${problem.message}`, failLevel };
  // The one model of this file: the context reader, the rules and fix's first pass all read it.
  const model = analyzeDockerfile(parsed);
  const { facts, contextDir } = await factsFor(file, model, options.context, lookups);
  if (config.multiPlatform !== undefined) facts.multiPlatform = config.multiPlatform;
  return {
    text,
    model,
    options: { rules: { ...config.rules, ...options.ruleOverrides }, facts },
    failLevel,
    ...(contextDir !== undefined ? { contextDir } : {}),
  };
}

/** Loads each file (config, syntax check, context) and hands the readable ones to `handle`. */
async function eachFile(files: readonly string[], options: RunOptions, handle: (file: string, loaded: Loaded) => Promise<FileResult>): Promise<FileResult[]> {
  const lookups = new RunLookups();
  const results: FileResult[] = [];
  for (const file of files) {
    const loaded = await load(file, lookups, options);
    results.push('error' in loaded ? { path: file, findings: [], error: loaded.error, failLevel: loaded.failLevel } : await handle(file, loaded));
  }
  return results;
}

export async function checkFiles(files: readonly string[], options: RunOptions = {}): Promise<FileResult[]> {
  return eachFile(files, options, async (file, loaded) => ({
    path: file,
    findings: lintModel(loaded.model, loaded.options),
    source: loaded.text,
    failLevel: loaded.failLevel,
    ...(loaded.contextDir !== undefined ? { context: loaded.contextDir } : {}),
  }));
}

/** Fixes files in place (atomically), or only computes the result with `dryRun`. Unchanged files are never written. */
export async function fixFiles(files: readonly string[], options: FixRunOptions = {}): Promise<FileResult[]> {
  return eachFile(files, options, async (file, loaded) => {
    const fixed = fixModel(loaded.model, { ...loaded.options, unsafe: options.unsafe });
    if (!options.dryRun && !options.texts?.has(file)) {
      await removeStaleTemps(file);
      if (fixed.changed) {
        try {
          await writeAtomic(file, fixed.output);
        } catch (error) {
          // The file keeps its old text (writes are all or nothing); the other files are still fixed.
          if (!(error instanceof WarmbuildError)) throw error;
          return { path: file, findings: [], error: `${error.message} (not fixed)`, failLevel: loaded.failLevel };
        }
      }
    }
    return {
      path: file,
      findings: fixed.remaining,
      source: fixed.output,
      failLevel: loaded.failLevel,
      ...(loaded.contextDir !== undefined ? { context: loaded.contextDir } : {}),
      fix: { applied: fixed.applied, passes: fixed.passes, cycle: fixed.cycle, changed: fixed.changed, original: loaded.text },
    };
  });
}

const RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 };
const FAIL_RANK: Record<FailLevel, number> = { info: 1, warning: 2, error: 3, none: Infinity };

/** Exit code for results: 2 when a file could not be checked, 1 for findings at or above the fail level, else 0. */
export function exitCodeFor(results: readonly FileResult[]): 0 | 1 | 2 {
  if (results.some((r) => r.error)) return 2;
  return results.some((r) => r.findings.some((f) => RANK[f.severity] >= FAIL_RANK[r.failLevel])) ? 1 : 0;
}
