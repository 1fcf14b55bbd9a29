import { analyzeScript, type GoInvocation, lexShell } from '../model/shell.js';

// Reads Makefiles well enough to tell what `make TARGET` runs: rules, recipes, plainly defined
// variables (=, :=, ::=, ?=, +=), includes, prerequisites and recursive `$(MAKE) target`. Pure; it
// never executes anything. `$(shell ...)` and other functions stay unexpanded.

export interface Makefile {
  variables: Map<string, string>;
  rules: Map<string, { prerequisites: string[]; recipe: string[] }>;
  defaultTarget?: string;
  includes: string[];
}

export function parseMakefile(text: string, into?: Makefile): Makefile {
  const mk: Makefile = into ?? { variables: new Map(), rules: new Map(), includes: [] };
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  let current: string[] = [];
  for (const line of lines) {
    if (line.startsWith('\t')) {
      for (const target of current) mk.rules.get(target)?.recipe.push(line.slice(1));
      continue;
    }
    const stripped = line.replace(/(^|[^\\])#.*$/, '$1').trim();
    if (stripped === '') continue;
    const include = /^-?s?include\s+(.+)$/.exec(stripped);
    if (include) {
      mk.includes.push(...include[1]!.split(/\s+/));
      current = [];
      continue;
    }
    const assignment = /^(?:override\s+|export\s+)?([A-Za-z_][\w.-]*)\s*(\?=|:::=|::?=|\+=|=|!=)\s*(.*)$/.exec(stripped);
    if (assignment) {
      const [, name, op, value] = assignment;
      if (op === '?=' && mk.variables.has(name!)) continue;
      if (op === '!=') continue;
      mk.variables.set(name!, op === '+=' ? `${mk.variables.get(name!) ?? ''} ${value}`.trim() : value!);
      current = [];
      continue;
    }
    const rule = /^([^:=]+?)\s*::?\s*([^=]*)$/.exec(stripped);
    if (rule) {
      // Make expands target and prerequisite names as it reads the rule.
      const targets = expandMake(rule[1]!, mk).split(/\s+/).filter(Boolean);
      const [prereqPart, inline] = rule[2]!.split(';');
      for (const target of targets) {
        const existing = mk.rules.get(target) ?? { prerequisites: [], recipe: [] };
        existing.prerequisites.push(
          ...expandMake(prereqPart ?? '', mk)
            .split(/\s+/)
            .filter((p) => p && p !== '|'),
        );
        if (inline?.trim()) existing.recipe.push(inline.trim());
        mk.rules.set(target, existing);
        if (!mk.defaultTarget && !target.startsWith('.') && !target.includes('%')) mk.defaultTarget = target;
      }
      current = targets;
      continue;
    }
    current = [];
  }
  return mk;
}

export function expandMake(value: string, mk: Makefile, depth = 0): string {
  if (depth > 10) return value;
  return value.replace(/\$\(([A-Za-z_][\w.-]*)\)|\$\{([A-Za-z_][\w.-]*)\}|\$([A-Za-z_@<^])/g, (match, a?: string, b?: string, c?: string) => {
    const name = a ?? b ?? c!;
    if (name === 'MAKE') return 'make';
    const v = mk.variables.get(name);
    return v === undefined ? (c ? match : '') : expandMake(v, mk, depth + 1);
  });
}

export interface MakeAnalysis {
  go: GoInvocation[];
  /** Whether every target named was found. */
  resolved: boolean;
}

/** The Go commands that `make targets...` runs, following prerequisites and recursive make. */
export function goCommandsOfMake(mk: Makefile, targets: readonly string[]): MakeAnalysis {
  const go: GoInvocation[] = [];
  let resolved = true;
  const seen = new Set<string>();
  const visit = (target: string): void => {
    if (seen.has(target)) return;
    seen.add(target);
    const rule = mk.rules.get(target);
    if (!rule) {
      // A file target with no rule is a source, not a missing recipe.
      if (!/\.(go|mod|sum)$/.test(target) && !target.includes('/')) resolved = false;
      return;
    }
    for (const p of rule.prerequisites) visit(expandMake(p, mk));
    for (const line of rule.recipe) {
      const command = expandMake(line.replace(/^[@+-]+/, ''), mk);
      const analysis = analyzeScript(lexShell(command, null));
      go.push(...analysis.go);
      for (const opaque of analysis.opaque) {
        const argv = opaque.argv.map((w) => w.value);
        if (argv[0] === 'make' || argv[0]?.endsWith('/make'))
          argv
            .slice(1)
            .filter((a) => !a.startsWith('-') && !a.includes('='))
            .forEach(visit);
      }
    }
  };
  const wanted = targets.length > 0 ? targets : mk.defaultTarget ? [mk.defaultTarget] : [];
  if (wanted.length === 0) resolved = false;
  wanted.forEach(visit);
  return { go, resolved };
}
