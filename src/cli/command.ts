import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import type { IO } from './io.js';

// Commands as data: each command is a descriptor whose options carry their type, description, default,
// allowed values and an example. The parser, the typed values a command receives, `--help` and the
// "did you mean" hints are all derived from it.

interface OptionBase {
  description: string;
  short?: string;
  /** A complete example of the option in use, shown in the help: `--rule WB131=info`. */
  example?: string;
}

export interface StringOption extends OptionBase {
  type: 'string';
  /** The value's name in the help: `--config FILE`. */
  valueName: string;
  default?: string;
  choices?: readonly string[];
}

export interface ListOption extends OptionBase {
  type: 'list';
  valueName: string;
  /** Each value must be one of these. */
  choices?: readonly string[];
  /** Values may also be given comma-separated in one argument. */
  commaSeparated?: boolean;
  default?: readonly string[];
}

export interface IntegerOption extends OptionBase {
  type: 'integer';
  valueName: string;
  default?: number;
  min?: number;
}

export interface BooleanOption extends OptionBase {
  type: 'boolean';
}

export type OptionSpec = StringOption | ListOption | IntegerOption | BooleanOption;
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** The parsed value of one option, as its spec types it. */
export type OptionValue<S extends OptionSpec> = S extends BooleanOption
  ? boolean
  : S extends ListOption
    ? S extends { choices: readonly (infer C)[] }
      ? C[]
      : string[]
    : S extends IntegerOption
      ? S extends { default: number }
        ? number
        : number | undefined
      : S extends { choices: readonly (infer C)[] }
        ? S extends { default: string }
          ? C
          : C | undefined
        : S extends { default: string }
          ? string
          : string | undefined;

export type OptionValues<O extends OptionSpecs> = { -readonly [K in keyof O]: OptionValue<O[K]> };

// 129, 130 and 143: stopped by SIGHUP, SIGINT or SIGTERM (128 + the signal), as shells report it.
export type ExitCode = 0 | 1 | 2 | 129 | 130 | 143;

export interface Invocation<O extends OptionSpecs> {
  options: OptionValues<O>;
  positionals: string[];
  /** The command line after the command name, for commands that parse it themselves. */
  argv: readonly string[];
  /** Whether output may be coloured (--color/--no-color, NO_COLOR, FORCE_COLOR, a terminal). */
  color: boolean;
}

export interface CommandDescriptor<O extends OptionSpecs = OptionSpecs> {
  name: string;
  summary: string;
  /** What follows the command name in the usage line: `[paths...]`. */
  operands: string;
  /** Paragraphs after the usage line. */
  description?: readonly string[];
  options: O;
  examples: readonly string[];
  run(invocation: Invocation<O>, io: IO): Promise<ExitCode>;
}

/** Keeps the option specs' literal types, so that `run` gets exactly typed values. */
export function defineCommand<const O extends OptionSpecs>(descriptor: CommandDescriptor<O>): CommandDescriptor<O> {
  return descriptor;
}

/** Options every command takes. */
export const GLOBAL_OPTIONS = {
  help: { type: 'boolean', short: 'h', description: 'Print this help.' },
  color: { type: 'boolean', description: 'Colour the output even when it is not a terminal (FORCE_COLOR=1 does the same).' },
  'no-color': { type: 'boolean', description: 'Never colour the output (NO_COLOR=1 does the same).' },
} as const satisfies OptionSpecs;

export function oneOfMessage(option: string, value: string, allowed: readonly string[]): string {
  return `--${option} must be one of ${allowed.join(', ')}, got "${value}"${didYouMean(value, allowed)}`;
}

/**
 * Parses a command line against the command's options and the global ones. node:util's tokenizer does
 * the splitting (`--name=value`, `-abc`, `--`); unknown options, missing values and values outside the
 * allowed ones are usage errors with a hint.
 */
export function parseCommandLine<O extends OptionSpecs>(
  command: CommandDescriptor<O>,
  argv: readonly string[],
): { options: OptionValues<O>; positionals: string[]; globals: OptionValues<typeof GLOBAL_OPTIONS> } {
  const specs: OptionSpecs = { ...command.options, ...GLOBAL_OPTIONS };
  const config = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [
      name,
      { type: spec.type === 'boolean' ? ('boolean' as const) : ('string' as const), multiple: true, ...(spec.short ? { short: spec.short } : {}) },
    ]),
  );
  const shorts = new Map(Object.entries(specs).flatMap(([name, spec]) => (spec.short ? [[spec.short, name] as const] : [])));
  const { tokens } = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: false, tokens: true });
  const given = new Map<string, string[]>();
  const flags = new Set<string>();
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const name = token.rawName.startsWith('--') ? token.name : (shorts.get(token.name) ?? token.name);
    const spec = specs[name];
    if (!spec)
      throw new UsageError(
        `${command.name}: unknown option ${token.rawName}${didYouMean(token.rawName.replace(/^-+/, ''), Object.keys(specs), (s) => `--${s}`)}`,
      );
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${command.name}: --${name} takes no value, got "${token.value}"`);
      flags.add(name);
    } else {
      if (token.value === undefined) throw new UsageError(`${command.name}: --${name} needs a value (${spec.valueName})`);
      given.set(name, [...(given.get(name) ?? []), token.value]);
    }
  }
  const values = (names: readonly string[]): Record<string, unknown> =>
    Object.fromEntries(names.map((name) => [name, convert(command.name, name, specs[name]!, flags.has(name) || given.get(name))]));
  return {
    options: values(Object.keys(command.options)) as OptionValues<O>,
    positionals,
    globals: values(Object.keys(GLOBAL_OPTIONS)) as OptionValues<typeof GLOBAL_OPTIONS>,
  };
}

/** An option's value from what the command line gave: `true` for a flag, the strings in order, or nothing. */
function convert(commandName: string, name: string, spec: OptionSpec, given: true | string[] | false | undefined): unknown {
  const prefix = `${commandName}: `;
  switch (spec.type) {
    case 'boolean':
      return given === true;
    case 'list': {
      const values = !Array.isArray(given)
        ? [...(spec.default ?? [])]
        : given.flatMap((v) =>
            spec.commaSeparated
              ? v
                  .split(',')
                  .map((s) => s.trim())
                  .filter(Boolean)
              : [v],
          );
      for (const value of values) if (spec.choices && !spec.choices.includes(value)) throw new UsageError(prefix + oneOfMessage(name, value, spec.choices));
      return values;
    }
    case 'integer': {
      const text = Array.isArray(given) ? given[given.length - 1]! : undefined;
      if (text === undefined) return spec.default;
      const value = Number(text);
      if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < (spec.min ?? -Infinity))
        throw new UsageError(`${prefix}--${name} must be an integer${spec.min !== undefined ? ` of at least ${spec.min}` : ''}, got "${text}"`);
      return value;
    }
    case 'string': {
      // The last occurrence wins, as in most CLIs.
      const value = Array.isArray(given) ? given[given.length - 1]! : spec.default;
      if (value !== undefined && spec.choices && !spec.choices.includes(value)) throw new UsageError(prefix + oneOfMessage(name, value, spec.choices));
      return value;
    }
  }
}

/** Whether to colour: --no-color and --color win, then NO_COLOR, then FORCE_COLOR, then whether stdout is a terminal. */
export function useColor(flags: { color: boolean; 'no-color': boolean }, env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  if (flags['no-color']) return false;
  if (flags.color) return true;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY;
}

function optionLabel(name: string, spec: OptionSpec): string {
  const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}`;
  return spec.type === 'boolean' ? flag : `${flag} ${spec.valueName}`;
}

function optionDetails(spec: OptionSpec): string {
  const parts = [spec.description];
  if ((spec.type === 'string' || spec.type === 'list') && spec.choices)
    parts.push(`One of: ${spec.choices.join(', ')}${spec.type === 'list' ? (spec.commaSeparated ? ' (comma-separated, or repeated)' : ' (repeatable)') : ''}.`);
  else if (spec.type === 'list') parts.push('Repeatable.');
  if (spec.type !== 'boolean' && spec.default !== undefined && !(Array.isArray(spec.default) && spec.default.length === 0))
    parts.push(`Default: ${Array.isArray(spec.default) ? spec.default.join(',') : String(spec.default)}.`);
  if (spec.example) parts.push(`Example: ${spec.example}`);
  return parts.join(' ');
}

/** Word-wraps `text` to `width` columns, indenting continuation lines by `indent`. */
function wrap(text: string, width: number, indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width - indent) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** `warmbuild <command> --help`, generated from the descriptor. */
export function renderHelp(command: CommandDescriptor, version: string): string {
  const out = [
    `warmbuild ${command.name} (${version}): ${command.summary}`,
    '',
    `Usage: warmbuild ${command.name} ${command.operands ? `${command.operands} ` : ''}[options]`,
  ];
  for (const paragraph of command.description ?? []) out.push('', wrap(paragraph, 100, 0));
  const entries = [...Object.entries(command.options), ...Object.entries(GLOBAL_OPTIONS)] as [string, OptionSpec][];
  const labels = entries.map(([name, spec]) => optionLabel(name, spec));
  const column = Math.min(34, Math.max(...labels.map((l) => l.length)) + 4);
  out.push('', 'Options:');
  entries.forEach(([, spec], i) => {
    const label = labels[i]!;
    const pad = label.length + 2 >= column ? `\n${' '.repeat(column)}` : ' '.repeat(column - label.length - 2);
    out.push(`  ${label}${pad}${wrap(optionDetails(spec), 100, column)}`);
  });
  if (command.examples.length > 0) out.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  out.push('', 'Exit codes: 0 clean, 1 findings at or above the fail level (or, for fix --dry-run, changes to make), 2 usage, config or input error.');
  return `${out.join('\n')}\n`;
}

/** `warmbuild --help`: one line per command. */
export function renderOverview(commands: readonly CommandDescriptor[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    `warmbuild ${version}: finds and fixes Go cache problems in Dockerfiles`,
    '',
    'Usage: warmbuild <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    "Run 'warmbuild help <command>' or 'warmbuild <command> --help' for a command's options; 'warmbuild --version' for the version.",
    '',
  ].join('\n');
}
