import { helpUri } from '../../reporters/machine.js';
import { rules as allRules } from '../../rules/index.js';
import { oneOf, parse, type Command } from '../io.js';

export const rules: Command = async (argv, io) => {
  const { values } = parse(argv, { format: { type: 'string', short: 'f' } });
  const format = oneOf('format', values.format, ['text', 'json'], 'text');
  if (format === 'json') {
    const catalogue = allRules.map((r) => ({ name: r.name, code: r.code, severity: r.meta.severity, fixable: r.meta.fixable, description: r.meta.description, docs: helpUri(r.name) }));
    io.stdout(`${JSON.stringify({ version: 1, rules: catalogue }, null, 2)}\n`);
    return 0;
  }
  for (const r of allRules) io.stdout(`${r.code}  ${r.name.padEnd(26)} ${r.meta.severity.padEnd(8)} ${(r.meta.fixable ?? '-').padEnd(19)} ${r.meta.description}\n`);
  return 0;
};
