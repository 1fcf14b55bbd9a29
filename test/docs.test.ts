import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withRuleHeader, withRulesTable } from '../src/rules/docs.js';
import { rules } from '../src/rules/index.js';

const ROOT = path.join(import.meta.dirname, '..');
const read = (...parts: string[]): string => readFileSync(path.join(ROOT, ...parts), 'utf8');

describe('generated docs (`npm run docs` rewrites them)', () => {
  it("README's rules table matches the rules' meta", () => {
    const readme = read('README.md');
    expect(readme, 'README.md rules table drifted from meta: run `npm run docs`').toBe(withRulesTable(readme, rules));
  });

  for (const rule of rules) {
    it(`${rule.name}'s README header matches its meta`, () => {
      const readme = read('src', 'rules', rule.name, 'README.md');
      expect(readme, `src/rules/${rule.name}/README.md header drifted from meta: run \`npm run docs\``).toBe(withRuleHeader(readme, rule));
    });
  }

  it('a changed severity is drift', () => {
    const [rule] = rules;
    const readme = read('README.md');
    const changed = { ...rule!, meta: { ...rule!.meta, severity: 'error' as const } };
    expect(withRulesTable(readme, [changed, ...rules.slice(1)])).not.toBe(readme);
    const own = read('src', 'rules', rule!.name, 'README.md');
    expect(withRuleHeader(own, changed)).not.toBe(own);
  });
});

describe('published declarations', () => {
  it('no JSDoc comment is followed by a blank line: a file header written as JSDoc would attach to the first export in the .d.ts', () => {
    const sources = (readdirSync(path.join(ROOT, 'src'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    const detached = sources.flatMap((file) => {
      const text = read('src', file);
      return [...text.matchAll(/\/\*\*(?:(?!\*\/)[\s\S])*\*\/\n[ \t]*\n/g)].map((m) => `src/${file}:${text.slice(0, m.index).split('\n').length}`);
    });
    expect(detached, 'write file headers as // comments').toEqual([]);
  });
});
