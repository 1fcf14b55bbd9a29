import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema, parseConfig } from '../src/config.js';
import { checkText } from '../src/lint.js';
import { RULE_CLASS } from '../src/reporters/machine.js';
import { rules } from '../src/rules/index.js';

const RULES_DIR = path.join(import.meta.dirname, '..', 'src', 'rules');
const folders = readdirSync(RULES_DIR).filter((f) => statSync(path.join(RULES_DIR, f)).isDirectory());

describe('rule registry', () => {
  it('lists exactly the rule folders', () => {
    expect(rules.map((r) => r.name).sort()).toEqual([...folders].sort());
  });

  it('gives every rule, and only the rules, a report category', () => {
    expect(Object.keys(RULE_CLASS).sort()).toEqual(rules.map((r) => r.name).sort());
  });

  it('has unique, well-formed names and codes', () => {
    expect(new Set(rules.map((r) => r.code)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(rule.code).toMatch(/^WB\d{3}$/);
    }
  });

  for (const rule of rules) {
    it(`${rule.name} has its code, tests and docs with wrong and right examples`, () => {
      const dir = path.join(RULES_DIR, rule.name);
      expect(readdirSync(dir).sort()).toEqual(['README.md', 'index.test.ts', 'index.ts']);
      const docs = readFileSync(path.join(dir, 'README.md'), 'utf8');
      expect(docs).toContain(`# ${rule.name} (${rule.code})`);
      expect(docs).toMatch(/## Wrong\n\n```dockerfile\n[\s\S]+?```/);
      expect(docs).toMatch(/## Right\n\n```dockerfile\n[\s\S]+?```/);
      expect(docs).toContain(`**Default severity:** ${rule.meta.severity}`);
    });

    it(`${rule.name}: the docs' wrong example is flagged and the right one is not`, () => {
      const docs = readFileSync(path.join(RULES_DIR, rule.name, 'README.md'), 'utf8');
      const example = (heading: string): string => new RegExp(`## ${heading}\\n\\n\`\`\`dockerfile\\n([\\s\\S]+?)\`\`\``).exec(docs)![1]!;
      // A rule that needs the build context describes it in an HTML comment of its docs.
      const contextJson = /<!-- context: (.+) -->/.exec(docs)?.[1];
      const facts = contextJson ? { context: JSON.parse(contextJson) } : {};
      const on = rule.meta.optIn ? { [rule.name]: rule.meta.severity } : {};
      const own = (code: string): string[] =>
        checkText(code, { facts, rules: on })
          .filter((f) => f.rule === rule.name)
          .map((f) => f.rule);
      expect(own(example('Wrong')).length).toBeGreaterThan(0);
      expect(own(example('Right'))).toEqual([]);
    });

    it(`${rule.name}: the docs' right example is clean under every rule that runs by default`, () => {
      const docs = readFileSync(path.join(RULES_DIR, rule.name, 'README.md'), 'utf8');
      const right = /## Right\n\n```dockerfile\n([\s\S]+?)```/.exec(docs)![1]!;
      const contextJson = /<!-- context: (.+) -->/.exec(docs)?.[1];
      const facts = contextJson ? { context: JSON.parse(contextJson) } : {};
      const on = rule.meta.optIn ? { [rule.name]: rule.meta.severity } : {};
      expect(checkText(right, { facts, rules: on }).map((f) => `${f.code} ${f.line}:${f.column} ${f.message}`)).toEqual([]);
    });

    if (rule.meta.optIn) {
      it(`${rule.name} is off by default and its docs say so`, () => {
        const docs = readFileSync(path.join(RULES_DIR, rule.name, 'README.md'), 'utf8');
        expect(docs).toContain('**Off by default**');
        const wrong = /## Wrong\n\n```dockerfile\n([\s\S]+?)```/.exec(docs)![1]!;
        expect(checkText(wrong).filter((f) => f.rule === rule.name)).toEqual([]);
      });
    }
  }

  it('the shipped config schema is the one the registry generates (npm run schema rewrites it)', () => {
    const shipped = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'schema', 'warmbuild.schema.json'), 'utf8'));
    expect(shipped).toEqual(configSchema());
    const ruleKeys = Object.keys(shipped.properties.rules.properties);
    expect(ruleKeys.sort()).toEqual(rules.flatMap((r) => [r.name, r.code]).sort());
  });

  it('a config that names the schema is accepted, and every key the schema allows is one parseConfig knows', () => {
    const schema = configSchema() as { properties: Record<string, unknown> };
    const config = parseConfig(
      `{ "$schema": "./node_modules/warmbuild/schema/warmbuild.schema.json", "rules": { "WB131": "info" }, "failLevel": "error" }`,
      'x.json',
    );
    expect(config).toEqual({ rules: { 'cache-id-shared-across-projects': 'info' }, failLevel: 'error' });
    expect(Object.keys(schema.properties).sort()).toEqual(['$schema', 'failLevel', 'rules']);
  });
});
