import path from 'node:path/posix';
import { globRegExp } from './glob.js';

/**
 * GNU make's expansion of variable references and functions, over values the reader knows. Text that
 * only running a command could give (`$(shell …)`, `!=`) is the UNKNOWN mark, so a caller can tell a
 * word it knows from one it does not.
 */
export { UNREADABLE as UNKNOWN } from '../model/shell.js';

import { UNREADABLE as UNKNOWN } from '../model/shell.js';

export type Flavor = 'recursive' | 'simple';
export type Origin = 'environment' | 'file' | 'command line' | 'override' | 'automatic';

export interface Variable {
  value: string;
  flavor: Flavor;
  origin: Origin;
}

export interface Scope {
  lookup(name: string): Variable | undefined;
  /** Makefile text handed to `$(eval …)`. */
  evaluate(text: string): void;
  /** The build context's files (context-relative), for `$(wildcard …)`; undefined until the context was listed. */
  files(): readonly string[] | undefined;
  /** The directory make runs in, relative to the build context. */
  cwd: string;
  /** The same directory as an absolute path in the image, for $(abspath) and $(CURDIR). */
  imageDir: string;
  /** Why something is unknown, once per reason. */
  unknown(reason: string): void;
  /** What `$(shell COMMAND)` stands for, when the caller says; otherwise the UNKNOWN mark. */
  shell?(command: string): string;
}

const MAX_DEPTH = 60;

/** Expands `text` as make does for a recursively expanded variable or a recipe line. */
export function expand(text: string, scope: Scope, depth = 0): string {
  if (!text.includes('$')) return text;
  if (depth > MAX_DEPTH) return UNKNOWN;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === undefined) break;
    if (next === '$') {
      out += '$';
      i = dollar + 2;
      continue;
    }
    if (next === '(' || next === '{') {
      const close = matchingClose(text, dollar + 1);
      if (close < 0) {
        // GNU make: "unterminated variable reference"; read what is there.
        out += text.slice(dollar);
        break;
      }
      out += reference(text.slice(dollar + 2, close), scope, depth);
      i = close + 1;
      continue;
    }
    out += variableValue(next, scope, depth);
    i = dollar + 2;
  }
  return out;
}

/** The index of the parenthesis closing the one at `open`, counting only that kind, as make does. */
export function matchingClose(text: string, open: number): number {
  const opener = text[open]!;
  const closer = opener === '(' ? ')' : '}';
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === opener) depth++;
    else if (text[i] === closer && --depth === 0) return i;
  }
  return -1;
}

function variableValue(name: string, scope: Scope, depth: number): string {
  const v = scope.lookup(name);
  if (!v) return '';
  return v.flavor === 'recursive' ? expand(v.value, scope, depth + 1) : v.value;
}

function reference(inner: string, scope: Scope, depth: number): string {
  const fn = /^([a-z-]+)[ \t]/.exec(inner);
  if (fn && fn[1]! in FUNCTIONS) return FUNCTIONS[fn[1]!]!(splitArgs(inner.slice(fn[0].length)), scope, depth);
  // A substitution reference, $(VAR:a=b) or $(VAR:%.go=%.o), splits at the top-level colon.
  const colon = topLevelIndex(inner, ':');
  if (colon >= 0 && inner.slice(colon).includes('=')) {
    const name = expand(inner.slice(0, colon), scope, depth + 1);
    const [from, to] = splitOnce(expand(inner.slice(colon + 1), scope, depth + 1), '=');
    const pattern = from.includes('%') ? from : `%${from}`;
    const replacement = from.includes('%') ? to : `%${to}`;
    return words(variableValue(name, scope, depth))
      .map((w) => patsubstWord(pattern, replacement, w))
      .join(' ');
  }
  const name = expand(inner, scope, depth + 1);
  if (name.includes(UNKNOWN)) return UNKNOWN;
  return variableValue(name, scope, depth);
}

function topLevelIndex(text: string, ch: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '(' || c === '{') depth++;
    else if (c === ')' || c === '}') depth--;
    else if (c === ch && depth === 0) return i;
  }
  return -1;
}

function splitOnce(text: string, sep: string): [string, string] {
  const i = text.indexOf(sep);
  return i < 0 ? [text, ''] : [text.slice(0, i), text.slice(i + 1)];
}

/** Function arguments, split at the commas outside nested references. */
function splitArgs(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '(' || c === '{') depth++;
    else if (c === ')' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      args.push(text.slice(start, i));
      start = i + 1;
    }
  }
  args.push(text.slice(start));
  return args;
}

export function words(text: string): string[] {
  return text.split(/[ \t\n]+/).filter(Boolean);
}

/** `%` matching as patsubst and pattern rules do: the stem, or undefined when `word` does not match. */
export function matchPattern(pattern: string, word: string): string | undefined {
  const percent = pattern.indexOf('%');
  if (percent < 0) return pattern === word ? '' : undefined;
  const prefix = pattern.slice(0, percent);
  const suffix = pattern.slice(percent + 1);
  if (word.length < prefix.length + suffix.length || !word.startsWith(prefix) || !word.endsWith(suffix)) return undefined;
  return word.slice(prefix.length, word.length - suffix.length);
}

function patsubstWord(pattern: string, replacement: string, word: string): string {
  const stem = matchPattern(pattern, word);
  if (stem === undefined) return word;
  return replacement.includes('%') ? replacement.replace('%', stem) : replacement;
}

type MakeFunction = (args: string[], scope: Scope, depth: number) => string;

/** Arguments expanded, all of them, before the function sees them. */
function eager(f: (args: string[], scope: Scope, depth: number) => string): MakeFunction {
  return (args, scope, depth) =>
    f(
      args.map((a) => expand(a, scope, depth + 1)),
      scope,
      depth,
    );
}

/** Binds names over a scope, for `$(call)` parameters and `$(foreach)` variables. */
function bind(scope: Scope, bound: Map<string, Variable>): Scope {
  return { ...scope, lookup: (name) => bound.get(name) ?? scope.lookup(name) };
}

const nonEmpty = (text: string): boolean => text.trim() !== '';

const FUNCTIONS: Record<string, MakeFunction> = {
  subst: eager(([from = '', to = '', text = '']) => (from === '' ? text : text.split(from).join(to))),
  patsubst: eager(([pattern = '', replacement = '', text = '']) =>
    words(text)
      .map((w) => patsubstWord(pattern.trim(), replacement.trim(), w))
      .join(' '),
  ),
  strip: eager(([text = '']) => words(text).join(' ')),
  findstring: eager(([find = '', text = '']) => (text.includes(find) ? find : '')),
  filter: eager(([patterns = '', text = '']) =>
    words(text)
      .filter((w) => words(patterns).some((p) => matchPattern(p, w) !== undefined))
      .join(' '),
  ),
  'filter-out': eager(([patterns = '', text = '']) =>
    words(text)
      .filter((w) => !words(patterns).some((p) => matchPattern(p, w) !== undefined))
      .join(' '),
  ),
  sort: eager(([text = '']) => [...new Set(words(text))].sort().join(' ')),
  word: eager(([n = '', text = '']) => words(text)[Number(n.trim()) - 1] ?? ''),
  wordlist: eager(([s = '', e = '', text = '']) =>
    words(text)
      .slice(Number(s.trim()) - 1, Number(e.trim()))
      .join(' '),
  ),
  words: eager(([text = '']) => String(words(text).length)),
  firstword: eager(([text = '']) => words(text)[0] ?? ''),
  lastword: eager(([text = '']) => words(text).at(-1) ?? ''),
  dir: eager(([text = '']) =>
    words(text)
      .map((w) => (w.includes('/') ? w.slice(0, w.lastIndexOf('/') + 1) : './'))
      .join(' '),
  ),
  notdir: eager(([text = '']) =>
    words(text)
      .map((w) => w.slice(w.lastIndexOf('/') + 1))
      .join(' '),
  ),
  suffix: eager(([text = '']) =>
    words(text)
      .flatMap((w) => {
        const m = /\.[^./]*$/.exec(w);
        return m ? [m[0]] : [];
      })
      .join(' '),
  ),
  basename: eager(([text = '']) =>
    words(text)
      .map((w) => w.replace(/\.[^./]*$/, ''))
      .join(' '),
  ),
  addsuffix: eager(([suffix = '', text = '']) =>
    words(text)
      .map((w) => w + suffix)
      .join(' '),
  ),
  addprefix: eager(([prefix = '', text = '']) =>
    words(text)
      .map((w) => prefix + w)
      .join(' '),
  ),
  join: eager(([a = '', b = '']) => {
    const x = words(a);
    const y = words(b);
    return Array.from({ length: Math.max(x.length, y.length) }, (_, k) => (x[k] ?? '') + (y[k] ?? '')).join(' ');
  }),
  abspath: eager(([text = ''], scope) =>
    words(text)
      .map((w) => (w.startsWith('/') ? path.normalize(w) : path.join(scope.imageDir, w)))
      .join(' '),
  ),
  realpath: eager(([text = ''], scope) =>
    words(text)
      .map((w) => (w.startsWith('/') ? path.normalize(w) : path.join(scope.imageDir, w)))
      .join(' '),
  ),
  wildcard: eager(([text = ''], scope) => {
    const files = scope.files();
    if (!files) return UNKNOWN;
    return words(text)
      .flatMap((pattern) => globFiles(pattern, scope.cwd, files, scope.imageDir))
      .join(' ');
  }),
  // What a command prints is unknown; the words around it are still read.
  // `$(shell which go)` and its kin print where a program is on PATH: that program, by name.
  shell: eager(([command = ''], scope) => {
    if (scope.shell) return scope.shell(command.trim());
    const lookup = /^\s*(?:which|command\s+-v|type\s+-[pP])\s+([\w.+-]+)\s*(?:2>\s*\/dev\/null)?\s*$/.exec(command);
    return lookup ? lookup[1]! : UNKNOWN;
  }),
  // `$(file <name)` reads a file: its content is not something the reader models.
  file: () => UNKNOWN,
  info: () => '',
  warning: () => '',
  error: () => '',
  origin: eager(([name = ''], scope) => scope.lookup(name.trim())?.origin ?? 'undefined'),
  flavor: eager(([name = ''], scope) => scope.lookup(name.trim())?.flavor ?? 'undefined'),
  value: eager(([name = ''], scope) => scope.lookup(name.trim())?.value ?? ''),
  if: ([condition = '', then = '', ...otherwise], scope, depth) =>
    nonEmpty(expand(condition, scope, depth + 1)) ? expand(then, scope, depth + 1) : expand(otherwise.join(','), scope, depth + 1),
  or: (args, scope, depth) => {
    for (const a of args) {
      const v = expand(a, scope, depth + 1);
      if (nonEmpty(v)) return v;
    }
    return '';
  },
  and: (args, scope, depth) => {
    let v = '';
    for (const a of args) {
      v = expand(a, scope, depth + 1);
      if (!nonEmpty(v)) return '';
    }
    return v;
  },
  foreach: ([name = '', list = '', ...body], scope, depth) => {
    const variable = expand(name, scope, depth + 1).trim();
    const text = body.join(',');
    return words(expand(list, scope, depth + 1))
      .map((w) => expand(text, bind(scope, new Map([[variable, { value: w, flavor: 'simple', origin: 'automatic' }]])), depth + 1))
      .join(' ');
  },
  call: ([name = '', ...params], scope, depth) => {
    const fn = expand(name, scope, depth + 1).trim();
    const bound = new Map<string, Variable>([['0', { value: fn, flavor: 'simple', origin: 'automatic' }]]);
    for (const [k, p] of params.entries()) bound.set(String(k + 1), { value: expand(p, scope, depth + 1), flavor: 'simple', origin: 'automatic' });
    // Parameters beyond those given are empty, not the caller's $(1).
    for (let k = params.length + 1; k <= 9; k++) bound.set(String(k), { value: '', flavor: 'simple', origin: 'automatic' });
    const v = scope.lookup(fn);
    if (!v) return '';
    return v.flavor === 'recursive' ? expand(v.value, bind(scope, bound), depth + 1) : v.value;
  },
  eval: ([text = '', ...rest], scope, depth) => {
    scope.evaluate(expand([text, ...rest].join(','), scope, depth + 1));
    return '';
  },
};

/** Where a path make names lies in the build context: relative to make's directory, or absolute under its image directory. */
export function contextPathOf(file: string, cwd: string, imageDir: string): string | undefined {
  if (file.startsWith('/')) {
    const rel = path.relative(imageDir, file);
    if (rel.startsWith('..')) return undefined;
    return path.normalize(path.join(cwd, rel)).replace(/^\.\/?$/, '');
  }
  return path.normalize(path.join(cwd, file)).replace(/^\.\/?$/, '');
}

/** The context's files (and directories) matching a make glob, written as the pattern writes them. */
export function globFiles(pattern: string, cwd: string, files: readonly string[], imageDir = path.join('/', cwd)): string[] {
  const full = contextPathOf(pattern.replace(/\/$/, ''), cwd, imageDir);
  if (full === undefined) return [];
  const trailing = pattern.endsWith('/') ? '/' : '';
  // Matches are written as the pattern is: absolute, `./`-prefixed or plain.
  const written = (match: string): string => {
    const rel = cwd === '' ? match : path.relative(cwd, match);
    return (pattern.startsWith('/') ? path.join(imageDir, rel) : pattern.startsWith('./') ? `./${rel}` : rel) + trailing;
  };
  if (!/[*?[]/.test(pattern)) return files.some((f) => f === full || f.startsWith(`${full}/`)) ? [pattern] : [];
  const re = globRegExp(full);
  const matches = new Set<string>();
  const depth = full.split('/').length;
  for (const file of files) {
    // A glob matches directories too: every prefix of a file path is a directory.
    const parts = file.split('/');
    if (parts.length < depth || (trailing && parts.length === depth)) continue;
    const candidate = parts.slice(0, depth).join('/');
    if (re.test(candidate)) matches.add(candidate);
  }
  return [...matches].sort().map(written);
}
