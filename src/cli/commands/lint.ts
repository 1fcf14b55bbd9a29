import { discoverDockerfiles } from '../../adapters/fs.js';
import { VERSION } from '../../adapters/package.js';
import { FAIL_LEVELS, isRuleSetting, RULE_SETTINGS } from '../../config.js';
import { UsageError } from '../../errors.js';
import type { RuleSetting } from '../../lint.js';
import { reporters } from '../../reporters/index.js';
import type { FileResult } from '../../results.js';
import { findRule, rules } from '../../rules/index.js';
import { checkFiles, exitCodeFor, fixFiles, type RunOptions } from '../../runner.js';
import { didYouMean } from '../../suggest.js';
import { defineCommand, type ExitCode, type OptionValues, oneOfMessage } from '../command.js';
import type { IO } from '../io.js';

const FORMATS = Object.keys(reporters);

const COMMON = {
  format: {
    type: 'string',
    short: 'f',
    valueName: 'FORMAT',
    choices: FORMATS,
    default: 'stylish',
    description: 'Output format: stylish for people, the others for CI and tools.',
    example: '--format sarif > warmbuild.sarif',
  },
  'fail-level': {
    type: 'string',
    valueName: 'LEVEL',
    choices: FAIL_LEVELS,
    description: 'Lowest severity that makes the exit code 1; default: failLevel of the config file, else warning.',
    example: '--fail-level error',
  },
  config: {
    type: 'string',
    short: 'c',
    valueName: 'FILE',
    description: "Config file to use instead of the nearest .warmbuild.json/.yaml/.yml in or above each Dockerfile's directory.",
  },
  rule: {
    type: 'list',
    valueName: 'NAME=SETTING',
    description: 'Severity of one rule, by name or code: off, error, warning or info; wins over the config file.',
    example: '--rule WB131=info --rule go-cache-locked=off',
  },
  context: {
    type: 'string',
    valueName: 'DIR',
    description:
      "Build context to read (Makefiles, scripts, go.mod, .dockerignore); default: the nearest directory holding go.mod, go.work or .git, from the Dockerfile's upwards.",
    example: '--context .',
  },
  'no-context': { type: 'boolean', description: 'Read no build context: the context-based checks are off.' },
  'stdin-filename': {
    type: 'string',
    valueName: 'PATH',
    description: 'With - as the path (standard input): the name to report it under, and where to look up its config and build context.',
    example: 'cat Dockerfile | warmbuild check - --stdin-filename deploy/Dockerfile',
  },
} as const;

const PATHS_DESCRIPTION = [
  'Paths are Dockerfiles or directories; no path means the current directory, and - reads standard input. Directories are searched for Dockerfile, Dockerfile.<suffix>, <name>.Dockerfile and Containerfile names (never source files such as dockerfile.go, never .git, node_modules, vendor or dist, and never a file without FROM).',
];

const STDIN = '-';

function runOptions(options: OptionValues<typeof COMMON>, texts: ReadonlyMap<string, string>, read: ReadonlyMap<string, string>): RunOptions {
  const ruleOverrides: Record<string, RuleSetting> = {};
  for (const spec of options.rule) {
    const [name = '', setting] = spec.split('=', 2);
    const rule = findRule(name);
    if (!rule)
      throw new UsageError(
        `--rule ${spec}: unknown rule "${name}"${didYouMean(
          name,
          rules.flatMap((r) => [r.name, r.code]),
        )} (see \`warmbuild rules\`)`,
      );
    if (setting === undefined || !isRuleSetting(setting))
      throw new UsageError(`--rule ${spec}: ${oneOfMessage('rule', setting ?? '', RULE_SETTINGS).replace(/^--rule /, 'the setting ')}`);
    ruleOverrides[rule.name] = setting;
  }
  if (options.context !== undefined && options['no-context']) throw new UsageError('--context and --no-context exclude each other');
  return {
    configPath: options.config,
    context: options['no-context'] ? false : options.context,
    ruleOverrides,
    failLevel: options['fail-level'],
    texts,
    read,
  };
}

/** The files to check, with standard input read under its name when `-` is one of the paths. */
async function inputs(
  positionals: readonly string[],
  options: OptionValues<typeof COMMON>,
  io: IO,
): Promise<{ files: string[]; texts: Map<string, string>; read: Map<string, string>; stdinName?: string; unreadable: FileResult[] }> {
  const texts = new Map<string, string>();
  const read = new Map<string, string>();
  if (options['stdin-filename'] !== undefined && !positionals.includes(STDIN))
    throw new UsageError('--stdin-filename names standard input: give - as the path');
  if (positionals.filter((p) => p === STDIN).length > 1) throw new UsageError('- (standard input) can be given once');
  const files: string[] = [];
  const unreadable: FileResult[] = [];
  let stdinName: string | undefined;
  for (const given of positionals.length > 0 ? positionals : ['.']) {
    if (given === STDIN) {
      stdinName = options['stdin-filename'] ?? '<stdin>';
      if (!io.readStdin) throw new UsageError('standard input is not available here');
      texts.set(stdinName, await io.readStdin());
      files.push(stdinName);
      continue;
    }
    const discovery = await discoverDockerfiles([given]);
    files.push(...discovery.files);
    for (const [file, text] of discovery.texts) read.set(file, text);
    for (const dir of discovery.unreadable) {
      unreadable.push({ path: dir.path, findings: [], error: `${dir.reason} (directory not searched)`, failLevel: options['fail-level'] ?? 'warning' });
    }
  }
  if (files.length === 0 && unreadable.length === 0)
    throw new UsageError(`no Dockerfile found in ${positionals.length > 0 ? positionals.join(', ') : 'the current directory'}`);
  return { files, texts, read, unreadable, ...(stdinName !== undefined ? { stdinName } : {}) };
}

function report(format: string, results: readonly FileResult[], color: boolean): string {
  return reporters[format]!(results, { color, toolVersion: VERSION });
}

export const check = defineCommand({
  name: 'check',
  summary: 'Report Go cache problems in Dockerfiles (and the private-module and multi-platform mistakes around them).',
  operands: '[paths...]',
  description: PATHS_DESCRIPTION,
  options: COMMON,
  examples: [
    'warmbuild check',
    'warmbuild check deploy/Dockerfile --context .',
    'warmbuild check --format github',
    'cat Dockerfile | warmbuild check - --stdin-filename Dockerfile',
  ],
  async run({ options, positionals, color }, io): Promise<ExitCode> {
    const { files, texts, read, unreadable } = await inputs(positionals, options, io);
    const results = [...(await checkFiles(files, runOptions(options, texts, read))), ...unreadable];
    io.stdout(report(options.format, results, color));
    return exitCodeFor(results);
  },
});

export const fix = defineCommand({
  name: 'fix',
  summary: 'Apply the safe fixes in place (atomically, byte-preserving); --unsafe adds the suggestions.',
  operands: '[paths...]',
  description: [
    ...PATHS_DESCRIPTION,
    'A file is rewritten only when something changes. Fixes that could change the image are suggestions, applied only with --unsafe. With - the fixed text goes to standard output and the findings to standard error.',
  ],
  options: {
    ...COMMON,
    unsafe: { type: 'boolean', description: 'Also apply suggestions: fixes that could change the image.' },
    'dry-run': { type: 'boolean', description: 'Print the changes as a unified diff and write nothing; exit 1 when there is something to change.' },
  },
  examples: ['warmbuild fix', 'warmbuild fix --dry-run examples/hello-world', 'warmbuild fix --unsafe deploy/Dockerfile'],
  async run({ options, positionals, color }, io): Promise<ExitCode> {
    const dryRun = options['dry-run'];
    const { files, texts, read, stdinName, unreadable } = await inputs(positionals, options, io);
    const results = [...(await fixFiles(files, { ...runOptions(options, texts, read), unsafe: options.unsafe, dryRun })), ...unreadable];
    const { createTwoFilesPatch } = dryRun ? await import('diff') : { createTwoFilesPatch: undefined };
    for (const result of results) {
      if (result.path === stdinName && !dryRun) {
        // A filter never loses its input: a text it cannot check comes out as it went in.
        io.stdout(result.source ?? texts.get(stdinName)!);
        continue;
      }
      // A file whose write failed has an error instead of a fix: it is not among the fixed.
      if (!result.fix?.changed || result.error) continue;
      if (dryRun) {
        io.stdout(
          createTwoFilesPatch!(`a/${result.path.replace(/^\//, '')}`, `b/${result.path.replace(/^\//, '')}`, result.fix.original, result.source!, '', '', {
            context: 3,
          }).replace(/^=+\n/, ''),
        );
      } else {
        io.stderr(`fixed ${result.path}: ${result.fix.applied} fix${result.fix.applied === 1 ? '' : 'es'}\n`);
      }
      if (result.fix.cycle) io.stderr(`${result.path}: fixes kept undoing each other; stopped after ${result.fix.passes} passes\n`);
    }
    // The diff, or standard input's fixed text, owns stdout; the remaining findings go to stderr.
    const text = report(options.format, results, color);
    if (dryRun || stdinName !== undefined) io.stderr(text);
    else io.stdout(text);
    const code = exitCodeFor(results);
    // As ruff --diff: a dry run that would change something fails, so CI can require fixed files.
    return code === 0 && dryRun && results.some((r) => r.fix?.changed) ? 1 : code;
  },
});
