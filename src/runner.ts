import path from 'node:path';
import { exists, findConfigFile, readText, writeAtomic } from './adapters/fs.js';
import { CONFIG_FILES, parseConfig, type Config, type FailLevel } from './config.js';
import { collectContext } from './context/collect.js';
import { InputError, WarmbuildError } from './errors.js';
import { fixText, lintModel, type Finding, type FixResult, type RuleSetting } from './lint.js';
import { parseDockerfile, type DockerfileModel } from './model/dockerfile.js';
import { findSyntaxProblem } from './model/validate.js';
import type { BuildContextFacts, Severity } from './rules/types.js';

/** Runs check and fix over files: the edge between the pure linter and the file system. */

export interface FileResult {
  /** The path as given or discovered. */
  path: string;
  findings: Finding[];
  /** Why the file could not be checked; such a file has no findings. */
  error?: string;
  /** The text the findings refer to (after fixing, for fix). */
  source?: string;
  failLevel: FailLevel;
  fix?: Pick<FixResult, 'applied' | 'passes' | 'cycle' | 'changed'> & { original: string };
}

export interface RunOptions {
  /** An explicit config file; otherwise the nearest one above each Dockerfile. */
  configPath?: string;
  /** The build context; default: each Dockerfile's directory. `false` turns the context-based checks off. */
  context?: string | false;
  ruleOverrides?: Record<string, RuleSetting>;
  failLevel?: FailLevel;
}

export interface FixRunOptions extends RunOptions {
  unsafe?: boolean;
  dryRun?: boolean;
}

class ConfigCache {
  private readonly byFile = new Map<string, Promise<Config>>();

  async forDockerfile(file: string, explicit: string | undefined): Promise<Config> {
    const configFile = explicit ?? (await findConfigFile(path.dirname(file), CONFIG_FILES));
    if (!configFile) return { rules: {} };
    let config = this.byFile.get(configFile);
    if (!config) {
      config = readText(configFile)
        .catch(() => {
          throw new InputError(configFile, undefined, 'cannot read the config file');
        })
        .then((text) => parseConfig(text, configFile));
      this.byFile.set(configFile, config);
    }
    return config;
  }
}

async function factsFor(file: string, model: DockerfileModel, contextOption: string | false | undefined): Promise<BuildContextFacts> {
  if (contextOption === false) return {};
  const contextDir = contextOption ?? path.dirname(file);
  const context = await collectContext(model, contextDir, file);
  return { vendor: await exists(path.join(contextDir, 'vendor', 'modules.txt')), ...(context ? { context } : {}) };
}

interface Loaded {
  text: string;
  model: DockerfileModel;
  options: { rules: Record<string, RuleSetting>; facts: BuildContextFacts };
  failLevel: FailLevel;
}

async function load(file: string, configs: ConfigCache, options: RunOptions): Promise<Loaded | { error: string; failLevel: FailLevel }> {
  const config = await configs.forDockerfile(file, options.configPath);
  const failLevel = options.failLevel ?? config.failLevel ?? 'warning';
  let text: string;
  try {
    text = await readText(file);
  } catch (error) {
    return { error: error instanceof WarmbuildError ? error.message : `${file}: cannot read the file`, failLevel };
  }
  const model = parseDockerfile(text);
  const problem = findSyntaxProblem(model);
  if (problem) return { error: `${file}:${problem.line}: ${problem.message}`, failLevel };
  const facts = await factsFor(file, model, options.context);
  if (config.multiPlatform !== undefined) facts.multiPlatform = config.multiPlatform;
  return { text, model, options: { rules: { ...config.rules, ...options.ruleOverrides }, facts }, failLevel };
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
  }));
}

/** Fixes files in place (atomically), or only computes the result with `dryRun`. Unchanged files are never written. */
export async function fixFiles(files: readonly string[], options: FixRunOptions = {}): Promise<FileResult[]> {
  return eachFile(files, options, async (file, loaded) => {
    const fixed = fixText(loaded.text, { ...loaded.options, unsafe: options.unsafe });
    if (fixed.changed && !options.dryRun) await writeAtomic(file, fixed.output);
    return {
      path: file,
      findings: fixed.remaining,
      source: fixed.output,
      failLevel: loaded.failLevel,
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
