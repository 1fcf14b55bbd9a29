import { UsageError } from '../../errors.js';
import { ruleDocsUrl } from '../../rules/define.js';
import { rules as allRules } from '../../rules/index.js';
import { defineCommand } from '../command.js';

export const rules = defineCommand({
  name: 'rules',
  summary: 'List the rules: code, name, default severity, fix kind, what each finds.',
  operands: '',
  options: {
    format: {
      type: 'string',
      short: 'f',
      valueName: 'FORMAT',
      choices: ['text', 'json'],
      default: 'text',
      description: 'Output format.',
      example: '--format json',
    },
  },
  examples: ['warmbuild rules', 'warmbuild rules --format json'],
  async run({ options, positionals }, io) {
    if (positionals.length > 0) throw new UsageError(`rules: unexpected argument "${positionals[0]}"`);
    const severity = (r: (typeof allRules)[number]): string => (r.meta.optIn ? `off (${r.meta.severity})` : r.meta.severity);
    if (options.format === 'json') {
      const catalogue = allRules.map((r) => ({
        name: r.name,
        code: r.code,
        severity: r.meta.severity,
        enabledByDefault: !r.meta.optIn,
        fixable: r.meta.fixable,
        description: r.meta.description,
        docs: ruleDocsUrl(r.name),
      }));
      io.stdout(`${JSON.stringify({ version: 1, rules: catalogue }, null, 2)}\n`);
      return 0;
    }
    for (const r of allRules)
      io.stdout(`${r.code}  ${r.name.padEnd(32)} ${severity(r).padEnd(11)} ${(r.meta.fixable ?? '-').padEnd(19)} ${r.meta.description}\n`);
    return 0;
  },
});
