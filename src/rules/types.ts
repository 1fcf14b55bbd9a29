import type { Edit } from '../fix/edits.js';
import type { DockerfileModel, Instruction } from '../model/dockerfile.js';
import type { BuildEnv, GoPaths } from '../model/env.js';
import type { RunAnalysis } from '../model/shell.js';
import type { Span } from '../model/text.js';
import type { Followed } from '../context/follow.js';

export type Severity = 'error' | 'warning' | 'info';
export type FixKind = 'safe' | 'suggestion';

export type Keyword =
  | 'ADD' | 'ARG' | 'CMD' | 'COPY' | 'ENTRYPOINT' | 'ENV' | 'EXPOSE' | 'FROM' | 'HEALTHCHECK' | 'LABEL'
  | 'MAINTAINER' | 'ONBUILD' | 'RUN' | 'SHELL' | 'STOPSIGNAL' | 'USER' | 'VOLUME' | 'WORKDIR';

/** What the Dockerfile's surroundings tell the rules; all optional, since `check` works on text alone. */
export interface BuildContextFacts {
  /** The context holds vendor/modules.txt, so module-mode Go commands use vendor/ and fetch nothing. */
  vendor?: boolean;
  /** The build context, when there is one: the files rules may read, by context-relative path. */
  context?: BuildContext;
}

export interface BuildContext {
  /** Contents of the files read (Makefiles and their includes, scripts RUN invokes, go.mod, go.work). */
  files: Readonly<Record<string, string>>;
  /** The context has a .git directory. */
  hasGit: boolean;
  /** The .dockerignore that applies, if any. */
  dockerignore?: string;
  /** Every file of the context (context-relative, without .git, node_modules and vendor), when the reader needed the list. */
  list?: readonly string[];
}

export interface RuleMeta {
  description: string;
  severity: Severity;
  /** What kind of fix the rule can offer, if any. */
  fixable: FixKind | 'safe-or-suggestion' | null;
  messages: Record<string, string>;
}

export interface ReportDescriptor {
  span: Span;
  /** A finding less (or more) severe than the rule's default; a severity the user configured wins. */
  severity?: Severity;
  messageId: string;
  data?: Record<string, string | number>;
  fix?: { kind: FixKind; edits: Edit[] };
}

export interface RuleContext {
  readonly model: DockerfileModel;
  readonly facts: BuildContextFacts;
  env(instruction: Instruction): BuildEnv;
  /** Go's cache locations for `instruction`, with a command's own `NAME=value` prefixes. */
  goPaths(instruction: Instruction, overrides?: Record<string, string>): GoPaths;
  /** The commands a RUN executes (memoised). */
  run(instruction: Instruction): RunAnalysis;
  /** What the RUN's make, scripts and wrappers run, as far as the build context shows (memoised; empty without a context). */
  follow(instruction: Instruction): Followed;
  report(descriptor: ReportDescriptor): void;
}

export type Visitors = { [K in Keyword]?: (instruction: Instruction) => void } & { 'Dockerfile:exit'?: () => void };

export interface Rule {
  name: string;
  code: string;
  meta: RuleMeta;
  create(context: RuleContext): Visitors;
}
