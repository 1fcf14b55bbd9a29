// warmbuild's library API; the CLI is one consumer of it.

export type { Config, FailLevel } from './config.js';
export { parseConfig } from './config.js';
export { ConfigError, InputError, RuleError, UsageError, WarmbuildError } from './errors.js';
export type { Edit } from './fix/edits.js';
export { applyEdits } from './fix/edits.js';
export type { CheckOptions, Finding, FixOptions, FixResult, RuleSetting, Suggestion } from './lint.js';
export { checkText as check, fixModel, fixText as fix, lintModel } from './lint.js';
export type { Directive, DockerfileModel, Flag, GlobalArgs, Heredoc, Instruction, Keyword, Origin, Resolved, Stage } from './model/dockerfile.js';
export { parseDockerfile } from './model/dockerfile.js';
export type { BuildEnv, GoPaths } from './model/env.js';
export { goPathsAt } from './model/env.js';
export type { CacheMount, Mount, MountOption } from './model/mounts.js';
export { cacheId, isCacheMount } from './model/mounts.js';
export type { SemanticModel } from './model/semantic.js';
export { analyzeDockerfile } from './model/semantic.js';
export type { GoInvocation, RunAnalysis, ShellWord, SimpleCommand } from './model/shell.js';
export type { Position, Span } from './model/text.js';
export { reporters } from './reporters/index.js';
export type { FileResult } from './results.js';
export { defineRule, ruleCreator } from './rules/define.js';
export { findRule, rules } from './rules/index.js';
export type {
  BuildContext,
  BuildContextFacts,
  FixDescriptor,
  FixKind,
  ReportDescriptor,
  Rule,
  RuleContext,
  RuleDefinition,
  RuleDocs,
  RuleMeta,
  Severity,
  SuggestionDescriptor,
  Visitors,
} from './rules/types.js';
export type { FixRunOptions, RunOptions } from './runner.js';
export { checkFiles, exitCodeFor, fixFiles } from './runner.js';
export { addRunMount, insertBefore, removeMountOption, setMountOptions } from './writer/edit-builders.js';
export { formatMount } from './writer/mount.js';
