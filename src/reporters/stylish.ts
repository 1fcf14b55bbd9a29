import type { FileResult } from '../results.js';
import { ruleDocsUrl } from '../rules/define.js';

export interface StylishOptions {
  color?: boolean;
}

const COLORS = { error: '\u001b[31m', warning: '\u001b[33m', info: '\u001b[36m', dim: '\u001b[2m', reset: '\u001b[0m' };

/** Human output grouped by file, like ESLint's stylish. */
export function stylish(results: readonly FileResult[], options: StylishOptions = {}): string {
  const paint = (color: keyof typeof COLORS, text: string): string => (options.color ? `${COLORS[color]}${text}${COLORS.reset}` : text);
  const out: string[] = [];
  let findings = 0;
  let fixable = 0;
  for (const result of results) {
    if (result.error) {
      out.push(`${result.path}`, `  ${paint('error', 'error')}  ${result.error}`, '');
      continue;
    }
    if (result.findings.length === 0) continue;
    out.push(result.context === undefined ? result.path : `${result.path} ${paint('dim', `(build context: ${result.context})`)}`);
    for (const f of result.findings) {
      findings++;
      if (f.fix) fixable++;
      const fix = f.fix === 'safe' ? ' [fix]' : f.fix === 'suggestion' ? ' [suggestion]' : '';
      out.push(`  ${`${f.line}:${f.column}`.padEnd(7)} ${paint(f.severity, f.severity.padEnd(7))} ${f.message}  ${paint('dim', `${f.rule} ${f.code}${fix}`)}`);
    }
    out.push('');
  }
  const errors = results.filter((r) => r.error).length;
  const files = `${results.length} file${results.length === 1 ? '' : 's'}`;
  if (findings === 0 && errors === 0) return `no findings in ${files}\n`;
  const ruleNames = [...new Set(results.flatMap((r) => r.findings.map((f) => f.rule)))].sort();
  for (const name of ruleNames) out.push(`${paint('dim', `${name}:`)} ${ruleDocsUrl(name)}`);
  if (ruleNames.length > 0) out.push('');
  const parts = [`${findings} finding${findings === 1 ? '' : 's'} in ${results.filter((r) => r.findings.length > 0).length} of ${files}`];
  if (fixable > 0) parts.push(`${fixable} fixable with \`warmbuild fix\` (suggestions need --unsafe)`);
  if (errors > 0) parts.push(`${errors} file${errors === 1 ? '' : 's'} could not be checked`);
  out.push(parts.join('; '));
  return `${out.join('\n')}\n`;
}
