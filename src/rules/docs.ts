import type { Rule } from './types.js';

// The README's rules table and each rule README's header are rendered from the rules' meta:
// `npm run docs` writes them, and a test fails when a file drifts from what this renders.

const FIX_SHORT: Record<string, string> = { safe: 'safe', suggestion: 'suggestion', 'safe-or-suggestion': 'safe / suggestion' };
const FIX_LONG: Record<string, string> = { safe: 'safe', suggestion: 'suggestion', 'safe-or-suggestion': 'safe or a suggestion' };

function defaultSeverity(rule: Rule): string {
  return rule.meta.docs.severityNote ? `${rule.meta.severity} (${rule.meta.docs.severityNote})` : rule.meta.severity;
}

/** How an opt-in rule says it is off until configured. */
function optInNote(rule: Rule): string {
  return ` · **Off by default** (turn it on with \`--rule ${rule.code}=${rule.meta.severity}\` or \`rules: { ${rule.name}: ${rule.meta.severity} }\`)`;
}

/** The first lines of src/rules/<name>/README.md: title and the severity/fix line. */
export function ruleReadmeHeader(rule: Rule): string {
  const fix = rule.meta.docs.fix ?? (rule.meta.fixable ? FIX_LONG[rule.meta.fixable] : 'none');
  return `# ${rule.name} (${rule.code})\n\n**Default severity:** ${defaultSeverity(rule)}${rule.meta.optIn ? optInNote(rule) : ''} · **Fix:** ${fix}\n`;
}

export const RULES_TABLE_START = "<!-- rules table: generated from the rules' meta by `npm run docs` -->";
export const RULES_TABLE_END = '<!-- end of rules table -->';

/** The README's rules table, between its markers. */
export function rulesTable(rules: readonly Rule[]): string {
  const rows = rules.map((r) => {
    const fix = r.meta.fixable ? FIX_SHORT[r.meta.fixable] : '-';
    return `| ${r.code} | [${r.name}](src/rules/${r.name}/README.md) | ${r.meta.optIn ? `off (opt-in; ${defaultSeverity(r)})` : defaultSeverity(r)} | ${fix} | ${r.meta.docs.summary} |`;
  });
  return [RULES_TABLE_START, '| code | name | default | fix | what |', '|---|---|---|---|---|', ...rows, RULES_TABLE_END].join('\n');
}

/** `readme` with its rules table replaced by the one `rules` render. */
export function withRulesTable(readme: string, rules: readonly Rule[]): string {
  const start = readme.indexOf(RULES_TABLE_START);
  const end = readme.indexOf(RULES_TABLE_END);
  if (start < 0 || end < start) throw new Error('README.md has no rules table markers');
  return readme.slice(0, start) + rulesTable(rules) + readme.slice(end + RULES_TABLE_END.length);
}

/** A rule README with its header replaced by the one `rule`'s meta renders (everything up to the first blank line after the severity line). */
export function withRuleHeader(readme: string, rule: Rule): string {
  const severityLine = readme.indexOf('**Default severity:**');
  const end = severityLine < 0 ? -1 : readme.indexOf('\n', severityLine);
  const rest = end < 0 ? `\n${readme}` : readme.slice(end + 1);
  return ruleReadmeHeader(rule) + rest;
}
