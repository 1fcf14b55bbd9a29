import { describe, expect, it } from 'vitest';
import { testRule } from '../../../test/support/rule-tester.js';
import { checkText } from '../../lint.js';
import { unusedIgnore } from './index.js';

// The tester runs this rule alone, so these cases cover names that are no rule at all; an ignore
// of a real rule is judged only when that rule runs (below, with the whole registry).
testRule(unusedIgnore, {
  valid: [
    { name: 'no ignore comments', code: 'FROM golang:1.25\nRUN go build -o /app .\n' },
    { name: 'a rule that did not run is not judged', code: 'FROM golang:1.25\n# warmbuild ignore=go-build-cache\nRUN go build -o /app .\n' },
    { name: 'by code', code: '# warmbuild global ignore=WB107\nFROM golang:1.25\n' },
  ],
  invalid: [
    {
      name: 'misspelt name',
      code: 'FROM golang:1.25\n# warmbuild ignore=go-build-cahce\nRUN go build -o /app .\n',
      errors: [{ messageId: 'unknown', line: 2, column: 1, endLine: 2, endColumn: 34, fix: null, message: '"go-build-cahce" is not a warmbuild rule' }],
    },
    {
      name: 'one unknown name among known ones, global',
      code: '# warmbuild global ignore=go-cache-locked, WB999\nFROM golang:1.25\n',
      errors: [{ messageId: 'unknown', line: 1, column: 1, message: '"wb999"' }],
    },
  ],
});

describe('unused-ignore with every rule running', () => {
  const own = (code: string) => checkText(code).filter((f) => f.rule === 'unused-ignore');

  it('reports an ignore whose rule reports nothing on the next instruction, naming the line', () => {
    const code = 'FROM golang:1.25\n# warmbuild ignore=go-build-cache\nRUN --mount=type=cache,target=/root/.cache/go-build go build -o /app .\n';
    expect(own(code).map((f) => [f.messageId, f.line, f.severity, f.message])).toEqual([
      ['unused', 2, 'warning', 'go-build-cache reports nothing on line 3: remove "go-build-cache" from this ignore comment.'],
    ]);
  });

  it('reports an unused global ignore, and keeps quiet about a used one next to it', () => {
    const code = '# warmbuild global ignore=go-build-cache,go-cache-locked\nFROM golang:1.25\nRUN go build -o /app .\n';
    const findings = checkText(code);
    expect(findings.some((f) => f.rule === 'go-build-cache')).toBe(false);
    expect(own(code).map((f) => f.message)).toEqual(['go-cache-locked reports nothing in this file: remove "go-cache-locked" from this ignore comment.']);
  });

  it('an ignore that suppresses a finding is used, by name or by code', () => {
    for (const id of ['go-build-cache', 'WB101']) {
      expect(own(`FROM golang:1.25\n# warmbuild ignore=${id}\nRUN go build -o /app .\n`)).toEqual([]);
    }
  });

  it('does not judge ignores of a rule switched off, and is itself configurable and ignorable', () => {
    const code = 'FROM golang:1.25\n# warmbuild ignore=go-build-force\nRUN go build -o /app .\n';
    expect(own(code)).toHaveLength(1);
    expect(checkText(code, { rules: { 'go-build-force': 'off' } }).filter((f) => f.rule === 'unused-ignore')).toEqual([]);
    expect(checkText(code, { rules: { WB000: 'off' } }).filter((f) => f.rule === 'unused-ignore')).toEqual([]);
    expect(checkText(code, { rules: { 'unused-ignore': 'info' } }).find((f) => f.rule === 'unused-ignore')?.severity).toBe('info');
    expect(own(`# warmbuild global ignore=unused-ignore\n${code}`)).toEqual([]);
  });

  it('an ignore comment after the last instruction suppresses nothing', () => {
    expect(own('FROM golang:1.25\nRUN go build -o /app .\n# warmbuild ignore=go-build-cache\n').map((f) => f.message)).toEqual([
      'go-build-cache reports nothing after this comment: remove "go-build-cache" from this ignore comment.',
    ]);
  });
});
