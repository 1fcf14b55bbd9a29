import { createTwoFilesPatch } from 'diff';
import { discoverDockerfiles } from '../../adapters/fs.js';
import type { FailLevel } from '../../config.js';
import { UsageError } from '../../errors.js';
import type { RuleSetting } from '../../lint.js';
import { reporters } from '../../reporters/index.js';
import { findRule } from '../../rules/index.js';
import { checkFiles, exitCodeFor, fixFiles, type RunOptions } from '../../runner.js';
import { oneOf, parse, type Command } from '../io.js';

const COMMON = {
  format: { type: 'string', short: 'f' },
  'fail-level': { type: 'string' },
  config: { type: 'string', short: 'c' },
  rule: { type: 'string', multiple: true },
  context: { type: 'string' },
  'no-context': { type: 'boolean' },
} as const;

const FORMATS = Object.keys(reporters);
const FAIL_LEVELS: readonly FailLevel[] = ['error', 'warning', 'info', 'none'];
const SETTINGS: readonly RuleSetting[] = ['off', 'error', 'warning', 'info'];

function runOptions(values: Record<string, unknown>): RunOptions {
  const ruleOverrides: Record<string, RuleSetting> = {};
  for (const spec of (values.rule as string[] | undefined) ?? []) {
    const [name, setting] = spec.split('=');
    const rule = name ? findRule(name) : undefined;
    if (!rule) throw new UsageError(`--rule ${spec}: unknown rule "${name ?? ''}" (see \`warmbuild rules\`)`);
    ruleOverrides[rule.name] = oneOf('rule', setting, SETTINGS, 'warning');
  }
  if (values.context !== undefined && values['no-context']) throw new UsageError('--context and --no-context exclude each other');
  return {
    configPath: values.config as string | undefined,
    context: values['no-context'] ? false : (values.context as string | undefined),
    ruleOverrides,
    failLevel: values['fail-level'] === undefined ? undefined : oneOf('fail-level', values['fail-level'], FAIL_LEVELS, 'warning'),
  };
}

async function targets(positionals: string[]): Promise<string[]> {
  const files = await discoverDockerfiles(positionals.length > 0 ? positionals : ['.']);
  if (files.length === 0) throw new UsageError(`no Dockerfile found in ${positionals.length > 0 ? positionals.join(', ') : 'the current directory'}`);
  return files;
}

export const check: Command = async (argv, io) => {
  const { values, positionals } = parse(argv, COMMON);
  const format = oneOf('format', values.format, FORMATS, 'stylish');
  const results = await checkFiles(await targets(positionals), runOptions(values));
  io.stdout(reporters[format]!(results, { color: io.isTTY }));
  return exitCodeFor(results);
};

export const fix: Command = async (argv, io) => {
  const { values, positionals } = parse(argv, { ...COMMON, unsafe: { type: 'boolean' }, 'dry-run': { type: 'boolean' } });
  const format = oneOf('format', values.format, FORMATS, 'stylish');
  const dryRun = values['dry-run'] === true;
  const results = await fixFiles(await targets(positionals), { ...runOptions(values), unsafe: values.unsafe === true, dryRun });
  for (const result of results) {
    // A file whose write failed has an error instead of a fix: it is not among the fixed.
    if (!result.fix?.changed || result.error) continue;
    if (dryRun) {
      io.stdout(createTwoFilesPatch(`a/${result.path.replace(/^\//, '')}`, `b/${result.path.replace(/^\//, '')}`, result.fix.original, result.source!, '', '', { context: 3 }).replace(/^=+\n/, ''));
    } else {
      io.stderr(`fixed ${result.path}: ${result.fix.applied} fix${result.fix.applied === 1 ? '' : 'es'}\n`);
    }
    if (result.fix.cycle) io.stderr(`${result.path}: fixes kept undoing each other; stopped after ${result.fix.passes} passes\n`);
  }
  const report = reporters[format]!(results, { color: io.isTTY });
  // With --dry-run the diff owns stdout; the remaining findings go to stderr.
  if (dryRun) io.stderr(report);
  else io.stdout(report);
  return exitCodeFor(results);
};
