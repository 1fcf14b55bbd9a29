import { type DockerfileModel, execArgv, type Instruction } from './dockerfile.js';
import { joinContinuations, type Span } from './text.js';

/** A shell word after quote removal, with the original offset of each of its characters. */
export interface ShellWord {
  value: string;
  /** Original span of the word as written, quotes included. */
  span: Span;
  /** charOffsets[i] is the original offset of value[i]; null when the word has no exact source (exec form). */
  charOffsets: number[] | null;
}

export interface SimpleCommand {
  /** `NAME=value` prefixes and values exported earlier in the same RUN. */
  env: Record<string, string>;
  argv: ShellWord[];
  /** Where earlier `cd` commands of the same shell moved to, relative to where it started; null when not known. */
  cwd?: string | null;
}

/**
 * Marks text nobody can read without running something (make's `$(shell …)` output): a command whose
 * name holds it may be anything.
 */
export const UNREADABLE = '\uFFFF';

export interface GoInvocation {
  command: SimpleCommand;
  /** `build`, `install`, `mod download`, `list`, ... */
  subcommand: string;
  /** Words after the subcommand. */
  args: ShellWord[];
}

export interface RunAnalysis {
  go: GoInvocation[];
  /** Commands that may run Go out of sight: make, task runners, scripts. */
  opaque: SimpleCommand[];
}

const OPAQUE_TOOLS = new Set([
  'make',
  'gmake',
  'mage',
  'task',
  'just',
  'goreleaser',
  'bazel',
  'bazelisk',
  'earthly',
  'ko',
  'gox',
  'xgo',
  'packr',
  'buffalo',
  'wails',
  'tinygo',
  'gomobile',
  'gogio',
  'garble',
]);
/** Shells that run a script file, or a `-c` string. */
export const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh', 'busybox']);
const PREFIX_WORDS = new Set([
  'if',
  'then',
  'else',
  'elif',
  'do',
  '!',
  '{',
  '}',
  'while',
  'until',
  'time',
  'exec',
  'command',
  'nohup',
  'fi',
  'done',
  'esac',
  'nice',
  'builtin',
]);
const SKIP_COMMANDS = new Set(['for', 'case', 'function', 'select']);
const GO_SUBCOMMANDS_WITH_VERB = new Set(['mod', 'work', 'tool']);

interface Token {
  kind: 'word' | 'op';
  word: ShellWord;
}

/** Tokenises POSIX shell text, well enough to find commands; never throws. */
export function lexShell(text: string, offsets: number[] | null, base = 0): Token[] {
  const tokens: Token[] = [];
  const heredocs: string[] = [];
  const at = (i: number): number => (offsets ? (offsets[i] ?? offsets[offsets.length - 1]!) : base);
  const reader: WordReader = {
    runs: [],
    // Characters read as themselves outside quotes: none of the word's ends, quotes, escapes or expansions.
    plain: /(?:[^ \t\n\r;&|()<>'"\\`$]|\$(?![({]))+/y,
    // Characters read as themselves inside double quotes, up to the next escape, expansion or closing quote.
    quoted: /[^"\\$]+/y,
  };
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\t') {
      i++;
      continue;
    }
    const escapedBreak = lineContinuationLength(text, i);
    if (escapedBreak > 0) {
      i += escapedBreak;
      continue;
    }
    if (ch === '#') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? n : eol;
      continue;
    }
    if (ch === '\n' && heredocs.length > 0) {
      tokens.push(op(ch, at(i), at(i + 1)));
      i = skipHeredocBodies(text, i + 1, heredocs);
      heredocs.length = 0;
      continue;
    }
    const next = text[i + 1];
    if ((ch === '&' && next === '&') || (ch === '|' && (next === '|' || next === '&')) || (ch === ';' && next === ';')) {
      tokens.push(op(ch + next, at(i), at(i + 2)));
      i += 2;
      continue;
    }
    if (ch === ';' || ch === '|' || ch === '&' || ch === '\n' || ch === '\r' || ch === '(' || ch === ')') {
      tokens.push(op(ch, at(i), at(i + 1)));
      i++;
      continue;
    }
    if (ch === '<' || ch === '>' || startsNumberedRedirection(text, i)) {
      // A redirection: skip the operator and its target word; a here-document's body is data, not commands.
      const opStart = i;
      while (i < n && isRedirectionChar(text[i]!)) i++;
      const operator = text.slice(opStart, i);
      while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
      i = readWord(text, i, reader);
      const target = wordText(text, reader.runs);
      if ((operator.endsWith('<<') || operator.endsWith('<<-')) && target) heredocs.push(target);
      continue;
    }
    const start = i;
    i = readWord(text, i, reader);
    if (i === start) {
      i++;
      continue;
    }
    const charOffsets = offsets ? offsetsOf(offsets, reader.runs) : null;
    tokens.push({ kind: 'word', word: { value: wordText(text, reader.runs), span: { start: at(start), end: at(i) }, charOffsets } });
  }
  return tokens;
}

/** Digits right before `<` or `>` at `i` (`2>&1`, `0<file`), at most three of them. */
function startsNumberedRedirection(text: string, i: number): boolean {
  let j = i;
  while (j < i + 3 && isDigit(text[j])) j++;
  return j > i && (text[j] === '<' || text[j] === '>');
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

function isRedirectionChar(ch: string): boolean {
  return isDigit(ch) || ch === '<' || ch === '>' || ch === '&' || ch === '|' || ch === '-';
}

/** Skips the bodies of here-documents opened on the previous line, each ending at its delimiter line. */
function skipHeredocBodies(text: string, start: number, delimiters: readonly string[]): number {
  let i = start;
  for (const delimiter of delimiters) {
    while (i < text.length) {
      const end = text.indexOf('\n', i);
      const line = text.slice(i, end < 0 ? text.length : end).replace(/\r$/, '');
      i = end < 0 ? text.length : end + 1;
      if (line.replace(/^\t+/, '') === delimiter) break;
    }
  }
  return i;
}

/** A shell line continuation (backslash, line break) at `i`: its length, or 0. */
function lineContinuationLength(text: string, i: number): number {
  if (text[i] !== '\\') return 0;
  if (text[i + 1] === '\n') return 2;
  if (text[i + 1] === '\r') return text[i + 2] === '\n' ? 3 : 2;
  return 0;
}

function op(value: string, start: number, end: number): Token {
  return { kind: 'op', word: { value, span: { start, end }, charOffsets: null } };
}

/** The original offsets of the characters of a word's `runs`: `offsets[k]`, the last offset past its end. */
function offsetsOf(offsets: readonly number[], runs: readonly number[]): number[] {
  const last = offsets[offsets.length - 1]!;
  let chars: number[] | undefined;
  for (let r = 0; r < runs.length; r += 2) {
    const part = offsets.slice(runs[r], runs[r + 1]);
    for (let k = Math.max(runs[r]!, offsets.length); k < runs[r + 1]!; k++) part.push(last);
    chars = chars === undefined ? part : chars.concat(part);
  }
  return chars ?? [];
}

/** Whether `ch` ends a word outside quotes. */
function endsWord(ch: string): boolean {
  switch (ch) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case ';':
    case '&':
    case '|':
    case '(':
    case ')':
    case '<':
    case '>':
      return true;
    default:
      return false;
  }
}

interface WordReader {
  /** The source ranges (start, end pairs) of the last word read, reused word after word. */
  runs: number[];
  /** Sticky patterns over the characters read as themselves: one pair per lexShell call, as they keep a position. */
  plain: RegExp;
  quoted: RegExp;
}

/**
 * Reads one word from `start` and returns where it ends. Every character of the word's unquoted value
 * is a character of `text`, in order: `reader.runs` receives them as source ranges, so that a plain
 * word costs one slice rather than a string built character by character.
 */
function readWord(text: string, start: number, reader: WordReader): number {
  const runs = reader.runs;
  runs.length = 0;
  let i = start;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (endsWord(ch)) break;
    if (ch === "'") {
      i++;
      const close = text.indexOf("'", i);
      const end = close < 0 ? n : close;
      keep(runs, i, end);
      i = end + 1;
    } else if (ch === '"') {
      i++;
      while (i < n && text[i] !== '"') {
        reader.quoted.lastIndex = i;
        if (reader.quoted.test(text)) {
          keep(runs, i, reader.quoted.lastIndex);
          i = reader.quoted.lastIndex;
          continue;
        }
        if (text[i] === '\\' && i + 1 < n && '$`"\\\n'.includes(text[i + 1]!)) i++;
        if (text[i] === '$' && text[i + 1] === '(') {
          const end = balancedEnd(text, i);
          keep(runs, i, end);
          i = end;
          continue;
        }
        keep(runs, i, i + 1);
        i++;
      }
      i++;
    } else if (ch === '\\') {
      const escapedBreak = lineContinuationLength(text, i);
      if (escapedBreak > 0) {
        i += escapedBreak;
        continue;
      }
      if (i + 1 < n) keep(runs, i + 1, i + 2);
      i += 2;
    } else if (ch === '$' && (text[i + 1] === '(' || text[i + 1] === '{')) {
      const end = balancedEnd(text, i);
      keep(runs, i, end);
      i = end;
    } else if (ch === '`') {
      const close = text.indexOf('`', i + 1);
      const end = close < 0 ? n : close + 1;
      keep(runs, i, end);
      i = end;
    } else {
      const from = i;
      reader.plain.lastIndex = i;
      i = reader.plain.test(text) ? reader.plain.lastIndex : i + 1;
      keep(runs, from, i);
    }
  }
  return i;
}

/** Adds source range [from, to) to a word's `runs`, joined to the previous range when they touch. */
function keep(runs: number[], from: number, to: number): void {
  if (to <= from) return;
  const last = runs.length - 1;
  if (last > 0 && runs[last] === from) runs[last] = to;
  else runs.push(from, to);
}

/** The text of a word's `runs`. */
function wordText(text: string, runs: readonly number[]): string {
  if (runs.length === 2) return text.slice(runs[0], runs[1]);
  let value = '';
  for (let r = 0; r < runs.length; r += 2) value += text.slice(runs[r], runs[r + 1]);
  return value;
}

/** Where `$(...)` or `${...}` at `start` ends, respecting nesting and quotes (the end of the text when it does not). */
function balancedEnd(text: string, start: number): number {
  const open = text[start + 1]!;
  const close = open === '(' ? ')' : '}';
  let depth = 0;
  let i = start;
  let quote: string | null = null;
  while (i < text.length) {
    const ch = text[i]!;
    i++;
    if (quote) {
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === open) depth++;
    else if (ch === close && --depth === 0) break;
  }
  return i;
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * Splits tokens into simple commands and finds Go invocations and opaque build steps. Functions run
 * where they are called, not where they are defined; a `case` on a known word (a script's `$1`, given
 * `positional`) runs only the clause that matches.
 */
export function analyzeScript(
  tokens: Token[],
  inherited: Record<string, string> = {},
  out: RunAnalysis = { go: [], opaque: [] },
  positional?: readonly string[],
): RunAnalysis {
  const { body, functions } = extractFunctions(tokens);
  const shell: ShellState = { exported: { ...inherited }, cwd: undefined, variables: {}, functions, calls: 0, ...(positional ? { positional } : {}) };
  runTokens(body, shell, out);
  return out;
}

interface CaseFrame {
  /** The word the clauses match against; null when it is not known (every clause may run). */
  subject: string | null;
  expectPattern: boolean;
  patterns: string[];
  active: boolean;
  taken: boolean;
}

function runTokens(tokens: readonly Token[], shell: ShellState, out: RunAnalysis): void {
  let words: ShellWord[] = [];
  const cases: CaseFrame[] = [];
  const flush = (): void => {
    if (words.length > 0 && cases.every((c) => c.active)) analyzeCommand(words, shell, out);
    words = [];
  };
  const openCase = (all: ShellWord[]): CaseFrame => {
    const subject = all[1] ? resolvePositional(all[1].value, shell.positional) : null;
    const frame: CaseFrame = { subject, expectPattern: true, patterns: all.slice(3).map((w) => w.value), active: false, taken: false };
    cases.push(frame);
    return frame;
  };
  const closePatterns = (frame: CaseFrame): void => {
    const matches = frame.subject === null || frame.patterns.some((p) => shellPattern(p.replace(/^\(/, '')).test(frame.subject!));
    frame.active = frame.subject === null ? true : !frame.taken && matches;
    frame.taken ||= frame.active;
    frame.expectPattern = false;
    frame.patterns = [];
  };
  let depth = 0;
  for (const token of tokens) {
    const top = cases[cases.length - 1];
    const value = token.word.value;
    if (token.kind === 'word') {
      if (top?.expectPattern) {
        if (value === 'esac') cases.pop();
        else top.patterns.push(value);
        continue;
      }
      if (value === 'esac' && top && words.length === 0) {
        cases.pop();
        continue;
      }
      words.push(token.word);
      continue;
    }
    if (top?.expectPattern) {
      if (value === ')') closePatterns(top);
      continue;
    }
    if (value === ';;' || value === ';&') {
      flush();
      if (top) top.expectPattern = true;
      continue;
    }
    if (value === ')' && depth === 0 && words[0]?.value === 'case') {
      const frame = openCase(words);
      words = [];
      closePatterns(frame);
      continue;
    }
    if ((value === '\n' || value === ';') && words[0]?.value === 'case' && words[2]?.value === 'in') {
      openCase(words);
      words = [];
      continue;
    }
    if (value === '(') depth++;
    if (value === ')' && depth === 0) {
      // `pattern)` of a case clause whose frame we did not see: the words are a pattern, not a command.
      words = [];
      continue;
    }
    if (value === ')') depth--;
    flush();
  }
  flush();
}

/** `$1`, `${1}`, `"$1"` as the script's first argument when known; any other word as it is, or null when it varies. */
function resolvePositional(word: string, positional: readonly string[] | undefined): string | null {
  const m = /^\$\{?([1-9])\}?$/.exec(word);
  if (m) return positional ? (positional[Number(m[1]) - 1] ?? '') : null;
  return word.includes('$') || word.includes('`') || word.includes(UNREADABLE) ? null : word;
}

/** A shell pattern (`*`, `?`, `[...]`) as a RegExp over a whole word. */
function shellPattern(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** Function definitions (`name() { … }`, `function name { … }`) taken out of the token stream, by name. */
function extractFunctions(tokens: readonly Token[]): { body: Token[]; functions: Map<string, Token[]> } {
  const body: Token[] = [];
  const functions = new Map<string, Token[]>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    let name: string | undefined;
    let open = -1;
    if (t.kind === 'word' && t.word.value === 'function' && tokens[i + 1]?.kind === 'word') {
      name = tokens[i + 1]!.word.value;
      open = i + 2;
      if (tokens[open]?.word.value === '(' && tokens[open + 1]?.word.value === ')') open += 2;
    } else if (
      t.kind === 'word' &&
      tokens[i + 1]?.word.value === '(' &&
      tokens[i + 2]?.word.value === ')' &&
      (body.length === 0 || body[body.length - 1]!.kind === 'op') &&
      /^[A-Za-z_][\w:.-]*$/.test(t.word.value)
    ) {
      name = t.word.value;
      open = i + 3;
    }
    if (name !== undefined) {
      while (tokens[open]?.kind === 'op' && tokens[open]!.word.value === '\n') open++;
      if (tokens[open]?.kind === 'word' && tokens[open]!.word.value === '{') {
        let depth = 0;
        let end = open;
        for (; end < tokens.length; end++) {
          const w = tokens[end]!;
          if (w.kind !== 'word') continue;
          if (w.word.value === '{') depth++;
          else if (w.word.value === '}' && --depth === 0) break;
        }
        functions.set(name, tokens.slice(open + 1, end));
        i = end;
        continue;
      }
    }
    body.push(t);
  }
  return { body, functions };
}

interface ShellState {
  exported: Record<string, string>;
  cwd: string | null | undefined;
  /** Plain `NAME=value` assignments, for the `cd "$DIR"` that follows them. */
  variables?: Record<string, string>;
  functions?: Map<string, Token[]>;
  /** How many function calls were followed: a bound against recursion. */
  calls?: number;
  /** The script's arguments, when the caller's command line shows them. */
  positional?: readonly string[];
}

function analyzeCommand(all: ShellWord[], shell: ShellState, out: RunAnalysis): void {
  const exported = shell.exported;
  let first = 0;
  while (first < all.length && PREFIX_WORDS.has(all[first]!.value)) first++;
  if (first === all.length || SKIP_COMMANDS.has(all[first]!.value)) return;
  let commandAt = first;
  while (commandAt < all.length && ASSIGNMENT.test(all[commandAt]!.value)) commandAt++;
  // Built only for the commands that keep it (most commands are neither Go nor opaque).
  const commandEnv = (): Record<string, string> => {
    const env: Record<string, string> = { ...exported };
    for (let k = first; k < commandAt; k++) {
      const assignment = all[k]!.value;
      const eq = assignment.indexOf('=');
      env[assignment.slice(0, eq)] = assignment.slice(eq + 1);
    }
    return env;
  };
  const where = shell.cwd === undefined ? {} : { cwd: shell.cwd };
  let words = commandAt === 0 ? all : all.slice(commandAt);
  if (words.length === 0) {
    if (shell.variables)
      for (const [key, value] of Object.entries(commandEnv()))
        if (exported[key] !== value) shell.variables[key] = substituteVariables(value, { ...shell.variables, ...exported });
    return;
  }
  // `"$@"` runs the script's arguments as a command (often the name of one of its functions).
  if (shell.positional && /^\$(@|\*|\{@\}|\{\*\})$/.test(words[0]!.value)) {
    const at = words[0]!;
    words = [...shell.positional.map((value) => ({ value, span: at.span, charOffsets: null })), ...words.slice(1)];
    if (words.length === 0) return;
  }
  const name = basename(words[0]!.value);
  const fn = shell.functions?.get(words[0]!.value);
  if (fn && (shell.calls ?? 0) < 100) {
    shell.calls = (shell.calls ?? 0) + 1;
    runTokens(fn, shell, out);
    return;
  }
  if (name === 'cd') {
    const dir = words.slice(1).find((w) => !w.value.startsWith('-'))?.value;
    shell.cwd = changeDirectory(shell.cwd, dir === undefined ? undefined : substituteVariables(dir, { ...shell.variables, ...exported }));
    return;
  }
  if (name === 'xargs') {
    // `… | xargs -I % go install %`: the command xargs runs, its options skipped.
    let rest = words.slice(1);
    while (rest.length > 0 && rest[0]!.value.startsWith('-'))
      rest = rest.slice(/^-[a-zA-Z]*[IdaEsLnP]$/.test(rest[0]!.value) || /^--(replace|delimiter|arg-file|max-args|max-procs)$/.test(rest[0]!.value) ? 2 : 1);
    if (rest.length > 0) analyzeCommand(rest, shell, out);
    return;
  }
  if (name === 'export') {
    for (const w of words.slice(1)) {
      if (!ASSIGNMENT.test(w.value)) continue;
      const [key, ...rest] = w.value.split('=');
      exported[key!] = rest.join('=');
    }
    return;
  }
  if (name === 'env' || name === 'sudo') {
    const env = commandEnv();
    let rest = words.slice(1);
    while (rest.length > 0 && (rest[0]!.value.startsWith('-') || ASSIGNMENT.test(rest[0]!.value))) {
      const w = rest[0]!.value;
      if (ASSIGNMENT.test(w)) {
        const [key, ...value] = w.split('=');
        env[key!] = value.join('=');
      }
      rest = rest.slice(1);
    }
    if (rest.length > 0) analyzeCommand(rest, { ...shell, exported: env }, out);
    return;
  }
  if (SHELLS.has(name)) {
    const env = commandEnv();
    const rest = words.slice(1);
    const cIndex = rest.findIndex((w) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(w.value));
    if (cIndex >= 0) {
      const script = rest.slice(cIndex + 1).find((w) => !w.value.startsWith('-'));
      if (script) {
        const inner = analyzeScript(lexShell(script.value, script.charOffsets ? [...script.charOffsets, script.span.end] : null, script.span.start), env);
        const moved = (c: SimpleCommand): SimpleCommand =>
          shell.cwd === undefined ? c : { ...c, cwd: c.cwd === undefined ? shell.cwd : joinDirectory(shell.cwd, c.cwd) };
        out.go.push(...inner.go.map((g) => ({ ...g, command: moved(g.command) })));
        out.opaque.push(...inner.opaque.map(moved));
      }
      return;
    }
    if (rest.some((w) => !w.value.startsWith('-'))) out.opaque.push({ env, argv: words, ...where });
    return;
  }
  if (name === 'go' || name === 'xx-go') {
    // `xx-go --wrap` only installs the wrapper: the go commands after it are the builds.
    if (name === 'xx-go' && words[1]?.value === '--wrap') return;
    out.go.push(goInvocation({ env: commandEnv(), argv: words, ...where }));
    return;
  }
  if (name === 'source' || (name === '.' && words.length > 1) || words[0]!.value.includes(UNREADABLE) || isOpaque(words[0]!.value))
    out.opaque.push({ env: commandEnv(), argv: words, ...where });
}

/** `$NAME` and `${NAME}` replaced where the value is known, and `$(cd DIR && pwd)` by DIR. */
function substituteVariables(word: string, values: Record<string, string>): string {
  return word
    .replace(/\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g, (m, a?: string, b?: string) => values[(a ?? b)!] ?? m)
    .replace(/\$\(\s*cd\s+"?([^"$()`;&|]*?)"?\s*(?:&&|;)\s*pwd(?:\s+-P)?\s*\)/g, '$1');
}

/** The directory after `cd DIR`, relative to where the shell started; null when DIR is not known. */
function changeDirectory(from: string | null | undefined, dir: string | undefined): string | null {
  if (from === null || dir === undefined || dir === '-' || dir.includes('$') || dir.includes('`') || dir.includes(UNREADABLE)) return null;
  return joinDirectory(from ?? '', dir);
}

function joinDirectory(from: string | null, dir: string | null): string | null {
  if (from === null || dir === null) return null;
  if (dir.startsWith('/')) return dir;
  const joined = from === '' ? dir : `${from}/${dir}`;
  const parts: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(part);
  }
  return `${joined.startsWith('/') ? '/' : ''}${parts.join('/')}`;
}

function goInvocation(command: SimpleCommand): GoInvocation {
  let rest = command.argv.slice(1);
  while (rest.length > 0 && rest[0]!.value.startsWith('-')) {
    rest = rest.slice(rest[0]!.value === '-C' ? 2 : 1);
  }
  let subcommand = rest[0]?.value ?? '';
  rest = rest.slice(1);
  if (GO_SUBCOMMANDS_WITH_VERB.has(subcommand) && rest[0]) {
    subcommand += ` ${rest[0].value}`;
    rest = rest.slice(1);
  }
  return { command, subcommand, args: rest };
}

function isOpaque(word: string): boolean {
  if (OPAQUE_TOOLS.has(basename(word))) return true;
  if (word.endsWith('.sh') || word.startsWith('./') || word.startsWith('../')) return true;
  return !word.startsWith('/') && !word.startsWith('$') && word.includes('/');
}

function basename(word: string): string {
  const slash = word.lastIndexOf('/');
  return slash >= 0 ? word.slice(slash + 1) : word;
}

/**
 * The shell commands a RUN executes: shell form (continuations joined), exec form, or a heredoc script.
 * Read once per RUN by the semantic model (`model/semantic.ts`), which everything else asks.
 */
export function analyzeRun(model: DockerfileModel, run: Instruction): RunAnalysis {
  const out: RunAnalysis = { go: [], opaque: [] };
  if (!run.argsSpan) return out;
  const argv = execArgv(model, run);
  if (argv) {
    const words = argv.map((value) => ({ value, span: run.argsSpan!, charOffsets: null }));
    analyzeScript([...words.map((word) => ({ kind: 'word' as const, word }))], {}, out);
    return out;
  }
  let commandSpan = run.argsSpan;
  if (run.heredocs.length > 0) {
    const firstLine = model.lines.lineOf(run.argsSpan.start);
    commandSpan = { start: run.argsSpan.start, end: model.lines.lineContentEnd(firstLine) };
  }
  const logical = joinContinuations(model.text, commandSpan, model.escapeChar);
  const tokens = lexShell(logical.text, logical.offsets);
  const heredoc = run.heredocs[0];
  const first = tokens[0]?.word.value ?? '';
  const runsHeredoc =
    heredoc?.contentSpan &&
    (logical.text.trimStart().startsWith('<<') || (SHELLS.has(basename(first)) && !tokens.slice(1).some((t) => t.kind === 'word' && t.word.value === '-c')));
  if (runsHeredoc && heredoc.contentSpan) {
    const body = model.text.slice(heredoc.contentSpan.start, heredoc.contentSpan.end);
    const offsets: number[] = [];
    for (let k = heredoc.contentSpan.start; k <= heredoc.contentSpan.end; k++) offsets.push(k);
    analyzeScript(lexShell(body, offsets), {}, out);
    return out;
  }
  analyzeScript(tokens, {}, out);
  return out;
}

export const COMPILING_SUBCOMMANDS = new Set(['build', 'install', 'test', 'vet', 'run', 'generate']);

/** Whether a Go invocation compiles packages, and so reads and writes GOCACHE. */
export function compiles(go: GoInvocation): boolean {
  if (COMPILING_SUBCOMMANDS.has(go.subcommand)) return true;
  return go.subcommand === 'list' && go.args.some((a) => /^-export(=true)?$/.test(a.value));
}

/** Whether a Go invocation always fetches modules, whatever the layers before it hold. */
export function downloadsModules(go: GoInvocation): boolean {
  if (go.subcommand === 'mod download' || go.subcommand === 'mod tidy' || go.subcommand === 'get') return true;
  return (go.subcommand === 'install' || go.subcommand === 'run') && go.args.some((a) => !a.value.startsWith('-') && /@/.test(a.value));
}

/** The GOFLAGS in effect for an invocation plus its own flags. */
export function goFlags(go: GoInvocation, stageGoflags: string | undefined): string[] {
  const goflags = go.command.env.GOFLAGS ?? stageGoflags ?? '';
  return [...goflags.split(/\s+/).filter(Boolean), ...go.args.map((a) => a.value)];
}
