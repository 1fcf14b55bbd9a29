import { describe, expect, it } from 'vitest';
import { type CheckOptions, checkText, fixText } from '../../src/lint.js';
import { parseDockerfile } from '../../src/model/dockerfile.js';
import { findSyntaxProblem } from '../../src/model/validate.js';
import type { BuildContextFacts, FixKind, Rule } from '../../src/rules/types.js';

export interface ExpectedFinding {
  messageId: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  /** The kind of fix the finding offers; null for none. */
  fix?: FixKind | null;
  /** Substring the rendered message must contain. */
  message?: string;
}

export interface InvalidCase {
  name?: string;
  code: string;
  errors: ExpectedFinding[];
  /** Output of `fix` (safe fixes only); omitted means the file stays as it is. */
  output?: string;
  /** Output of `fix --unsafe`; omitted means the same as `output`. */
  unsafeOutput?: string;
  facts?: BuildContextFacts;
}

export interface ValidCase {
  name?: string;
  code: string;
  facts?: BuildContextFacts;
}

export interface Variant {
  name: string;
  /** Lines the variant adds above the original first line. */
  lineShift(code: string): number;
  apply(code: string): string;
}

const plain: Variant = { name: 'as written', lineShift: () => 0, apply: (c) => c };

const crlf: Variant = { name: 'CRLF', lineShift: () => 0, apply: (c) => c.replace(/\r?\n/g, '\r\n') };

/** Lower-cases every instruction keyword, as BuildKit accepts. */
const lowercase: Variant = {
  name: 'lowercase keywords',
  lineShift: () => 0,
  apply(code) {
    const model = parseDockerfile(code);
    const spans = model.instructions.flatMap((i) => (i.trigger ? [i.keywordSpan, i.trigger.keywordSpan] : [i.keywordSpan]));
    let out = code;
    for (const span of spans) out = out.slice(0, span.start) + out.slice(span.start, span.end).toLowerCase() + out.slice(span.end);
    return out;
  },
};

/** `# escape=\`` with every Dockerfile line continuation (outside heredoc bodies) written with a backtick. */
const backtickEscape: Variant = {
  name: 'escape=`',
  lineShift: () => 1,
  apply(code) {
    const model = parseDockerfile(code);
    const bodies = model.instructions.flatMap((i) => i.heredocs.flatMap((h) => (h.contentSpan ? [h.contentSpan] : [])));
    const lines = code.split(/(?<=\n)/);
    let offset = 0;
    const out = lines.map((line) => {
      const start = offset;
      offset += line.length;
      if (bodies.some((b) => start >= b.start && start < b.end)) return line;
      return line.replace(/\\([ \t]*)(\r?\n)$/, '`$1$2');
    });
    const directives = model.directivesEnd;
    const joined = out.join('');
    const eol = /\r\n/.test(code) ? '\r\n' : '\n';
    return joined.slice(0, directives) + `# escape=\`${eol}` + joined.slice(directives);
  },
};

function variantsFor(code: string): Variant[] {
  const hasEscape = parseDockerfile(code).directives.some((d) => d.name === 'escape');
  return hasEscape ? [plain, crlf, lowercase] : [plain, crlf, lowercase, backtickEscape];
}

function optionsFor(rule: Rule, facts: BuildContextFacts | undefined): CheckOptions {
  // An opt-in rule is tested switched on.
  const rules = rule.meta.optIn ? { rules: { [rule.name]: rule.meta.severity } } : {};
  return facts ? { ...rules, facts } : rules;
}

/** ESLint's guard: a case written twice tests nothing new and usually hides a copy-paste slip. */
function rejectDuplicates(kind: string, cases: readonly (ValidCase | InvalidCase)[]): void {
  const seen = new Set<string>();
  for (const c of cases) {
    const { name: _name, ...rest } = c;
    const key = JSON.stringify(rest);
    if (seen.has(key)) throw new Error(`duplicate ${kind} case${c.name ? ` "${c.name}"` : ''}:\n${c.code}`);
    seen.add(key);
  }
}

/** A fix must leave a Dockerfile that still parses, as BuildKit reads it. */
function expectParses(output: string): void {
  const problem = findSyntaxProblem(parseDockerfile(output));
  expect(problem, `fixed output does not parse (line ${problem?.line}: ${problem?.message}):\n${output}`).toBeUndefined();
}

/** One valid case in one variant: the rule alone reports nothing. Throws on failure. */
export function runValidCase(rule: Rule, c: ValidCase, variant: Variant = plain): void {
  expect(checkText(variant.apply(c.code), optionsFor(rule, c.facts), [rule])).toEqual([]);
}

/** One invalid case in one variant: the findings, their fixes and the fixed outputs. Throws on failure. */
export function runInvalidCase(rule: Rule, c: InvalidCase, variant: Variant = plain): void {
  // Only this rule runs: the others neither report nor fix.
  const ruleList: readonly Rule[] = [rule];
  const code = variant.apply(c.code);
  const options = optionsFor(rule, c.facts);
  const shift = variant.lineShift(c.code);
  const findings = checkText(code, options, ruleList);
  expect(findings.map((f) => ({ messageId: f.messageId, line: f.line, column: f.column }))).toEqual(
    c.errors.map((e) => ({ messageId: e.messageId, line: e.line + shift, column: e.column })),
  );
  c.errors.forEach((e, i) => {
    const f = findings[i]!;
    if (e.endLine !== undefined) expect(f.endLine, 'endLine').toBe(e.endLine + shift);
    if (e.endColumn !== undefined) expect(f.endColumn, 'endColumn').toBe(e.endColumn);
    if (e.fix !== undefined) expect(f.fix, 'fix kind').toBe(e.fix);
    // Messages that cite a line number cite the shifted one in variants that add lines.
    if (e.message) expect(f.message).toContain(e.message.replace(/line (\d+)/g, (_m, n: string) => `line ${Number(n) + shift}`));
  });
  const expected = variant.apply(c.output ?? c.code);
  const fixed = fixText(code, options, ruleList);
  expect(fixed.output).toBe(expected);
  expectParses(fixed.output);
  expect(fixText(fixed.output, options, ruleList).output).toBe(fixed.output);
  const unsafe = fixText(code, { ...options, unsafe: true }, ruleList);
  expect(unsafe.output).toBe(variant.apply(c.unsafeOutput ?? c.output ?? c.code));
  expectParses(unsafe.output);
  expect(fixText(unsafe.output, { ...options, unsafe: true }, ruleList).output).toBe(unsafe.output);
}

/** ESLint-style rule tests: every case runs as written, in CRLF, with lowercase keywords and with `# escape=\``. */
export function testRule(rule: Rule, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  rejectDuplicates('valid', cases.valid);
  rejectDuplicates('invalid', cases.invalid);
  describe(`${rule.name} (${rule.code})`, () => {
    for (const [index, c] of cases.valid.entries()) {
      for (const variant of variantsFor(c.code)) {
        it(`valid #${index}${c.name ? ` ${c.name}` : ''} [${variant.name}]`, () => runValidCase(rule, c, variant));
      }
    }
    for (const [index, c] of cases.invalid.entries()) {
      for (const variant of variantsFor(c.code)) {
        it(`invalid #${index}${c.name ? ` ${c.name}` : ''} [${variant.name}]`, () => runInvalidCase(rule, c, variant));
      }
    }
  });
}
