import type { Followed } from '../context/follow.js';
import type { BuildContext } from '../context/types.js';
import type { Edit } from '../fix/edits.js';
import type { Instruction, Keyword } from '../model/dockerfile.js';
import type { BuildEnv, GoPaths } from '../model/env.js';
import type { SemanticModel } from '../model/semantic.js';
import type { RunAnalysis } from '../model/shell.js';
import type { Span } from '../model/text.js';

export type { BuildContext };

export type Severity = 'error' | 'warning' | 'info';
export type FixKind = 'safe' | 'suggestion';

/** What the Dockerfile's surroundings tell the rules; all optional, since `check` works on text alone. */
export interface BuildContextFacts {
  /** The context holds vendor/modules.txt, so module-mode Go commands use vendor/ and fetch nothing. */
  vendor?: boolean;
  /** The build context, when there is one: the files rules may read, by context-relative path. */
  context?: BuildContext;
  /** The config's `multiPlatform`: the Dockerfiles are (true) or are not (false) built for several platforms; unset: read from the file. */
  multiPlatform?: boolean;
}

/** How a rule's README header and the rules table describe it, beyond what `fixable` says. */
export interface RuleDocs {
  /** The rules table's one-line "what". */
  summary: string;
  /** Shown after the default severity, e.g. "info without the build context". */
  severityNote?: string;
  /** The README header's "Fix:" text; default: the kind `fixable` names. */
  fix?: string;
}

export interface RuleMeta<M extends string = string> {
  description: string;
  severity: Severity;
  /**
   * Off unless configured (`--rule NAME=info`, or `rules:` in the config): for findings that matter only
   * on some setups, so that `check` after `fix` stays clean by default.
   */
  optIn?: boolean;
  /** What kind of fix the rule can offer, if any; the linter refuses a fix of another kind. */
  fixable: FixKind | 'safe-or-suggestion' | null;
  /** The rule offers extra suggestions (`suggest`); the linter refuses them otherwise. */
  hasSuggestions?: boolean;
  messages: Record<M, string>;
  /** A fix's title (a quick-fix label), by the message it comes with; a report's own `fix.title` wins. */
  fixTitles?: Partial<Record<NoInfer<M>, string>>;
  docs: RuleDocs;
}

export interface FixDescriptor {
  kind: FixKind;
  edits: Edit[];
  /** Default: `meta.fixTitles[messageId]`. */
  title?: string;
}

/** An alternative edit an editor may offer; `fix` never applies it. Its title is its rendered message. */
export interface SuggestionDescriptor<M extends string = string> {
  messageId: M;
  data?: Record<string, string | number>;
  edits: Edit[];
}

export interface ReportDescriptor<M extends string = string> {
  span: Span;
  /** A finding less (or more) severe than the rule's default; a severity the user configured wins. */
  severity?: Severity;
  messageId: M;
  /** Values for the message's `{{placeholders}}`; each must be given. */
  data?: Record<string, string | number>;
  fix?: FixDescriptor;
  suggest?: SuggestionDescriptor<M>[];
}

export interface RuleContext<M extends string = string> {
  /** The file and what it means; `env`, `goPaths` and `run` below are its answers. */
  readonly model: SemanticModel;
  readonly facts: BuildContextFacts;
  env(instruction: Instruction): BuildEnv;
  /** Go's cache locations for `instruction`, with a command's own `NAME=value` prefixes. */
  goPaths(instruction: Instruction, overrides?: Record<string, string>): GoPaths;
  /** The commands a RUN executes (read once, when the model was built). */
  run(instruction: Instruction): RunAnalysis;
  /** What the RUN's make, scripts and wrappers run, as far as the build context shows (memoised; empty without a context). */
  follow(instruction: Instruction): Followed;
  /**
   * `fact(context, key)`, computed once per lint of a file and shared by every rule: for what several
   * rules derive from the same instruction, stage or file (src/rules/go-facts.ts). `fact` is a function
   * declared once (it is the memo's key, with `key`); it reads the model, the facts and the answers
   * above, and never reports.
   */
  shared<K extends object, T>(fact: (context: RuleContext, key: K) => T, key: K): T;
  report(descriptor: ReportDescriptor<M>): void;
}

export type Visitors = { [K in Keyword]?: (instruction: Instruction) => void } & { 'Dockerfile:exit'?: () => void };

/** What a rule module writes; `defineRule` adds the docs URL. */
export interface RuleDefinition<M extends string = string> {
  name: string;
  code: string;
  meta: RuleMeta<M>;
  create(context: RuleContext<M>): Visitors;
}

export interface Rule<M extends string = string> extends RuleDefinition<M> {
  /** Where the rule's README is published. */
  readonly url: string;
}
