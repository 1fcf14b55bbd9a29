import type { Dockerfile as AstDockerfile, Instruction as AstInstruction } from 'dockerfile-ast';
import astModule from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';
import { type Mount, parseMount } from './mounts.js';
import { detectEol, LineIndex, type Span } from './text.js';

// dockerfile-ast is published as CommonJS; its named exports are only reachable through the default.
const { DockerfileParser } = astModule;

// dockerfile-ast recomputes an instruction's arguments on every call, about seven times per RUN while
// parsing and converting, each time a position lookup per word: a 10 MB RUN took over a minute. They
// never change after parsing, so each instruction object keeps its first result under a private key
// (callers get a copy: some shift the flags off it); the memo lives and dies with the parse's AST.
const RAW_ARGUMENTS = Symbol('warmbuild.rawArguments');
type AstInstructionObject = { [RAW_ARGUMENTS]?: unknown[] };
const astInstruction = astModule.Instruction.prototype as unknown as { getRawArguments(this: AstInstructionObject): unknown[] };
const computeRawArguments = astInstruction.getRawArguments;
astInstruction.getRawArguments = function (this: AstInstructionObject): unknown[] {
  this[RAW_ARGUMENTS] ??= computeRawArguments.call(this);
  return this[RAW_ARGUMENTS].slice();
};

/** The instructions BuildKit knows. */
export const KEYWORDS = [
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
] as const;

export type Keyword = (typeof KEYWORDS)[number];

export interface Directive {
  name: string;
  value: string;
  span: Span;
}

export interface Flag {
  name: string;
  value: string | null;
  span: Span;
  valueSpan: Span | null;
}

export interface Word {
  value: string;
  span: Span;
}

export interface Property {
  name: string;
  /** Value with quotes removed, or null for `ARG NAME` without a default. */
  value: string | null;
  span: Span;
}

export interface Heredoc {
  name: string;
  /** The body between the opening line and the delimiter, or null when empty. */
  contentSpan: Span | null;
  /** Whether a delimiter line ends it before the end of the file (BuildKit rejects the file otherwise). */
  terminated: boolean;
}

export interface Instruction {
  /** Position in `DockerfileModel.instructions`; ONBUILD triggers share their parent's. */
  index: number;
  /** Upper-case keyword: a `Keyword` in a file BuildKit accepts (`findSyntaxProblem` rejects others). */
  keyword: string;
  span: Span;
  keywordSpan: Span;
  /** 1-based line of the keyword. */
  line: number;
  flags: Flag[];
  mounts: Mount[];
  /** Everything after the flags: the command, the JSON array, the sources... */
  argsSpan: Span | null;
  args: Word[];
  form: 'exec' | 'shell';
  heredocs: Heredoc[];
  /** ENV, ARG and LABEL key/value pairs. */
  properties: Property[];
  /** The stage this instruction belongs to; undefined for ARGs before the first FROM. */
  stage: Stage | undefined;
  /** For ONBUILD: the instruction it registers. */
  trigger: Instruction | undefined;
}

export interface Stage {
  index: number;
  /** Lower-cased `AS` name, as BuildKit compares them. */
  name: string | undefined;
  from: Instruction;
  /** The image reference as written. */
  image: string;
  /** The image reference with global ARG defaults expanded; undefined when an ARG without default is in it. */
  resolvedImage: string | undefined;
  platform: string | undefined;
  /** The stage this one is built FROM, when it names an earlier stage. */
  base: Stage | undefined;
  instructions: Instruction[];
}

export interface Comment {
  text: string;
  span: Span;
  line: number;
}

export interface DockerfileModel {
  text: string;
  lines: LineIndex;
  bom: boolean;
  eol: '\r\n' | '\n' | '\r';
  escapeChar: string;
  /** The parser directives BuildKit reads, up to and including a repeated one (which BuildKit rejects). */
  directives: Directive[];
  /** Offset just after the parser directives' block (0 without directives). */
  directivesEnd: number;
  instructions: Instruction[];
  stages: Stage[];
  comments: Comment[];
  /** Whether the file writes its keywords in lower case: inserted instructions follow suit. */
  lowercaseKeywords: boolean;
  /** The ARGs before the first FROM, resolved once: stage images and stage `ARG NAME` lines read them. */
  globalArgs: GlobalArgs;
}

/**
 * Where a value comes from: a build arg (`ARG`, which `--build-arg` can change), the Dockerfile's own
 * settings (`ENV`, `USER`, `WORKDIR`, a RUN's `go env -w`, a command's `NAME=value` prefix), a base
 * image whose defaults we know (the golang images), or the default Docker and Go assume when nothing
 * sets it (root, HOME=/root, GOCACHE under HOME).
 */
export type Origin = 'arg' | 'env' | 'image' | 'default';

/** A value's text as far as its variables are known; `certain` is false when a build arg or the base image could change it. */
export interface Expansion {
  value: string | undefined;
  certain: boolean;
}

/** A value as far as the Dockerfile alone determines it, and where it comes from. */
export interface Resolved extends Expansion {
  origin: Origin;
}

/** The global ARGs (declared before the first FROM), resolved once for the whole file. */
export interface GlobalArgs {
  /** Each global ARG's default, after all of them: what FROM lines and stage `ARG NAME` see. */
  values: ReadonlyMap<string, Resolved>;
  /** The global ARGs declared before each instruction of the prelude. */
  before: ReadonlyMap<Instruction, ReadonlyMap<string, Resolved>>;
}

/** The prelude's ARGs in order, each default expanded with the ARGs before it. */
export function resolveGlobalArgs(prelude: readonly Instruction[]): GlobalArgs {
  let values = new Map<string, Resolved>();
  const before = new Map<Instruction, ReadonlyMap<string, Resolved>>();
  for (const instruction of prelude) {
    before.set(instruction, values);
    if (instruction.keyword !== 'ARG') continue;
    values = new Map(values);
    for (const p of instruction.properties)
      values.set(p.name, { value: p.value === null ? undefined : expand(p.value, values).value, certain: false, origin: 'arg' });
  }
  return { values, before };
}

/** Expands `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:+alt}` as Dockerfile ENV/ARG do. */
export function expand(value: string, vars: ReadonlyMap<string, Expansion>): Expansion {
  let certain = true;
  let unknown = false;
  const lookup = (name: string): string | undefined => {
    const v = vars.get(name);
    if (!v || v.value === undefined) {
      unknown = true;
      return undefined;
    }
    certain = certain && v.certain;
    return v.value;
  };
  const out = value.replace(
    /\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced?: string, op?: string, word?: string, bare?: string) => {
      if (match === '\\$') return '$';
      const name = (braced ?? bare)!;
      if (op) {
        const v = vars.get(name);
        const isSet = v !== undefined && v.value !== undefined && (op.startsWith(':') ? v.value !== '' : true);
        if (v && !v.certain) certain = false;
        if (op.endsWith('-')) return isSet ? v!.value! : (word ?? '');
        return isSet ? (word ?? '') : '';
      }
      return lookup(name) ?? '';
    },
  );
  return unknown ? { value: undefined, certain: false } : { value: out, certain };
}

export function parseDockerfile(text: string): DockerfileModel {
  const lines = new LineIndex(text);
  const directives = readDirectives(text, lines);
  const escapeChar = directives.find((d) => d.name === 'escape')?.value === '`' ? '`' : '\\';
  const ast: AstDockerfile = DockerfileParser.parse(astInput(text, lines, directives, escapeChar));
  const span = (range: Range): Span => ({
    start: lines.offsetAt(range.start.line, range.start.character),
    end: lines.offsetAt(range.end.line, range.end.character),
  });

  const lastDirective = directives[directives.length - 1];
  const directivesEnd = lastDirective ? lines.lineStart(lines.lineOf(lastDirective.span.end) + 1) : 0;
  const commentText = (s: Span): string =>
    text
      .slice(s.start, s.end)
      .replace(/^\uFEFF?[ \t]*#[ \t]*/, '')
      .trimEnd();
  const comments: Comment[] = ast
    .getComments()
    .map((c) => ({ text: commentText(span(c.getRange())), span: span(c.getRange()), line: c.getRange().start.line + 1 }));
  // dockerfile-ast takes any leading `# key=value` line for a directive; BuildKit only knows three.
  for (const d of ast.getDirectives()) {
    const directiveSpan = span(d.getRange());
    if (directives.some((known) => known.span.start === directiveSpan.start)) continue;
    comments.push({ text: commentText(directiveSpan), span: directiveSpan, line: d.getRange().start.line + 1 });
  }
  comments.sort((a, b) => a.span.start - b.span.start);

  const model: DockerfileModel = {
    text,
    lines,
    bom: text.charCodeAt(0) === 0xfeff,
    eol: detectEol(text),
    escapeChar,
    directives,
    directivesEnd,
    instructions: [],
    stages: [],
    comments,
    lowercaseKeywords: false,
    globalArgs: { values: new Map(), before: new Map() },
  };

  const convert = (node: AstInstruction, index: number, stage: Stage | undefined): Instruction => {
    const keyword = node.getKeyword().toUpperCase();
    const anyNode = node as unknown as Record<string, unknown>;
    const flags: Flag[] = [];
    if (typeof anyNode.getFlags === 'function') {
      for (const f of (node as unknown as { getFlags(): import('dockerfile-ast').Flag[] }).getFlags()) {
        const valueRange = f.getValueRange();
        flags.push({ name: f.getName().toLowerCase(), value: f.getValue(), span: span(f.getRange()), valueSpan: valueRange ? span(valueRange) : null });
      }
    }
    const mounts = flags.filter((f) => f.name === 'mount' && f.valueSpan).map((f) => parseMount(text, f.span, f.valueSpan!));
    const args = node.getArguments().map((a) => ({ value: a.getValue(), span: span(a.getRange()) }));
    const instrSpan = span(node.getRange());
    const firstArg = args[0];
    const argsSpan = firstArg ? { start: firstArg.span.start, end: instrSpan.end } : null;
    const heredocs: Heredoc[] = [];
    if (typeof anyNode.getHeredocs === 'function') {
      for (const h of (anyNode.getHeredocs as () => import('dockerfile-ast').Heredoc[]).call(node)) {
        const content = h.getContentRange();
        heredocs.push({ name: h.getName(), contentSpan: content ? span(content) : null, terminated: h.getDelimiterRange() !== null });
      }
    }
    const properties: Property[] = [];
    if (keyword === 'ARG') {
      // `ARG A B=1` declares several names; dockerfile-ast reads it as ENV's legacy `key value` form.
      for (const word of args) {
        const eq = word.value.indexOf('=');
        properties.push({ name: eq < 0 ? word.value : word.value.slice(0, eq), value: eq < 0 ? null : unquote(word.value.slice(eq + 1)), span: word.span });
      }
    } else if (typeof anyNode.getProperties === 'function') {
      for (const p of (anyNode.getProperties as () => import('dockerfile-ast').Property[]).call(node)) {
        const value = p.getValue();
        properties.push({ name: p.getName(), value: value === null ? null : unquote(value), span: span(p.getRange()) });
      }
    }
    const instruction: Instruction = {
      index,
      keyword,
      span: instrSpan,
      keywordSpan: span(node.getInstructionRange()),
      line: node.getRange().start.line + 1,
      flags,
      mounts,
      argsSpan,
      args,
      form:
        firstArg?.value.startsWith('[') && (keyword === 'RUN' || keyword === 'CMD' || keyword === 'ENTRYPOINT') && parseJsonArray(text, argsSpan!) !== null
          ? 'exec'
          : 'shell',
      heredocs,
      properties,
      stage,
      trigger: undefined,
    };
    if (keyword === 'ONBUILD' && typeof anyNode.getTriggerInstruction === 'function') {
      const trigger = (anyNode.getTriggerInstruction as () => AstInstruction | null).call(node);
      if (trigger) instruction.trigger = convert(trigger, index, stage);
    }
    return instruction;
  };

  let current: Stage | undefined;
  ast.getInstructions().forEach((node, index) => {
    if (node.getKeyword().toUpperCase() !== 'FROM') {
      const instruction = convert(node, index, current);
      current?.instructions.push(instruction);
      model.instructions.push(instruction);
      return;
    }
    const stage: Stage = {
      index: model.stages.length,
      name: undefined,
      from: undefined as unknown as Instruction,
      image: '',
      resolvedImage: undefined,
      platform: undefined,
      base: undefined,
      instructions: [],
    };
    const instruction = convert(node, index, stage);
    stage.from = instruction;
    stage.image = instruction.args[0]?.value ?? '';
    const as = instruction.args[1]?.value.toUpperCase() === 'AS' ? instruction.args[2]?.value : undefined;
    stage.name = as?.toLowerCase();
    stage.platform = instruction.flags.find((f) => f.name === 'platform')?.value ?? undefined;
    stage.instructions.push(instruction);
    model.stages.push(stage);
    model.instructions.push(instruction);
    current = stage;
  });

  // Every global ARG comes before the first FROM, so all of them are known before any stage is read.
  model.globalArgs = resolveGlobalArgs(model.instructions.filter((i) => i.stage === undefined));
  for (const stage of model.stages) {
    stage.resolvedImage = expand(stage.image, model.globalArgs.values).value;
    const image = (stage.resolvedImage ?? stage.image).toLowerCase();
    stage.base = model.stages.find((s) => s.index < stage.index && s.name !== undefined && s.name === image);
  }

  const first = model.instructions[0];
  model.lowercaseKeywords = first !== undefined && text.slice(first.keywordSpan.start, first.keywordSpan.end) === first.keyword.toLowerCase();
  return model;
}

// BuildKit's directive syntax (frontend/dockerfile/parser/directives.go): a value of at least one
// character, so `# escape=` is a comment; Go's \s is [\t\n\f\r ].
const DIRECTIVE = /^#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$/;
const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check']);

/**
 * Parser directives as BuildKit reads them: leading `# name=value` lines of the three known names,
 * until the first other line (a comment that is not one, an unknown name, a blank line). A repeated
 * name is kept, as the last directive, for the validator to reject as BuildKit does.
 */
function readDirectives(text: string, lines: LineIndex): Directive[] {
  const directives: Directive[] = [];
  for (let line = 0; line < lines.lineStarts.length; line++) {
    let start = lines.lineStart(line) + (line === 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0);
    const end = lines.lineContentEnd(line);
    while (start < end && /\s/.test(text[start]!)) start++;
    const m = DIRECTIVE.exec(text.slice(start, end));
    if (!m || !KNOWN_DIRECTIVES.has(m[1]!.toLowerCase())) break;
    const name = m[1]!.toLowerCase();
    directives.push({ name, value: m[2]!, span: { start, end } });
    if (directives.filter((d) => d.name === name).length > 1) break;
  }
  return directives;
}

/**
 * The text dockerfile-ast parses: the file with the places where dockerfile-ast would read it
 * differently from BuildKit neutralised, offset for offset, so every span still points into the file.
 * dockerfile-ast reads every leading `# key=value` line as a directive (an `# escape=` below an
 * ordinary comment would change its escape char: the `=` of the line that ends BuildKit's directives
 * are blanked), it breaks lines at a lone \r (blanked), and it continues a line ending in a doubled
 * escape char, which BuildKit does not (the last one is replaced by a private-use character, which
 * ends no line and continues none).
 */
function astInput(text: string, lines: LineIndex, directives: readonly Directive[], escapeChar: string): string {
  const replaced = new Map<number, string>();
  const endLine = directives.length;
  if (endLine < lines.lineStarts.length) {
    const start = lines.lineStart(endLine);
    const content = text.slice(start, lines.lineContentEnd(endLine));
    if (/^\uFEFF?[ \t]*#/.test(content)) for (let i = content.indexOf('='); i >= 0; i = content.indexOf('=', i + 1)) replaced.set(start + i, ' ');
  }
  const e = escapeChar === '`' ? '`' : '\\\\';
  for (const m of text.matchAll(new RegExp(`${e}{2}[ \\t]*(?=\\r?\\n|$)`, 'g'))) replaced.set(m.index + 1, '\uE000');
  // After an escape char and blanks dockerfile-ast skips one character: an escape char there that
  // continues the line would be missed.
  for (const m of text.matchAll(new RegExp(`${e}[ \\t]+(?=${e}[ \\t]*(\\r?\\n|$))`, 'g'))) replaced.set(m.index, '\uE000');
  // dockerfile-ast breaks lines at a lone \r too; BuildKit does not.
  for (const m of text.matchAll(/\r(?!\n)/g)) replaced.set(m.index, ' ');
  if (replaced.size === 0) return text;
  let input = '';
  let from = 0;
  for (const at of [...replaced.keys()].sort((a, b) => a - b)) {
    input += text.slice(from, at) + replaced.get(at)!;
    from = at + 1;
  }
  return input + text.slice(from);
}

/** The argv of an exec-form JSON array (continuations joined), or null when the text is not one. */
export function parseJsonArray(text: string, span: Span): string[] | null {
  const raw = text.slice(span.start, span.end).trim();
  if (!raw.startsWith('[') || !raw.endsWith(']')) return null;
  try {
    const value: unknown = JSON.parse(raw.replace(/\\\r?\n/g, ''));
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : null;
  } catch {
    return null;
  }
}

export function unquote(value: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < value.length) out += value[++i];
      else out += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '\\' && i + 1 < value.length) {
      out += value[++i];
    } else {
      out += ch;
    }
  }
  return out;
}

/** Exec-form argv of a RUN/CMD/ENTRYPOINT, or null for shell form. */
export function execArgv(model: DockerfileModel, instruction: Instruction): string[] | null {
  if (instruction.form !== 'exec' || !instruction.argsSpan) return null;
  return parseJsonArray(model.text, instruction.argsSpan);
}

export function stageByRef(model: DockerfileModel, ref: string, before: number): Stage | undefined {
  const lower = ref.toLowerCase();
  if (/^\d+$/.test(lower)) return model.stages[Number(lower)];
  return model.stages.find((s) => s.name === lower && s.index < before);
}

/** Stages that another stage uses: as a base (FROM), in COPY --from, or in a mount's from=. */
export function stageDependents(model: DockerfileModel, stage: Stage): Instruction[] {
  const users: Instruction[] = [];
  for (const other of model.stages) {
    if (other.base === stage) users.push(other.from);
    for (const instruction of other.instructions) {
      const copyFrom = instruction.flags.find((f) => f.name === 'from')?.value;
      if (copyFrom && (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') && stageByRef(model, copyFrom, other.index + 1) === stage)
        users.push(instruction);
      for (const mount of instruction.mounts) {
        if (mount.from && stageByRef(model, mount.from, other.index + 1) === stage) users.push(instruction);
      }
    }
  }
  return users;
}
