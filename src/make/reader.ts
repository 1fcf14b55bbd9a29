import path from 'node:path/posix';
import { contextPathOf, expand, globFiles, matchingClose, matchPattern, type Origin, type Scope, UNKNOWN, type Variable, words } from './expand.js';
import { inList } from './glob.js';

// Reads Makefiles as GNU make reads them, and tells what `make GOALS` would run in a fresh build
// context: the recipes in the order make runs them, with the variables make exports. Pure: the
// files come from `MakeFiles`, nothing is executed. What only running something could tell
// (`$(shell …)`, file timestamps) is marked unknown, with the reason.

export interface MakeFiles {
  /** A context file's text (context-relative path); undefined when it is not in the context or not read. */
  read(file: string): string | undefined;
  /** All files of the context, context-relative; undefined when the context was not listed. */
  files(): readonly string[] | undefined;
}

export interface MakeRequest {
  /** The directory make runs in, relative to the build context ('' for its root). */
  dir: string;
  /** The same directory in the image (absolute), as $(CURDIR) and $(abspath) give it; default `/` + dir. */
  imageDir?: string;
  /** `-f FILE` arguments, relative to `dir`. */
  makefiles: string[];
  goals: string[];
  /** `VAR=value` arguments: they override the makefile's own assignments. */
  overrides: Record<string, string>;
  /** The environment make starts with; make imports it as variables. */
  environment: Record<string, string>;
  /**
   * What `$(shell COMMAND)` stands for instead of the UNKNOWN mark (init keeps the command, to make
   * it a build arg): `variable` names the variable whose whole value it is, '' inside other text.
   */
  shell?: (command: string, variable: string) => string;
}

export interface RecipeCommand {
  /** One recipe line's shell text, expanded, prefixes removed (the whole recipe under .ONESHELL). */
  script: string;
  /** What make puts in the recipe's environment beyond the environment it was started with. */
  env: Record<string, string>;
  /** The targets from the goal to the one this recipe belongs to. */
  targets: string[];
}

export interface MakeRun {
  commands: RecipeCommand[];
  /** The makefile read first, context-relative; undefined when none was found. */
  makefile: string | undefined;
  /** Why the reader could not see everything make would run. */
  unknown: string[];
  /** Context files the reader looked for and does not have: to be read, or missing. */
  wanted: string[];
  /** The reader needed the context's file list and did not have it. */
  wantsList: boolean;
  /** The targets of explicit rules, in the order read. */
  targets: string[];
  /** The goal a bare `make` builds. */
  defaultGoal: string | undefined;
  /** The line (1-based) of each variable's last assignment in the makefile read first. */
  assignedAt: Record<string, number>;
}

interface RecipeLine {
  text: string;
}

interface RuleEntry {
  prerequisites: string[];
  orderOnly: string[];
  recipe: RecipeLine[] | undefined;
  stem?: string;
}

interface PatternRule {
  targets: string[];
  prerequisites: string[];
  orderOnly: string[];
  recipe: RecipeLine[];
}

interface TargetVariable {
  target: string;
  name: string;
  op: string;
  value: string;
  override: boolean;
}

type Condition = 'true' | 'false' | 'unknown';

interface ConditionFrame {
  state: Condition;
  /** A branch of this conditional was certainly taken: the later ones are not. */
  taken: boolean;
  /** A branch with an unknown condition came before: later ones may be taken too. */
  maybe: boolean;
}

/** The files GNU make reads without -f, first found wins. */
export const MAKEFILE_NAMES: readonly string[] = ['GNUmakefile', 'makefile', 'Makefile'];
const MAX_INCLUDES = 200;

class MakeDatabase {
  readonly vars = new Map<string, Variable>();
  readonly explicit = new Map<string, { single: RuleEntry; double: RuleEntry[] }>();
  readonly patterns: PatternRule[] = [];
  readonly targetVars: TargetVariable[] = [];
  readonly phony = new Set<string>();
  readonly exported = new Set<string>();
  readonly unexported = new Set<string>();
  readonly unknown = new Set<string>();
  readonly wanted = new Set<string>();
  readonly readFiles: string[] = [];
  exportAll = false;
  oneshell = false;
  wantsList = false;
  /** Some rule's targets come from $(shell …): a goal without a rule may be one of them. */
  shellTargets = false;
  firstTarget: string | undefined;
  includes = 0;
  readonly assignedAt: Record<string, number> = {};

  readonly imageDir: string;

  constructor(
    readonly request: MakeRequest,
    readonly source: MakeFiles,
  ) {
    this.imageDir = request.imageDir ?? path.join('/', request.dir);
    for (const [name, value] of Object.entries(request.environment)) {
      if (name === 'SHELL' || name === 'MAKEFLAGS' || name === 'MFLAGS') continue;
      this.vars.set(name, { value, flavor: 'recursive', origin: 'environment' });
    }
    this.vars.set('MAKE', { value: 'make', flavor: 'simple', origin: 'file' });
    this.vars.set('CURDIR', { value: this.imageDir, flavor: 'simple', origin: 'file' });
    this.vars.set('SHELL', { value: '/bin/sh', flavor: 'simple', origin: 'file' });
    for (const [name, value] of Object.entries(request.overrides)) this.vars.set(name, { value, flavor: 'recursive', origin: 'command line' });
  }

  scope(lookup: (name: string) => Variable | undefined = (n) => this.vars.get(n)): Scope {
    return {
      lookup: (name) =>
        name === 'MAKEFILE_LIST' ? { value: this.readFiles.map((f) => this.relative(f)).join(' '), flavor: 'simple', origin: 'file' } : lookup(name),
      evaluate: (text) => this.readText(text),
      files: () => {
        const files = this.source.files();
        if (!files) this.wantsList = true;
        return files;
      },
      cwd: this.request.dir,
      imageDir: this.imageDir,
      unknown: (reason) => this.unknown.add(reason),
      ...(this.request.shell ? { shell: (command: string) => this.request.shell!(command, '') } : {}),
    };
  }

  expand(text: string): string {
    return expand(text, this.scope());
  }

  /** A context-relative path for a path make names relative to its directory. */
  contextPath(file: string): string {
    // An absolute path outside make's directory is not a context file; it keeps its name, which no context file has.
    return contextPathOf(file, this.request.dir, this.imageDir) ?? file;
  }

  relative(contextPath: string): string {
    return this.request.dir === '' ? contextPath : path.relative(this.request.dir, contextPath);
  }

  readFile(file: string, required: boolean): boolean {
    const full = this.contextPath(file);
    if (file.includes(UNKNOWN)) {
      if (required) this.unknown.add('$(shell …) names an included makefile');
      return false;
    }
    const text = this.source.read(full);
    if (text === undefined) {
      this.wanted.add(full);
      if (required) this.unknown.add(`${full} is not in the build context`);
      return false;
    }
    if (++this.includes > MAX_INCLUDES) return false;
    this.readFiles.push(full);
    this.readText(text, this.readFiles.length === 1);
    return true;
  }

  setVariable(name: string, op: string, value: string, origin: Origin): void {
    const raw = this.request.shell ? this.wholeShell(name, value) : value;
    const existing = this.vars.get(name);
    if (existing?.origin === 'command line' && origin !== 'override') return;
    if (existing?.origin === 'override' && origin !== 'override') return;
    const own = origin === 'override' ? 'override' : 'file';
    switch (op) {
      case '?=':
        if (!existing) this.vars.set(name, { value: raw, flavor: 'recursive', origin: own });
        return;
      case ':=':
      case '::=':
        this.vars.set(name, { value: this.expand(raw), flavor: 'simple', origin: own });
        return;
      case ':::=':
        this.vars.set(name, { value: this.expand(raw).replace(/\$/g, '$$$$'), flavor: 'recursive', origin: own });
        return;
      case '+=':
        if (!existing) this.vars.set(name, { value: raw, flavor: 'recursive', origin: own });
        else {
          const added = existing.flavor === 'simple' ? this.expand(raw) : raw;
          this.vars.set(name, {
            value: existing.value === '' ? added : `${existing.value} ${added}`,
            flavor: existing.flavor,
            origin: existing.origin === 'environment' ? own : existing.origin,
          });
        }
        return;
      case '!=':
        this.unknown.add(`${name} != (a shell command)`);
        this.vars.set(name, { value: UNKNOWN, flavor: 'simple', origin: own });
        return;
      default:
        this.vars.set(name, { value: raw, flavor: 'recursive', origin: own });
    }
  }

  /** A value that is one `$(shell COMMAND)` as the caller's stand-in, named after the variable; the command as written. */
  wholeShell(name: string, value: string): string {
    const text = value.trim();
    const shell = /^\$\(shell\s/.test(text) && matchingClose(text, 1) === text.length - 1;
    return shell ? this.request.shell!(text.slice(8, -1).trim(), name) : value;
  }

  /** Reads makefile text line by line, as make's reading phase does; `first`: the makefile read first, whose assignment lines are kept. */
  readText(text: string, first = false): void {
    const lines = text.split(/\r?\n/);
    const conditions: ConditionFrame[] = [];
    const active = (): boolean => conditions.every((c) => c.state !== 'false');
    let current: Array<RuleEntry | PatternRule> | undefined;
    let currentRecipe: RecipeLine[] | undefined;
    for (let i = 0; i < lines.length; i++) {
      const start = i;
      let raw = lines[i]!;
      if (raw.startsWith('\t') && current) {
        // A recipe line: continuations stay for the shell, each next line losing one leading tab.
        let body = raw.slice(1);
        while (endsWithContinuation(body) && i + 1 < lines.length) body += `\n${lines[++i]!.replace(/^\t/, '')}`;
        if (active()) {
          currentRecipe!.push({ text: body });
          for (const entry of current) if (entry.recipe !== currentRecipe) entry.recipe = currentRecipe;
        }
        continue;
      }
      while (endsWithContinuation(raw) && i + 1 < lines.length) raw = `${raw.slice(0, -1).replace(/\s+$/, '')} ${lines[++i]!.replace(/^\s+/, '')}`;
      // Trailing blanks stay in a variable's value, before a comment too; everything else is read trimmed.
      const uncommented = stripComment(raw).replace(/^\s+/, '');
      const line = uncommented.trimEnd();
      if (line === '') continue;
      const directive = /^(ifeq|ifneq|ifdef|ifndef|else|endif)(?=\s|$|\()\s*(.*)$/.exec(line);
      if (directive) {
        const [, word, rest] = directive as unknown as [string, string, string];
        if (word === 'endif') conditions.pop();
        else if (word === 'else') {
          const frame = conditions[conditions.length - 1];
          if (!frame) continue;
          if (frame.state === 'true') frame.taken = true;
          if (frame.state === 'unknown') frame.maybe = true;
          const chained = /^(ifeq|ifneq|ifdef|ifndef)(?=\s|\()\s*(.*)$/.exec(rest);
          const parentActive = conditions.slice(0, -1).every((c) => c.state !== 'false');
          if (frame.taken || !parentActive) frame.state = 'false';
          else {
            const state = chained ? this.condition(chained[1]!, chained[2]!) : 'true';
            frame.state = frame.maybe && state === 'true' ? 'unknown' : state;
          }
        } else conditions.push({ state: active() ? this.condition(word, rest) : 'false', taken: false, maybe: false });
        continue;
      }
      if (!active()) {
        // A define inside a false branch is skipped whole, so that its body is not read as lines.
        if (/^((override|export|private)\s+)*define(\s|$)/.test(line)) i = skipDefine(lines, i);
        continue;
      }
      const define = /^((?:(?:override|export|private)\s+)*)define\s+(\S+)\s*(\?=|:::=|::=|:=|\+=|!=|=)?\s*$/.exec(line);
      if (define) {
        const end = skipDefine(lines, i);
        const body = lines.slice(i + 1, end).join('\n');
        i = end;
        const name = this.expand(define[2]!);
        this.setVariable(name, define[3] ?? '=', body, /override/.test(define[1]!) ? 'override' : 'file');
        if (/export/.test(define[1]!)) this.exported.add(name);
        current = undefined;
        continue;
      }
      const include = /^(-include|sinclude|include)\s+(.*)$/.exec(line);
      if (include) {
        const required = include[1] === 'include';
        for (const name of words(this.expand(include[2]!))) {
          if (/[*?[]/.test(name)) {
            const files = this.scope().files();
            if (files) for (const match of globFiles(name, this.request.dir, files, this.imageDir)) this.readFile(match, required);
          } else this.readFile(name, required);
        }
        current = undefined;
        continue;
      }
      const exportOnly = /^(export|unexport)(?:\s+(.*))?$/.exec(line);
      if (exportOnly && !classifyAssignment(exportOnly[2] ?? '')) {
        const names = words(this.expand(exportOnly[2] ?? ''));
        if (names.length === 0) this.exportAll = exportOnly[1] === 'export';
        for (const name of names) (exportOnly[1] === 'export' ? this.exported : this.unexported).add(name);
        current = undefined;
        continue;
      }
      if (/^(vpath|undefine)(\s|$)/.test(line)) {
        const undefine = /^undefine\s+(.*)$/.exec(line);
        if (undefine) for (const name of words(this.expand(undefine[1]!))) this.vars.delete(name);
        current = undefined;
        continue;
      }
      const assignment = classifyAssignment(uncommented);
      if (assignment) {
        const name = this.expand(assignment.name).trim();
        this.setVariable(name, assignment.op, assignment.value, assignment.override ? 'override' : 'file');
        if (first) this.assignedAt[name] = start + 1;
        if (assignment.export) this.exported.add(name);
        current = undefined;
        continue;
      }
      const rule = this.readRule(line);
      if (rule) {
        current = rule.entries;
        currentRecipe = rule.recipe;
        continue;
      }
      // A line of functions, such as $(eval …) or $(foreach …), is read for its effect; what it gives is read as a line.
      const expanded = this.expand(line).trim();
      current = undefined;
      if (expanded !== '' && expanded !== line && !expanded.includes(UNKNOWN)) this.readText(expanded);
    }
  }

  condition(word: string, rest: string): Condition {
    if (word === 'ifdef' || word === 'ifndef') {
      const name = this.expand(rest).trim();
      if (name.includes(UNKNOWN)) return 'unknown';
      const v = this.vars.get(name);
      const defined = v !== undefined && v.value !== '';
      if (v?.value.includes(UNKNOWN) && v.flavor === 'simple') return 'unknown';
      return defined === (word === 'ifdef') ? 'true' : 'false';
    }
    const args = conditionArguments(rest);
    if (!args) return 'unknown';
    const a = this.expand(args[0]);
    const b = this.expand(args[1]);
    if (a.includes(UNKNOWN) || b.includes(UNKNOWN)) return 'unknown';
    return (a === b) === (word === 'ifeq') ? 'true' : 'false';
  }

  readRule(line: string): { entries: Array<RuleEntry | PatternRule>; recipe: RecipeLine[] } | undefined {
    const colon = topLevel(line, (c) => c === ':');
    if (colon < 0) return undefined;
    const double = line[colon + 1] === ':';
    const targets = words(this.expand(line.slice(0, colon))).map(targetName);
    let rest = line.slice(colon + (double ? 2 : 1));
    const recipe: RecipeLine[] = [];
    const semicolon = topLevel(rest, (c) => c === ';');
    if (semicolon >= 0) {
      recipe.push({ text: rest.slice(semicolon + 1).trim() });
      rest = rest.slice(0, semicolon);
    }
    if (targets.length === 0) return { entries: [], recipe };
    // A target named by $(shell …) is kept: a prerequisite written the same way expands to the same name.
    if (targets.some((t) => t.includes(UNKNOWN))) this.shellTargets = true;
    const targetVariable = classifyAssignment(rest.trim());
    if (targetVariable && semicolon < 0) {
      const name = this.expand(targetVariable.name).trim();
      const value = targetVariable.op === ':=' || targetVariable.op === '::=' ? this.expand(targetVariable.value) : targetVariable.value;
      for (const target of targets) this.targetVars.push({ target, name, op: targetVariable.op, value, override: targetVariable.override });
      if (targetVariable.export) this.exported.add(name);
      return { entries: [], recipe };
    }
    let targetPattern: string | undefined;
    const second = topLevel(rest, (c) => c === ':');
    if (second >= 0) {
      targetPattern = this.expand(rest.slice(0, second)).trim();
      rest = rest.slice(second + 1);
    }
    const [normal = '', orderOnly = ''] = this.expand(rest).split('|');
    const prerequisites = words(normal).map(targetName);
    const orderOnlyPrerequisites = words(orderOnly).map(targetName);
    const special = targets[0]!;
    if (special === '.PHONY') for (const p of prerequisites) this.phony.add(p);
    if (special === '.ONESHELL') this.oneshell = true;
    if (special === '.EXPORT_ALL_VARIABLES') this.exportAll = true;
    const entries: Array<RuleEntry | PatternRule> = [];
    if (targetPattern === undefined && targets.some((t) => t.includes('%'))) {
      const rule: PatternRule = { targets, prerequisites, orderOnly: orderOnlyPrerequisites, recipe };
      this.patterns.push(rule);
      return { entries: [rule], recipe };
    }
    for (const target of targets) {
      const stem = targetPattern === undefined ? undefined : matchPattern(targetPattern, target);
      const ownPrerequisites = stem === undefined ? prerequisites : prerequisites.map((p) => p.replace('%', stem));
      const ownOrderOnly = stem === undefined ? orderOnlyPrerequisites : orderOnlyPrerequisites.map((p) => p.replace('%', stem));
      let known = this.explicit.get(target);
      if (!known) {
        known = { single: { prerequisites: [], orderOnly: [], recipe: undefined }, double: [] };
        this.explicit.set(target, known);
      }
      let entry: RuleEntry;
      if (double) {
        entry = { prerequisites: ownPrerequisites, orderOnly: ownOrderOnly, recipe: undefined };
        known.double.push(entry);
      } else {
        entry = known.single;
        entry.prerequisites.push(...ownPrerequisites);
        entry.orderOnly.push(...ownOrderOnly);
      }
      if (stem !== undefined) entry.stem = stem;
      if (recipe.length > 0) entry.recipe = recipe;
      entries.push(entry);
      if (this.firstTarget === undefined && (!target.startsWith('.') || target.includes('/'))) this.firstTarget = target;
    }
    return { entries, recipe };
  }
}

/** Make names `./bin/app` and `bin/app` the same file. */
function targetName(word: string): string {
  let name = word;
  while (name.startsWith('./') && name.length > 2) name = name.slice(2);
  return name;
}

function endsWithContinuation(line: string): boolean {
  const m = /\\+$/.exec(line);
  return m !== null && m[0].length % 2 === 1;
}

/** The index of the `endef` closing the define at `start`, counting nested defines. */
function skipDefine(lines: readonly string[], start: number): number {
  let depth = 1;
  for (let i = start + 1; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (/^((override|export|private)\s+)*define(\s|$)/.test(t)) depth++;
    else if (/^endef(\s|$|#)/.test(t) && --depth === 0) return i;
  }
  return lines.length;
}

/** A line without its comment: `#` starts one outside variable references, unless escaped. */
function stripComment(line: string): string {
  if (!line.includes('#')) return line;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && line[i + 1] === '#') {
      out += '#';
      i++;
      continue;
    }
    if (c === '$' && (line[i + 1] === '(' || line[i + 1] === '{')) {
      const close = matchingClose(line, i + 1);
      if (close > 0) {
        out += line.slice(i, close + 1);
        i = close;
        continue;
      }
    }
    if (c === '#') break;
    out += c;
  }
  return out;
}

/** The first character outside `$(…)`/`${…}` for which `is` holds. */
function topLevel(text: string, is: (c: string) => boolean): number {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '$' && (text[i + 1] === '(' || text[i + 1] === '{')) {
      const close = matchingClose(text, i + 1);
      if (close > 0) {
        i = close;
        continue;
      }
    }
    if (c === '$') {
      i++;
      continue;
    }
    if (is(c)) return i;
  }
  return -1;
}

interface Assignment {
  name: string;
  op: string;
  value: string;
  override: boolean;
  export: boolean;
}

/** A variable assignment, told from a rule as make does: by whether `=` or `:` comes first. */
function classifyAssignment(line: string): Assignment | undefined {
  let rest = line;
  let override = false;
  let exported = false;
  for (;;) {
    const m = /^(override|export|private|unexport)\s+/.exec(rest);
    if (!m) break;
    if (m[1] === 'override') override = true;
    if (m[1] === 'export') exported = true;
    rest = rest.slice(m[0].length);
  }
  const at = topLevel(rest, (c) => c === '=' || c === ':');
  if (at < 0) return undefined;
  let op: string;
  let start = at;
  if (rest[at] === ':') {
    const m = /^:{1,3}=/.exec(rest.slice(at));
    if (!m) return undefined;
    op = m[0];
  } else {
    const before = rest[at - 1];
    if (before === '?' || before === '+' || before === '!') {
      op = `${before}=`;
      start = at - 1;
    } else op = '=';
  }
  const name = rest.slice(0, start).trim();
  if (name === '' || /\s/.test(name.replace(/\$\([^)]*\)|\$\{[^}]*\}/g, ''))) return undefined;
  return { name, op, value: rest.slice(start + op.length).replace(/^\s+/, ''), override, export: exported };
}

/** The two arguments of ifeq/ifneq, in `(a,b)`, `"a" "b"` or `'a' 'b'` form. */
function conditionArguments(rest: string): [string, string] | undefined {
  const text = rest.trim();
  if (text.startsWith('(')) {
    const close = matchingClose(text, 0);
    if (close < 0) return undefined;
    const inner = text.slice(1, close);
    const comma = topLevel(inner, (c) => c === ',');
    if (comma < 0) return undefined;
    return [inner.slice(0, comma).trim(), inner.slice(comma + 1).trim()];
  }
  const m = /^(["'])(.*?)\1\s+(["'])(.*?)\3\s*$/.exec(text);
  return m ? [m[2]!, m[4]!] : undefined;
}

/** What `make` run as `request` would run: the reading phase, then the goals, depth first. */
export function runMake(request: MakeRequest, source: MakeFiles): MakeRun {
  const db = new MakeDatabase(request, source);
  let makefile: string | undefined;
  if (request.makefiles.length > 0) {
    for (const name of request.makefiles) {
      if (db.readFile(name, true)) makefile ??= db.contextPath(name);
    }
  } else {
    // GNU make reads the first of GNUmakefile, makefile, Makefile that exists.
    for (const name of MAKEFILE_NAMES) {
      const full = db.contextPath(name);
      if (source.read(full) === undefined) {
        db.wanted.add(full);
        continue;
      }
      db.readFile(name, true);
      makefile = full;
      break;
    }
  }
  const commands: RecipeCommand[] = [];
  const result = (read: Pick<MakeRun, 'targets' | 'defaultGoal' | 'assignedAt'>): MakeRun => ({
    commands,
    makefile,
    unknown: [...db.unknown],
    wanted: [...db.wanted],
    wantsList: db.wantsList,
    ...read,
  });
  if (makefile === undefined) {
    if (request.makefiles.length === 0) db.unknown.add(`no Makefile in ${request.dir === '' ? 'the build context' : `${request.dir}/`}`);
    return result({ targets: [], defaultGoal: undefined, assignedAt: {} });
  }
  const defaultGoal = db.expand(db.vars.get('.DEFAULT_GOAL')?.value ?? '').trim() || db.firstTarget;
  const goals = (request.goals.length > 0 ? request.goals : defaultGoal ? [defaultGoal] : []).map(targetName).flatMap((goal) => {
    if (!goal.includes(UNKNOWN)) return [goal];
    // A goal a build arg names (`make build.$ARCH`) is one of the targets it can match: all of them are read.
    const pattern = new RegExp(
      `^${goal
        .split(UNKNOWN)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.+')}$`,
    );
    const matches = [...db.explicit.keys()].filter((t) => pattern.test(t));
    if (matches.length === 0) db.unknown.add(`a build argument without a default names the target ${goal.replaceAll(UNKNOWN, '…')}`);
    return matches;
  });
  if (goals.length === 0 && request.goals.length === 0) db.unknown.add('the Makefile has no target');
  new Runner(db, commands).run(goals);
  return result({ targets: [...db.explicit.keys()], defaultGoal, assignedAt: db.assignedAt });
}

interface Plan {
  /** A double-colon rule without prerequisites runs even when its target exists. */
  doubleColon?: boolean;
  prerequisites: string[];
  orderOnly: string[];
  recipe: RecipeLine[] | undefined;
  stem: string;
}

class Runner {
  private readonly built = new Set<string>();

  constructor(
    private readonly db: MakeDatabase,
    private readonly commands: RecipeCommand[],
  ) {}

  run(goals: readonly string[]): void {
    for (const goal of goals) this.visit(goal, [], new Map());
  }

  private exists(target: string): boolean | undefined {
    const files = this.db.scope().files();
    if (!files) return undefined;
    return inList(files, this.db.contextPath(target));
  }

  /** The rules make would use for `target`: its explicit rules, or the first pattern rule that applies. */
  private plans(target: string): Plan[] | undefined {
    const known = this.db.explicit.get(target) ?? this.shellNamed(target);
    if (known && known.double.length > 0)
      return known.double.map((e) => ({ doubleColon: true, prerequisites: e.prerequisites, orderOnly: e.orderOnly, recipe: e.recipe, stem: e.stem ?? '' }));
    const single = known?.single;
    if (single?.recipe) return [{ prerequisites: single.prerequisites, orderOnly: single.orderOnly, recipe: single.recipe, stem: single.stem ?? '' }];
    const pattern = this.patternFor(target);
    if (pattern)
      return [
        {
          ...pattern,
          prerequisites: [...(single?.prerequisites ?? []), ...pattern.prerequisites],
          orderOnly: [...(single?.orderOnly ?? []), ...pattern.orderOnly],
        },
      ];
    if (single) return [{ prerequisites: single.prerequisites, orderOnly: single.orderOnly, recipe: undefined, stem: single.stem ?? '' }];
    return undefined;
  }

  /** The rule of a target whose name $(shell …) completes (`bin/app$(shell go env GOEXE)`) that `target` can be. */
  private shellNamed(target: string): { single: RuleEntry; double: RuleEntry[] } | undefined {
    if (!this.db.shellTargets) return undefined;
    for (const [name, rules] of this.db.explicit) {
      // A name that is all $(shell …) could be anything: only one with a written part is matched.
      if (!name.includes(UNKNOWN) || name.replaceAll(UNKNOWN, '') === '') continue;
      const pattern = new RegExp(
        `^${name
          .split(UNKNOWN)
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      );
      if (pattern.test(target)) return rules;
    }
    return undefined;
  }

  private patternFor(target: string): Plan | undefined {
    for (const rule of this.db.patterns) {
      for (const pattern of rule.targets) {
        const stem = matchPattern(pattern, target);
        if (stem === undefined || rule.recipe.length === 0) continue;
        const stemmed = (p: string): string => p.replace('%', stem);
        const prerequisites = rule.prerequisites.map(stemmed);
        // Make skips a pattern rule whose prerequisites neither exist nor can be made.
        if (prerequisites.every((p) => this.db.explicit.has(p) || this.exists(p) !== false)) {
          return { prerequisites, orderOnly: rule.orderOnly.map(stemmed), recipe: rule.recipe, stem };
        }
      }
    }
    return undefined;
  }

  private variablesFor(target: string, inherited: Map<string, Variable>): Map<string, Variable> {
    const own = new Map(inherited);
    for (const tv of this.db.targetVars) {
      if (matchPattern(tv.target, target) === undefined) continue;
      const global = own.get(tv.name) ?? this.db.vars.get(tv.name);
      if (global?.origin === 'command line' && !tv.override) continue;
      if (tv.op === '?=' && global) continue;
      if (tv.op === '+=' && global) own.set(tv.name, { value: `${global.value} ${tv.value}`, flavor: global.flavor, origin: 'file' });
      else own.set(tv.name, { value: tv.value, flavor: tv.op === ':=' || tv.op === '::=' ? 'simple' : 'recursive', origin: tv.override ? 'override' : 'file' });
    }
    return own;
  }

  private visit(target: string, chain: string[], inherited: Map<string, Variable>): void {
    if (this.built.has(target) || chain.length > 50) return;
    this.built.add(target);
    const plans = this.plans(target);
    const vars = this.variablesFor(target, inherited);
    const here = [...chain, target];
    if (!plans) {
      // Sources $(shell find …) lists are files make does not build.
      if (target.includes(UNKNOWN)) return;
      const exists = this.exists(target);
      // A prerequisite with no rule is a source file; make stops when it is missing.
      if (exists === false)
        this.db.unknown.add(this.db.shellTargets ? `$(shell …) names the targets, ${target} among them perhaps` : `no rule to make target ${target}`);
      return;
    }
    for (const plan of plans) {
      for (const p of [...plan.prerequisites, ...plan.orderOnly]) this.visit(p, here, vars);
      if (!plan.recipe || plan.recipe.length === 0) continue;
      // A target that exists and depends on nothing is up to date: make runs nothing for it.
      if (!plan.doubleColon && !this.db.phony.has(target) && plan.prerequisites.length === 0 && this.exists(target) === true) continue;
      this.runRecipe(target, here, plan, vars);
    }
  }

  private runRecipe(target: string, chain: string[], plan: Plan, vars: Map<string, Variable>): void {
    const db = this.db;
    const prerequisites = [...new Set(plan.prerequisites)];
    const automatic: Record<string, string> = {
      '@': target,
      '<': plan.prerequisites[0] ?? '',
      '^': prerequisites.join(' '),
      '+': plan.prerequisites.join(' '),
      '?': prerequisites.join(' '),
      '|': plan.orderOnly.join(' '),
      '*': plan.stem,
    };
    const lookup = (name: string): Variable | undefined => {
      const auto = /^([@<^+?|*])([DF]?)$/.exec(name);
      if (auto) {
        const value = automatic[auto[1]!]!;
        const part =
          auto[2] === 'D'
            ? words(value)
                .map((w) => path.dirname(w))
                .join(' ')
            : auto[2] === 'F'
              ? words(value)
                  .map((w) => path.basename(w))
                  .join(' ')
              : value;
        return { value: part, flavor: 'simple', origin: 'automatic' };
      }
      return vars.get(name) ?? db.vars.get(name);
    };
    const scope = db.scope(lookup);
    const env = this.exportedEnv(scope, lookup);
    const lines = plan.recipe!.flatMap((recipeLine) => splitRecipe(expand(recipeLine.text, scope)));
    const base = { env, targets: chain };
    if (db.oneshell && lines.length > 0) {
      this.commands.push({ ...base, script: lines.join('\n') });
      return;
    }
    for (const line of lines) if (line !== '') this.commands.push({ ...base, script: line });
  }

  /** The variables make exports to recipes whose values differ from the environment make started with. */
  private exportedEnv(scope: Scope, lookup: (name: string) => Variable | undefined): Record<string, string> {
    const db = this.db;
    const names = new Set<string>([...db.exported, ...Object.keys(db.request.overrides)]);
    for (const [name, v] of db.vars) if (v.origin === 'environment' || (db.exportAll && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name))) names.add(name);
    const env: Record<string, string> = {};
    for (const name of names) {
      if (db.unexported.has(name) || name === 'MAKE' || name === 'CURDIR' || name === 'SHELL') continue;
      const v = lookup(name);
      if (!v) continue;
      const value = v.flavor === 'recursive' ? expand(v.value, scope) : v.value;
      if (value.includes(UNKNOWN) || db.request.environment[name] === value) continue;
      env[name] = value;
    }
    return env;
  }
}

/** An expanded recipe line as make hands it to the shell: one per line of a canned recipe, without `@ - +`. */
function splitRecipe(text: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    current = current === '' ? line : `${current}\n${line}`;
    if (endsWithContinuation(line)) continue;
    out.push(current.replace(/^[\s@+-]+/, ''));
    current = '';
  }
  if (current !== '') out.push(current.replace(/^[\s@+-]+/, ''));
  return out;
}
