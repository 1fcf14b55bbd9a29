import path from 'node:path';
import { collectContext } from './adapters/context.js';
import { defaultBuildContext, exists, findUpward, readText, removeStaleTemps, writeAtomic } from './adapters/fs.js';
import { CONFIG_FILES, type Config, type FailLevel, parseConfig } from './config.js';
import { WarmbuildError } from './errors.js';
import { fixText, lintModel, type RuleSetting } from './lint.js';
import { type DockerfileModel, parseDockerfile } from './model/dockerfile.js';
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
}

export interface FixRunOptions extends RunOptions {
  unsafe?: boolean;
  dryRun?: boolean;
}

class ConfigCache {
  private readonly byFile = new Map<string, Promise<Config>>();

  async forDockerfile(file: string, explicit: string | undefined): Promise<Config> {
    const configFile = explicit ?? (await findUpward(path.dirname(file), CONFIG_FILES));
    if (!configFile) return { rules: {} };
    let config = this.byFile.get(configFile);
    if (!config) {
      config = readText(configFile).then((text) => parseConfig(text, configFile));
      this.byFile.set(configFile, config);
    }
    return config;
  }
}

async function factsFor(
  file: string,
  model: DockerfileModel,
  contextOption: string | false | undefined,
): Promise<{ facts: BuildContextFacts; contextDir?: string }> {
  if (contextOption === false) return { facts: {} };
  const contextDir = contextOption ?? (await defaultBuildContext(file));
  const context = await collectContext(model, contextDir, file);
  const facts = { vendor: await exists(path.join(contextDir, 'vendor', 'modules.txt')), ...(context ? { context } : {}) };
  if (path.resolve(contextDir) === path.resolve(path.dirname(file))) return { facts };
  // Shown as the Dockerfile's path is: relative when that is.
  return { facts, contextDir: path.isAbsolute(file) ? path.resolve(contextDir) : path.relative(process.cwd(), path.resolve(contextDir)) || '.' };
}

interface Loaded {
  text: string;
  model: DockerfileModel;
  options: { rules: Record<string, RuleSetting>; facts: BuildContextFacts };
  failLevel: FailLevel;
  contextDir?: string;
}

async function load(file: string, configs: ConfigCache, options: RunOptions): Promise<Loaded | { error: string; failLevel: FailLevel }> {
  const config = await configs.forDockerfile(file, options.configPath);
  const failLevel = options.failLevel ?? config.failLevel ?? 'warning';
  let text: string;
  try {
    text = options.texts?.get(file) ?? (await readText(file));
  } catch (error) {
    if (error instanceof WarmbuildError) return { error: error.message, failLevel };
    throw error;
  }
  const model = parseDockerfile(text);
  const problem = findSyntaxProblem(model);
  if (problem) return { error: `${file}:${problem.line}: ${problem.message}`, failLevel };
  const { facts, contextDir } = await factsFor(file, model, options.context);
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
  const configs = new ConfigCache();
  const results: FileResult[] = [];
  for (const file of files) {
    const loaded = await load(file, configs, options);
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
    const fixed = fixText(loaded.text, { ...loaded.options, unsafe: options.unsafe });
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
