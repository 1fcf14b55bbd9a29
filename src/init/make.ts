import { runMake } from '../make/reader.js';
import { analyzeScript, lexShell } from '../model/shell.js';

// What `make TARGET` passes to `go build`, for init to carry over: the one place init reads Makefiles.
// The reading is src/make's, as for `check`; init has it keep `$(shell ...)` values as markers (see
// `shellValue`), because only the build can run them and init makes them build args. Pure.

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
  const run = (goals: readonly string[]) =>
    runMake(
      {
        dir: '',
        makefiles: ['Makefile'],
        goals: [...goals],
        overrides: options.overrides ?? {},
        environment: env,
        shell: (command, variable) => shellValue(variable, command),
      },
      { read: (file) => (file === 'Makefile' ? text : undefined), files: () => undefined },
    );
  const read = run([]);
  const targets = options.targets ?? read.targets.filter((t) => !t.startsWith('.') && !t.includes('%') && !t.includes(MARK_OPEN));
  const builds: MakeGoBuild[] = [];
  for (const target of targets) {
    // `$(MAKE) other` in a recipe runs other's recipes too, in the same environment.
    const seen = new Set<string>();
    const visit = (goal: string): void => {
      if (seen.has(goal)) return;
      seen.add(goal);
      for (const command of run([goal]).commands) {
        const analysis = analyzeScript(lexShell(command.script, null));
        for (const go of analysis.go) {
          if (go.subcommand !== 'build' && go.subcommand !== 'install') continue;
          builds.push({ target, env: { ...env, ...command.env, ...go.command.env }, args: go.args.map((a) => a.value) });
        }
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
    visit(target);
  }
  const origins = Object.fromEntries(Object.entries(read.assignedAt).map(([name, line]) => [name, { line }]));
  return { builds, ...(read.defaultGoal ? { defaultTarget: read.defaultGoal } : {}), origins };
}
