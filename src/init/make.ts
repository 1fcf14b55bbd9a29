import { expandMake, goCommandsOfMake, type Makefile, parseMakefile } from './makefile.js';

// What `make TARGET` passes to `go build`, for init to carry over: the one place init reads Makefiles.
// The reader is init's own src/init/makefile.ts (src/make, which `check` uses, does not yet give init the
// $(shell) markers and assignment lines it needs); this file adds what init needs beyond it: conditionals
// (`ifeq`/`ifneq`/`ifdef`/`ifndef`, evaluated with the variables known at that line), the make
// functions build lines use (`$(if)`, `$(strip)`, `$(filter)`, ...), target-specific `export` lines, and
// `$(shell ...)` values, which become markers (see `shellValue`) because only the build can run them.
// Pure.

export interface MakeGoBuild {
  /** The target whose recipe (or a prerequisite's) runs it. */
  target: string;
  /** Environment of the go command: the make environment, target-specific exports, `VAR=x go build`. */
  env: Record<string, string>;
  /** Words after `go build`, make variables and functions expanded; `$(shell)` values as markers. */
  args: string[];
}

export interface MakeVariableOrigin {
  /** 1-based line of the variable's last assignment. */
  line: number;
}

export interface MakeBuilds {
  builds: MakeGoBuild[];
  defaultTarget?: string;
  /** Where each variable was last assigned, for messages and for naming build args. */
  origins: Record<string, MakeVariableOrigin>;
}

const MARK_OPEN = '\uE000';
const MARK_CLOSE = '\uE001';

/**
 * A `$(shell COMMAND)` result as a marker: `NAME` is the variable it was assigned to (empty inline).
 * The command is base64url-encoded so the marker stays one shell word through the recipe's lexing.
 */
export function shellValue(name: string, command: string): string {
  return `${MARK_OPEN}${name}.${Buffer.from(command).toString('base64url')}${MARK_CLOSE}`;
}

/** Splits a value into literal text and `$(shell)` markers. */
export function splitShellValues(value: string): Array<string | { name: string; command: string }> {
  const parts: Array<string | { name: string; command: string }> = [];
  for (const piece of value.split(new RegExp(`(${MARK_OPEN}[^${MARK_CLOSE}]*${MARK_CLOSE})`))) {
    if (piece === '') continue;
    if (piece.startsWith(MARK_OPEN)) {
      const [name, command] = piece.slice(1, -1).split('.');
      parts.push({ name: name!, command: Buffer.from(command ?? '', 'base64url').toString() });
    } else {
      parts.push(piece);
    }
  }
  return parts;
}

/**
 * The go builds of every rule (or of `targets`), given the environment make runs in (the
 * Dockerfile's ENV, `VAR=x make`) and command-line `overrides` (`make VAR=x`).
 */
export function goBuildsOfMakefile(
  text: string,
  options: { targets?: readonly string[]; env?: Record<string, string>; overrides?: Record<string, string> } = {},
): MakeBuilds {
  const env = options.env ?? {};
  const seeded = (): Makefile => ({ variables: new Map(Object.entries(env)), rules: new Map(), includes: [] });
  const physical = text.split(/\r?\n/);
  const logical: Array<{ text: string; line: number }> = [];
  for (let i = 0; i < physical.length; i++) {
    const first = i;
    let line = physical[i]!;
    while (line.endsWith('\\') && i + 1 < physical.length) line = `${line.slice(0, -1)} ${physical[++i]!.trimStart()}`;
    logical.push({ text: line, line: first + 1 });
  }

  const kept: string[] = [];
  const origins: Record<string, MakeVariableOrigin> = {};
  const targetEnv = new Map<string, Record<string, string>>();
  // Each open conditional: whether its current branch is taken, and whether any branch was.
  const stack: Array<{ active: boolean; taken: boolean }> = [];
  let inRecipe = false;
  const active = (): boolean => stack.every((c) => c.active);
  const variablesNow = (): Makefile => {
    const mk = parseMakefile(kept.join('\n'), seeded());
    for (const [name, value] of Object.entries(options.overrides ?? {})) mk.variables.set(name, value);
    return mk;
  };
  for (const { text: raw, line } of logical) {
    const stripped = raw.replace(/(^|[^\\])#.*$/, '$1').trim();
    const conditional = /^(ifeq|ifneq|ifdef|ifndef|else|endif)\b\s*(.*)$/.exec(stripped);
    // A tab-indented `ifeq` inside a recipe is shell text of the recipe, not a make conditional.
    if (conditional && !(raw.startsWith('\t') && inRecipe)) {
      const [, directive, rest] = conditional;
      if (directive === 'endif') {
        stack.pop();
      } else if (directive === 'else') {
        const top = stack[stack.length - 1];
        if (top) {
          const nested = /^(ifeq|ifneq|ifdef|ifndef)\b\s*(.*)$/.exec(rest!);
          const holds = !top.taken && (nested ? conditionHolds(nested[1]!, nested[2]!, variablesNow()) : true);
          top.active = holds;
          top.taken ||= holds;
        }
      } else {
        const holds = active() && conditionHolds(directive!, rest!, variablesNow());
        stack.push({ active: holds, taken: holds });
      }
      continue;
    }
    if (!active()) continue;
    if (raw.startsWith('\t') && inRecipe) {
      kept.push(raw);
      continue;
    }
    const body = raw.startsWith('\t') ? raw.trim() : raw;
    const specific = /^([^:=#]+?)\s*:\s*(?:export\s+)?([A-Za-z_]\w*)\s*(?::?=|\?=)\s*(.*)$/.exec(stripped);
    if (specific && !/^(override|export)\b/.test(stripped)) {
      for (const target of specific[1]!.trim().split(/\s+/)) targetEnv.set(target, { ...(targetEnv.get(target) ?? {}), [specific[2]!]: specific[3]!.trim() });
      continue;
    }
    const assignment = /^(?:override\s+|export\s+)?([A-Za-z_][\w.-]*)\s*(\?=|:::=|::?=|\+=|=)\s*(.*)$/.exec(stripped);
    if (assignment) {
      const shell = /^\$\(shell\s+([^()]*(?:\([^()]*\)[^()]*)*)\)$/.exec(assignment[3]!.trim());
      origins[assignment[1]!] = { line };
      // `:=` expands once, here: `FLAGS := $(FLAGS) -X ...` appends to what FLAGS was.
      const immediate = assignment[2] === ':=' || assignment[2] === '::=';
      const value = shell ? shellValue(assignment[1]!, shell[1]!.trim()) : immediate ? evaluate(assignment[3]!, variablesNow(), 0) : undefined;
      kept.push(value !== undefined ? `${assignment[1]} ${assignment[2]} ${value}` : body);
      inRecipe = false;
      continue;
    }
    if (stripped !== '' && !stripped.startsWith('include') && /:/.test(stripped)) inRecipe = true;
    else if (stripped !== '') inRecipe = false;
    kept.push(body);
  }

  const mk = variablesNow();
  // Evaluate every variable once, functions included, so the recipe expansion below sees plain text.
  for (const name of [...mk.variables.keys()]) mk.variables.set(name, evaluate(mk.variables.get(name)!, mk, 0));
  const targets = options.targets ?? [...mk.rules.keys()].filter((t) => !t.startsWith('.') && !t.includes('%') && !t.includes('$'));
  const builds: MakeGoBuild[] = [];
  for (const target of targets) {
    for (const go of goCommandsOfMake(mk, [target]).go) {
      if (go.subcommand !== 'build' && go.subcommand !== 'install') continue;
      const exported = targetEnv.get(target) ?? Object.assign({}, ...(mk.rules.get(target)?.prerequisites ?? []).map((p) => targetEnv.get(p) ?? {}));
      builds.push({ target, env: { ...env, ...exported, ...go.command.env }, args: go.args.map((a) => expandMake(a.value, mk)) });
    }
  }
  return { builds, ...(mk.defaultTarget ? { defaultTarget: mk.defaultTarget } : {}), origins };
}

function conditionHolds(directive: string, rest: string, mk: Makefile): boolean {
  if (directive === 'ifdef' || directive === 'ifndef') {
    const defined = evaluate(mk.variables.get(evaluate(rest.trim(), mk, 0)) ?? '', mk, 0) !== '';
    return directive === 'ifdef' ? defined : !defined;
  }
  let a: string;
  let b: string;
  const paren = /^\((.*)\)$/.exec(rest.trim());
  if (paren) {
    [a, b] = splitArgs(paren[1]!, 2) as [string, string];
  } else {
    const quoted = /^(["'])(.*?)\1\s+(["'])(.*?)\3$/.exec(rest.trim());
    if (!quoted) return false;
    a = quoted[2]!;
    b = quoted[4]!;
  }
  const equal = evaluate(a ?? '', mk, 0).trim() === evaluate(b ?? '', mk, 0).trim();
  return directive === 'ifeq' ? equal : !equal;
}

/** Splits function arguments at top-level commas; the last argument keeps the rest. */
function splitArgs(text: string, max = Infinity): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '{') depth++;
    else if (ch === ')' || ch === '}') depth--;
    else if (ch === ',' && depth === 0 && args.length < max - 1) {
      args.push(text.slice(start, i));
      start = i + 1;
    }
  }
  args.push(text.slice(start));
  return args;
}

const words = (s: string): string[] => s.split(/\s+/).filter(Boolean);
const patternRegExp = (p: string): RegExp => new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('%', '.*')}$`);

/** Expands variables and the make functions build lines use; `$(shell)` becomes a marker, unknown functions nothing. */
function evaluate(text: string, mk: Makefile, depth: number): string {
  if (depth > 20) return '';
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== '$' || i + 1 >= text.length) {
      out += ch;
      continue;
    }
    const next = text[i + 1]!;
    if (next === '$') {
      out += '$$';
      i++;
      continue;
    }
    if (next !== '(' && next !== '{') {
      const single = mk.variables.get(next);
      out += single !== undefined ? evaluate(single, mk, depth + 1) : `$${next}`;
      i++;
      continue;
    }
    const close = next === '(' ? ')' : '}';
    let level = 0;
    let j = i + 1;
    for (; j < text.length; j++) {
      if (text[j] === next) level++;
      else if (text[j] === close && --level === 0) break;
    }
    const inner = text.slice(i + 2, j);
    i = j;
    if (/^[\w.-]+$/.test(inner)) {
      const value = mk.variables.get(inner);
      out += inner === 'MAKE' ? 'make' : value === undefined ? '' : evaluate(value, mk, depth + 1);
      continue;
    }
    const space = inner.search(/\s/);
    const name = space < 0 ? inner : inner.slice(0, space);
    const argText = space < 0 ? '' : inner.slice(space + 1);
    const arg = (k: number, max?: number): string => evaluate(splitArgs(argText, max)[k] ?? '', mk, depth + 1);
    switch (name) {
      case 'shell':
        out += shellValue('', evaluate(argText, mk, depth + 1).trim());
        break;
      case 'strip':
        out += words(arg(0, 1)).join(' ');
        break;
      case 'if':
        out += arg(0, 3).trim() !== '' ? arg(1, 3) : arg(2, 3);
        break;
      case 'or':
        out +=
          splitArgs(argText)
            .map((a) => evaluate(a, mk, depth + 1))
            .find((v) => v.trim() !== '') ?? '';
        break;
      case 'and': {
        const values = splitArgs(argText).map((a) => evaluate(a, mk, depth + 1));
        out += values.every((v) => v.trim() !== '') ? values[values.length - 1]! : '';
        break;
      }
      case 'filter':
      case 'filter-out': {
        const patterns = words(arg(0, 2)).map(patternRegExp);
        out += words(arg(1, 2))
          .filter((w) => patterns.some((p) => p.test(w)) === (name === 'filter'))
          .join(' ');
        break;
      }
      case 'findstring':
        out += arg(1, 2).includes(arg(0, 2)) ? arg(0, 2) : '';
        break;
      case 'subst':
        out += arg(2, 3).split(arg(0, 3)).join(arg(1, 3));
        break;
      case 'firstword':
        out += words(arg(0, 1))[0] ?? '';
        break;
      case 'patsubst': {
        const from = patternRegExp(arg(0, 3));
        const [prefix, suffix] = arg(0, 3).split('%');
        out += words(arg(2, 3))
          .map((w) => (from.test(w) ? arg(1, 3).replace('%', w.slice(prefix!.length, w.length - (suffix ?? '').length)) : w))
          .join(' ');
        break;
      }
      default:
        // $(info), $(warning), $(wildcard), ...: nothing a go build line needs.
        break;
    }
  }
  return out;
}
