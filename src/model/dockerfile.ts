import { type Mount, parseMount } from './mounts.js';
import { type Flag, type Heredoc, type ParsedFile, type ParsedInstruction, type Property, parseInstructions, unquote, type Word } from './parser.js';
import { detectEol, LineIndex, type Span } from './text.js';

export type { Flag, Heredoc, ParsedFile, ParsedInstruction, Property, Word } from './parser.js';
export { unquote };

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
  const header = readHeader(text);
  return assembleModel(header, parseInstructions(text, header.escapeChar, header.instructionsStart));
}

/** What the instructions are read with: the line table, BuildKit's parser directives and the escape char they set. */
export interface DockerfileHeader {
  text: string;
  lines: LineIndex;
  directives: Directive[];
  escapeChar: string;
  /** Where the first instruction or comment may start: after the directives, else after a BOM. */
  instructionsStart: number;
}

export function readHeader(text: string): DockerfileHeader {
  const lines = new LineIndex(text);
  const directives = readDirectives(text, lines);
  const escapeChar = directives.find((d) => d.name === 'escape')?.value === '`' ? '`' : '\\';
  const instructionsStart = directives.length > 0 ? lines.lineStart(directives.length) : text.charCodeAt(0) === 0xfeff ? 1 : 0;
  return { text, lines, directives, escapeChar, instructionsStart };
}

/**
 * The model of a file from its header and its instructions as a parser split them: stages, mounts,
 * forms, ARG declarations, the global ARGs. Test oracles of the parser assemble theirs here too, so
 * only the splitting is compared.
 */
export function assembleModel(header: DockerfileHeader, parsed: ParsedFile): DockerfileModel {
  const { text, lines, directives, escapeChar } = header;
  const lastDirective = directives[directives.length - 1];
  const directivesEnd = lastDirective ? lines.lineStart(lines.lineOf(lastDirective.span.end) + 1) : 0;
  const comments: Comment[] = parsed.comments.map((span) => ({ text: commentText(text, span), span, line: lines.lineOf(span.start) + 1 }));

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

  const convert = (parsedInstruction: ParsedInstruction, index: number, stage: Stage | undefined): Instruction => {
    const { keyword, span, args, flags } = parsedInstruction;
    const firstArg = args[0];
    const argsSpan = firstArg ? { start: firstArg.span.start, end: span.end } : null;
    const instruction: Instruction = {
      index,
      keyword,
      span,
      keywordSpan: parsedInstruction.keywordSpan,
      line: lines.lineOf(span.start) + 1,
      flags,
      mounts: flags.filter((f) => f.name === 'mount' && f.valueSpan).map((f) => parseMount(text, f.span, f.valueSpan!)),
      argsSpan,
      args,
      form:
        firstArg?.value.startsWith('[') && (keyword === 'RUN' || keyword === 'CMD' || keyword === 'ENTRYPOINT') && parseJsonArray(text, argsSpan!) !== null
          ? 'exec'
          : 'shell',
      heredocs: parsedInstruction.heredocs,
      properties: keyword === 'ARG' ? argProperties(args) : parsedInstruction.properties,
      stage,
      trigger: undefined,
    };
    if (parsedInstruction.trigger) instruction.trigger = convert(parsedInstruction.trigger, index, stage);
    return instruction;
  };

  let current: Stage | undefined;
  parsed.instructions.forEach((parsedInstruction, index) => {
    if (parsedInstruction.keyword !== 'FROM') {
      const instruction = convert(parsedInstruction, index, current);
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
    const instruction = convert(parsedInstruction, index, stage);
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

function commentText(text: string, span: Span): string {
  return text
    .slice(span.start, span.end)
    .replace(/^\uFEFF?[ \t]*#[ \t]*/, '')
    .trimEnd();
}

/** `ARG A B=1` declares several names, each word `NAME` or `NAME=default`. */
function argProperties(args: readonly Word[]): Property[] {
  return args.map((word) => {
    const eq = word.value.indexOf('=');
    return { name: eq < 0 ? word.value : word.value.slice(0, eq), value: eq < 0 ? null : unquote(word.value.slice(eq + 1)), span: word.span };
  });
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
