import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeDockerfile, check as checkText, defineRule, fix as fixText, lintModel, parseDockerfile, RuleError } from '../src/index.js';
import { ruleDocsUrl } from '../src/rules/define.js';
import { rules } from '../src/rules/index.js';
import type { FixKind, Rule } from '../src/rules/types.js';
import { runInvalidCase, runValidCase, testRule } from './support/rule-tester.js';

/** A rule that reports every USER instruction, with whatever the test asks for. */
function userRule(
  fixable: FixKind | 'safe-or-suggestion' | null,
  report: { kind?: FixKind; data?: Record<string, string>; suggest?: boolean; title?: string },
) {
  return defineRule({
    name: 'no-user',
    code: 'X001',
    meta: {
      description: 'test rule',
      severity: 'warning',
      fixable,
      hasSuggestions: true,
      docs: { summary: 'test rule' },
      messages: { user: 'USER {{name}} found', drop: 'drop it' },
      fixTitles: { user: 'Remove the USER' },
    },
    create(context) {
      return {
        USER(instruction) {
          context.report({
            span: instruction.span,
            messageId: 'user',
            data: report.data ?? { name: instruction.args[0]?.value ?? '' },
            ...(report.kind
              ? { fix: { kind: report.kind, edits: [{ span: instruction.span, text: '' }], ...(report.title ? { title: report.title } : {}) } }
              : {}),
            ...(report.suggest ? { suggest: [{ messageId: 'drop', edits: [{ span: instruction.span, text: 'USER root' }] }] } : {}),
          });
        },
      };
    },
  });
}

const CODE = 'FROM golang:1.25\nUSER 1000\n';

describe('defineRule', () => {
  it('types message ids and fix titles from meta.messages', () => {
    defineRule({
      name: 'typed',
      code: 'X002',
      meta: {
        description: 'd',
        severity: 'info',
        fixable: null,
        docs: { summary: 's' },
        messages: { right: 'r' },
        // @ts-expect-error a fix title for a message the rule does not have
        fixTitles: { wrong: 'w' },
      },
      create(context) {
        return {
          RUN(run) {
            context.report({ span: run.span, messageId: 'right' });
            // @ts-expect-error a typo in messageId does not compile
            context.report({ span: run.span, messageId: 'rihgt' });
          },
        };
      },
    });
  });

  it('fills in the docs URL from the rule name, for every registered rule', () => {
    expect(userRule(null, {}).url).toBe('https://github.com/warmbuild/warmbuild/blob/main/src/rules/no-user/README.md');
    for (const rule of rules) expect(rule.url).toBe(ruleDocsUrl(rule.name));
  });

  it('gives every fixable registered rule a fix title', () => {
    for (const rule of rules.filter((r) => r.meta.fixable)) expect(Object.keys(rule.meta.fixTitles ?? {}).length, rule.name).toBeGreaterThan(0);
  });
});

describe('lintModel with a custom rule list', () => {
  it('runs only the given rules, with the fix title from meta and extra suggestions', () => {
    const findings = lintModel(analyzeDockerfile(parseDockerfile(CODE)), {}, [userRule('safe', { kind: 'safe', suggest: true })]);
    expect(findings.map((f) => [f.rule, f.messageId, f.message, f.fix, f.fixTitle, f.suggestions.map((s) => s.title)])).toEqual([
      ['no-user', 'user', 'USER 1000 found', 'safe', 'Remove the USER', ['drop it']],
    ]);
    expect(fixText(CODE, {}, [userRule('safe', { kind: 'safe', suggest: true })]).output).toBe('FROM golang:1.25\n\n');
  });

  it("a report's own title wins over meta.fixTitles", () => {
    expect(checkText(CODE, {}, [userRule('safe', { kind: 'safe', title: 'Drop USER 1000' })])[0]!.fixTitle).toBe('Drop USER 1000');
  });

  it('refuses a fix of a kind meta.fixable does not allow', () => {
    for (const [fixable, kind] of [
      [null, 'safe'],
      ['safe', 'suggestion'],
      ['suggestion', 'safe'],
    ] as const) {
      expect(() => checkText(CODE, {}, [userRule(fixable, { kind })])).toThrow(RuleError);
    }
    expect(checkText(CODE, {}, [userRule('safe-or-suggestion', { kind: 'suggestion' })])[0]!.fix).toBe('suggestion');
  });

  it('refuses a message with a placeholder left unfilled, even when an ignore comment hides the finding', () => {
    expect(() => checkText(CODE, {}, [userRule(null, { data: {} })])).toThrow(/message "user" needs data.name/);
    expect(() => checkText(`FROM golang:1.25\n# warmbuild ignore=no-user\nUSER 1000\n`, {}, [userRule(null, { data: {} })])).toThrow(RuleError);
  });

  it('refuses suggestions from a rule without meta.hasSuggestions', () => {
    const rule = userRule(null, { suggest: true });
    expect(() => checkText(CODE, {}, [{ ...rule, meta: { ...rule.meta, hasSuggestions: false } }])).toThrow(/meta.hasSuggestions/);
  });
});

describe('rule tester guards', () => {
  const safeRule = userRule('safe', { kind: 'safe' });
  const good = {
    code: CODE,
    errors: [{ messageId: 'user', line: 2, column: 1, endLine: 2, endColumn: 10, fix: 'safe' as const }],
    output: 'FROM golang:1.25\n\n',
  };

  it('passes a case that states what the rule does', () => {
    runInvalidCase(safeRule, good);
    runValidCase(safeRule, { code: 'FROM golang:1.25\n' });
  });

  it('fails on a wrong end position or fix kind', () => {
    expect(() => runInvalidCase(safeRule, { ...good, errors: [{ ...good.errors[0]!, endColumn: 9 }] })).toThrow(/endColumn/);
    expect(() => runInvalidCase(safeRule, { ...good, errors: [{ ...good.errors[0]!, endLine: 3 }] })).toThrow(/endLine/);
    expect(() => runInvalidCase(safeRule, { ...good, errors: [{ ...good.errors[0]!, fix: 'suggestion' }] })).toThrow(/fix kind/);
  });

  it('fails when the fixed output does not parse, even if the case expects it', () => {
    const breaking = defineRule({
      ...safeRule,
      create: (context) => ({
        USER(instruction) {
          context.report({
            span: instruction.span,
            messageId: 'user',
            data: { name: 'x' },
            fix: { kind: 'safe', edits: [{ span: instruction.keywordSpan, text: 'USR' }] },
          });
        },
      }),
    });
    expect(() => runInvalidCase(breaking, { ...good, output: 'FROM golang:1.25\nUSR 1000\n' })).toThrow(/does not parse/);
  });

  it('runs the rule alone: another rule that would report is not run', () => {
    runValidCase(safeRule, { code: 'FROM golang:1.25\nRUN go build -o /app .\n' });
  });

  it('rejects duplicate cases', () => {
    expect(() => testRule(userRule(null, {}), { valid: [{ code: 'FROM a\n' }, { name: 'again', code: 'FROM a\n' }], invalid: [] })).toThrow(
      /duplicate valid case "again"/,
    );
    const invalid = { code: CODE, errors: [{ messageId: 'user', line: 2, column: 1 }] };
    expect(() => testRule(userRule(null, {}), { valid: [], invalid: [invalid, { ...invalid }] })).toThrow(/duplicate invalid case/);
  });
});

describe("README's custom-rule example", () => {
  it('runs as written: pinned-base flags a floating base image and its suggestion pins it', async () => {
    const readme = readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const example = /```ts\n(import \{ check, fix, ruleCreator[\s\S]+?)```/.exec(readme)![1]!;
    const dir = mkdtempSync(path.join(tmpdir(), 'warmbuild-example-'));
    const file = path.join(dir, 'example.ts');
    const text = 'FROM golang AS build\nFROM build\nFROM golang:1.25\n';
    writeFileSync(
      file,
      `const text = ${JSON.stringify(text)};\n${example.replace("from 'warmbuild'", `from ${JSON.stringify(path.join(import.meta.dirname, '..', 'src', 'index.js'))}`)}`,
    );
    try {
      const { pinnedBase } = (await import(file)) as { pinnedBase: Rule };
      expect(checkText(text, {}, [pinnedBase]).map((f) => [f.line, f.message, f.fix, f.fixTitle])).toEqual([
        [1, 'golang is not pinned', 'suggestion', 'Pin the image to a tag'],
      ]);
      expect(fixText(text, { unsafe: true }, [pinnedBase]).output).toBe('FROM golang:1 AS build\nFROM build\nFROM golang:1.25\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
