import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkText, fixPass, fixText } from '../src/lint.js';
import { parseDockerfile } from '../src/model/dockerfile.js';
import { findSyntaxProblem } from '../src/model/validate.js';
import { CORPUS, corpusFiles } from './support/corpus.js';
import { hasDocker, pool, run } from './support/docker.js';
import { withLocalImages } from './support/local-images.js';

/** Real Dockerfiles from public Go projects: robustness, not expectations. */
const files = corpusFiles('corpus tests');

const fixedByFile = new Map<string, { original: string; fixed: string }>();

describe.skipIf(files.length === 0)('corpus', () => {
  it(`checks and fixes all ${files.length} files: no crash, idempotent, still parses, no byte lost outside fixes`, () => {
    for (const file of files) {
      const original = readFileSync(path.join(CORPUS, file), 'utf8');
      checkText(original);
      for (const unsafe of [false, true]) {
        const once = fixText(original, { unsafe });
        expect(once.cycle, file).toBe(false);
        expect(fixText(once.output, { unsafe }).output, `${file}: fix is not idempotent`).toBe(once.output);
        expect(findSyntaxProblem(parseDockerfile(once.output)), file).toEqual(findSyntaxProblem(parseDockerfile(original)));
        // Every fix builds: no fix introduces an error-level finding (one the input had fewer of).
        const errorCounts = (findings: readonly { code: string; severity: string }[]): Record<string, number> => {
          const counts: Record<string, number> = {};
          for (const f of findings) if (f.severity === 'error') counts[f.code] = (counts[f.code] ?? 0) + 1;
          return counts;
        };
        const before = errorCounts(checkText(original));
        for (const [code, count] of Object.entries(errorCounts(once.remaining)))
          expect(count, `${file}${unsafe ? ' (--unsafe)' : ''}: new ${code} errors`).toBeLessThanOrEqual(before[code] ?? 0);
        // Fixes only insert, except the removals and replacements the rules are documented to make.
        let current = original;
        for (let pass = 0; pass < 10; pass++) {
          const { output, applied } = fixPass(current, checkText(current), unsafe);
          for (const edit of applied.flatMap((f) => f.edits)) {
            const removed = current.slice(edit.span.start, edit.span.end);
            if (removed === '') continue;
            const movedArg =
              /^[ \t]*ARG( TARGET(OS|ARCH|PLATFORM|VARIANT))+\r?\n$/i.test(removed) &&
              applied.some((f) => f.edits.some((e) => e.text.includes(removed.trim())));
            const allowed =
              movedArg ||
              /^[ \t]*--?a(=true)?$/.test(removed) ||
              /^,?sharing=locked,?$/i.test(removed) ||
              (edit.text !== '' && /^("?(target|dst|destination)=)?"?\/[^\s,]*"?$/.test(removed));
            expect(allowed, `${file}: unexpected removal ${JSON.stringify(removed)}`).toBe(true);
          }
          if (output === current) break;
          current = output;
        }
        expect(current).toBe(once.output);
        if (unsafe) fixedByFile.set(file, { original, fixed: once.output });
        else if (once.changed) expect(once.output.startsWith('\uFEFF')).toBe(original.startsWith('\uFEFF'));
      }
    }
  }, 120_000);
});

describe.skipIf(files.length === 0 || !hasDocker)('corpus in real BuildKit', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'warmbuild-corpus-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /**
   * BuildKit's own reading, through the dispatch of every stage: base images the engine cannot have
   * are replaced by local stand-ins and `# syntax=` removed (no frontend image can be pulled here),
   * so a fixed file must not fail where the original did not, not even past image resolution.
   */
  async function buildkitError(name: string, text: string): Promise<string | undefined> {
    const file = path.join(scratch, `${name}.Dockerfile`);
    writeFileSync(file, withLocalImages(text));
    const result = await run('docker', ['buildx', 'build', '--call=check,format=json', '-f', file, scratch], { cwd: scratch });
    const json = result.stdout.slice(result.stdout.indexOf('{'));
    if (!json.startsWith('{')) return result.stderr.split('\n').find((l) => /error/i.test(l)) ?? `exit ${result.code}`;
    return (JSON.parse(json) as { buildError?: { message: string } }).buildError?.message;
  }

  it('the BuildKit probe reaches dispatch: it tells a broken mount and an unset required variable from a missing image', async () => {
    expect(await buildkitError('probe-broken', 'FROM golang:1.25\nRUN --mount=type=cache,targt=/x go build .\n')).toMatch(/targt/);
    expect(await buildkitError('probe-unresolvable', 'FROM example.invalid/nothing AS build\nRUN --mount=type=cache,target=/x go build .\n')).toBeUndefined();
    expect(await buildkitError('probe-syntax-escape', '# syntax=docker/dockerfile:1\n# escape=`\nFROM busybox\nRUN echo a `\n  b\n')).toBeUndefined();
    // Found only when dispatching, after the base image resolved: a required variable is unset.
    expect(await buildkitError('probe-dispatch', 'FROM example.invalid/nothing\nENV X="${UNSET:?must be set}"\n')).toMatch(/UNSET: must be set/);
  }, 60_000);

  it('every changed file is still accepted by BuildKit when the original was', async () => {
    const changed = files.filter((f) => {
      const entry = fixedByFile.get(f);
      return entry && entry.fixed !== entry.original;
    });
    expect(changed.length).toBeGreaterThan(100);
    const disagreements: string[] = [];
    await pool(changed, 4, async (file) => {
      const { original, fixed } = fixedByFile.get(file)!;
      const afterFix = await buildkitError(`${file}-fixed`, fixed);
      if (!afterFix) return;
      const before = await buildkitError(`${file}-original`, original);
      if (before !== afterFix) disagreements.push(`${file}: ${afterFix}`);
    });
    expect(disagreements).toEqual([]);
  }, 900_000);
});
