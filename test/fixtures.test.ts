import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectContext } from '../src/adapters/context.js';
import { type CheckOptions, checkText, fixText } from '../src/lint.js';
import { parseDockerfile } from '../src/model/dockerfile.js';

/**
 * Multi-rule fixtures: real .Dockerfile files whose `# expect: CODE, ...` comments name the findings of
 * the next instruction, with golden outputs of `fix` (.fixed) and `fix --unsafe` (.unsafe), all with
 * fixtures/project as the build context (test/integration/fixtures-build.test.ts builds them in it).
 * UPDATE_GOLDEN=1 rewrites the goldens (review them before committing).
 */
const DIR = path.join(import.meta.dirname, 'fixtures');
const FIXTURE_PROJECT = path.join(DIR, 'project');

async function optionsFor(text: string): Promise<CheckOptions> {
  const context = await collectContext(parseDockerfile(text), FIXTURE_PROJECT);
  return { facts: { vendor: false, context } };
}
const inputs = readdirSync(DIR).filter((f) => f.endsWith('.Dockerfile') && !/\.(fixed|unsafe)\.Dockerfile$/.test(f));

function expectations(text: string): Map<number, string[]> {
  const model = parseDockerfile(text);
  const expected = new Map<number, string[]>();
  for (const comment of model.comments) {
    const m = /^expect:\s*(.+)$/.exec(comment.text.trim());
    if (!m) continue;
    const next = model.instructions.find((i) => i.span.start > comment.span.start)!;
    expected.set(
      next.line,
      m[1]!
        .split(',')
        .map((s) => s.trim())
        .sort(),
    );
  }
  return expected;
}

function golden(file: string, actual: string): void {
  const target = path.join(DIR, file);
  if (process.env.UPDATE_GOLDEN) writeFileSync(target, actual);
  expect(existsSync(target), `${file} is missing; run with UPDATE_GOLDEN=1`).toBe(true);
  expect(actual).toBe(readFileSync(target, 'utf8'));
}

describe('fixtures', () => {
  for (const input of inputs) {
    const text = readFileSync(path.join(DIR, input), 'utf8');
    const base = input.replace(/\.Dockerfile$/, '');

    it(`${input}: findings match the expectation comments`, async () => {
      const model = parseDockerfile(text);
      const actual = new Map<number, string[]>();
      for (const f of checkText(text, await optionsFor(text))) {
        const owner = model.instructions.find((i) => i.span.start <= f.span.start && f.span.start <= i.span.end)!;
        actual.set(owner.line, [...(actual.get(owner.line) ?? []), f.code].sort());
      }
      expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expectations(text)));
    });

    it(`${input}: fix and fix --unsafe match the goldens and are idempotent`, async () => {
      const options = await optionsFor(text);
      const fixed = fixText(text, options).output;
      golden(`${base}.fixed.Dockerfile`, fixed);
      expect(fixText(fixed, options).output).toBe(fixed);
      const unsafe = fixText(text, { ...options, unsafe: true }).output;
      golden(`${base}.unsafe.Dockerfile`, unsafe);
      expect(fixText(unsafe, { ...options, unsafe: true }).output).toBe(unsafe);
    });
  }
});
