import { InputError } from '../errors.js';
import { type GoVersion, minorOf, parseGoVersion } from './version.js';

// A go.mod or go.work file: what the build needs to know of it. Pure.

export interface Replace {
  oldPath: string;
  /** A module path, or a local directory (starting with ./ or ../ or /). */
  newPath: string;
  local: boolean;
  line: number;
}

export interface GoModFile {
  module?: string;
  /** Line of the module directive. */
  moduleLine?: number;
  go?: string;
  toolchain?: string;
  requires: { path: string; version: string }[];
  replaces: Replace[];
  /** go.work `use` directories. */
  uses: { dir: string; line: number }[];
}

const MOD_VERBS = new Set(['module', 'go', 'toolchain', 'require', 'replace', 'exclude', 'retract', 'godebug', 'tool', 'ignore']);
const WORK_VERBS = new Set(['go', 'toolchain', 'use', 'replace', 'godebug']);

function unquote(literal: string, file: string, lineNo: number): string {
  try {
    return JSON.parse(literal) as string;
  } catch {
    throw new InputError(file, lineNo, `invalid quoted string ${literal}`);
  }
}

/** Splits a line into tokens: bare words, "quoted" and `raw` strings, and `=>`; comments dropped. */
function tokens(line: string, file: string, lineNo: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
    } else if (line.startsWith('//', i)) {
      break;
    } else if (ch === '"' || ch === '`') {
      const end = line.indexOf(ch, i + 1);
      if (end < 0) throw new InputError(file, lineNo, 'unterminated quoted string');
      out.push(ch === '"' ? unquote(line.slice(i, end + 1), file, lineNo) : line.slice(i + 1, end));
      i = end + 1;
    } else if (line.startsWith('=>', i)) {
      out.push('=>');
      i += 2;
    } else if (ch === '(' || ch === ')') {
      out.push(ch);
      i++;
    } else {
      let j = i;
      while (j < line.length && !' \t\r"`()'.includes(line[j]!) && !line.startsWith('//', j) && !line.startsWith('=>', j)) j++;
      out.push(line.slice(i, j));
      i = j;
    }
  }
  return out;
}

/** A value as Go quotes it in messages, with control characters escaped: the message stays one line. */
export function quoted(value: string): string {
  return `'${JSON.stringify(value).slice(1, -1).replace(/'/g, "\\'")}'`;
}

/**
 * Why Go would refuse a module path, or undefined: elements of ASCII letters, digits and `-._~+`,
 * none empty or starting with a dot. Go's rule, and also what keeps a path from breaking the
 * Dockerfile it is written into (a quoted `"a\nRUN x"` would otherwise inject a line).
 */
export function modulePathProblem(modulePath: string): string | undefined {
  const bad = /[^A-Za-z0-9\-._~+/]/.exec(modulePath);
  if (bad) return `invalid char ${quoted(bad[0])}`;
  for (const element of modulePath.split('/')) {
    if (element === '') return modulePath === '' ? 'empty path' : 'empty path element';
    if (element.startsWith('.')) return 'leading dot in path element';
    if (element.endsWith('.')) return 'trailing dot in path element';
  }
  return undefined;
}

export function isLocalPath(p: string): boolean {
  return p.startsWith('./') || p.startsWith('../') || p === '.' || p === '..' || p.startsWith('/');
}

/** Parses go.mod (`kind: 'mod'`) or go.work (`kind: 'work'`); syntax errors are InputErrors with file:line. */
export function parseGoMod(text: string, file: string, kind: 'mod' | 'work' = 'mod'): GoModFile {
  const verbs = kind === 'mod' ? MOD_VERBS : WORK_VERBS;
  const result: GoModFile = { requires: [], replaces: [], uses: [] };
  const lines = text.split('\n');
  let block: { verb: string; line: number } | undefined;
  const apply = (verb: string, args: string[], lineNo: number): void => {
    const need = (n: number, what: string): void => {
      if (args.length < n) throw new InputError(file, lineNo, `usage: ${verb} ${what}`);
    };
    switch (verb) {
      case 'module':
        need(1, 'module/path');
        {
          const problem = modulePathProblem(args[0]!);
          if (problem) throw new InputError(file, lineNo, `malformed module path ${quoted(args[0]!)}: ${problem}`);
        }
        result.module = args[0];
        result.moduleLine = lineNo;
        break;
      case 'go':
        need(1, '1.23');
        if (!/^\d+\.\d+(\.\d+)?((rc|beta)\d+)?$/.test(args[0]!))
          throw new InputError(file, lineNo, `invalid go version ${quoted(args[0]!)}: must match format 1.23.0`);
        result.go = args[0];
        break;
      case 'toolchain':
        need(1, 'go1.23.0');
        if (!/^go\d+\.\d+(\.\d+)?((rc|beta)\d+)?(-[\w.+-]+)?$/.test(args[0]!) && args[0] !== 'default')
          throw new InputError(file, lineNo, `invalid toolchain ${quoted(args[0]!)}: must be like go1.23.0`);
        result.toolchain = args[0];
        break;
      case 'require':
        need(2, 'module/path v1.2.3');
        result.requires.push({ path: args[0]!, version: args[1]! });
        break;
      case 'replace': {
        const arrow = args.indexOf('=>');
        if (arrow < 1 || arrow === args.length - 1)
          throw new InputError(file, lineNo, 'usage: replace module/path [v1.2.3] => other/module v1.4 or local/directory');
        const newPath = args[arrow + 1]!;
        result.replaces.push({ oldPath: args[0]!, newPath, local: isLocalPath(newPath), line: lineNo });
        break;
      }
      case 'use':
        need(1, './dir');
        result.uses.push({ dir: args[0]!, line: lineNo });
        break;
    }
  };
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const t = tokens(raw, file, lineNo);
    if (t.length === 0) return;
    if (block) {
      if (t[0] === ')') {
        block = undefined;
        return;
      }
      apply(block.verb, t, lineNo);
      return;
    }
    const verb = t[0]!;
    if (!verbs.has(verb)) throw new InputError(file, lineNo, `unknown directive: ${verb}`);
    if (t[1] === '(') {
      if (t.length > 2) throw new InputError(file, lineNo, `unexpected text after ${verb} (`);
      block = { verb, line: lineNo };
      return;
    }
    apply(verb, t.slice(1), lineNo);
  });
  if (block) throw new InputError(file, block.line, `${block.verb} block is never closed with )`);
  if (kind === 'mod' && !result.module) throw new InputError(file, 1, 'no module directive');
  return result;
}

/** The Go version a go.mod or go.work asks for, and the directive that says it: the toolchain line wins. */
export function requiredGoVersion(mod: Pick<GoModFile, 'go' | 'toolchain'>): { version: GoVersion; directive: string } | undefined {
  if (mod.toolchain && mod.toolchain !== 'default') {
    const version = parseGoVersion(mod.toolchain);
    if (version) return { version, directive: `toolchain ${mod.toolchain}` };
  }
  const version = mod.go ? parseGoVersion(mod.go) : undefined;
  return version && { version, directive: `go ${mod.go}` };
}

/** `1.25` from `go 1.25.3` or `toolchain go1.25.3`: the toolchain line wins. */
export function goMinor(mod: Pick<GoModFile, 'go' | 'toolchain'>): string | undefined {
  const required = requiredGoVersion(mod);
  return required && minorOf(required.version);
}
