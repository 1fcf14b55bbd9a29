// warmbuild's library API; the CLI is one consumer of it.

export { checkText as check, fixText as fix, lintModel } from './lint.js';
export type { CheckOptions, FixOptions, Finding, FixResult, RuleSetting, Suggestion } from './lint.js';
export { rules, findRule } from './rules/index.js';
export { defineRule, ruleCreator } from './rules/define.js';
export type {
  Rule,
  RuleDefinition,
  RuleMeta,
  RuleDocs,
  RuleContext,
  ReportDescriptor,
  FixDescriptor,
  SuggestionDescriptor,
  Severity,
  FixKind,
  BuildContextFacts,
  BuildContext,
  Visitors,
} from './rules/types.js';
export { parseDockerfile } from './model/dockerfile.js';
export type { DockerfileModel, Instruction, Stage, Flag, Directive, Heredoc } from './model/dockerfile.js';
export type { Mount, CacheMount, MountOption } from './model/mounts.js';
export { isCacheMount, cacheId } from './model/mounts.js';
export { envAt, goPathsAt } from './model/env.js';
export type { BuildEnv, GoPaths, Resolved } from './model/env.js';
export { analyzeRun } from './model/shell.js';
export type { RunAnalysis, GoInvocation, SimpleCommand, ShellWord } from './model/shell.js';
export type { Span, Position } from './model/text.js';
export type { Edit } from './fix/edits.js';
export { applyEdits } from './fix/edits.js';
export { addRunMount, setMountOptions, removeMountOption, insertBefore, formatMount } from './fix/helpers.js';
export { checkFiles, fixFiles, exitCodeFor } from './runner.js';
export type { RunOptions, FixRunOptions } from './runner.js';
export type { FileResult } from './results.js';
export { parseConfig } from './config.js';
export type { Config, FailLevel } from './config.js';
export { reporters } from './reporters/index.js';
export { WarmbuildError, UsageError, ConfigError, InputError, RuleError } from './errors.js';
