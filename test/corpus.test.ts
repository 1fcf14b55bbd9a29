import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkText, fixPass, fixText } from '../src/lint.js';
import { parseDockerfile } from '../src/model/dockerfile.js';
import { findSyntaxProblem } from '../src/model/validate.js';
import { hasDocker, pool, run } from './support/docker.js';

/** Real Dockerfiles from public Go projects: robustness, not expectations. */
const CORPUS = path.resolve(import.meta.dirname, '..', '..', 'shared', 'corpus', 'dockerfiles');
const files = (() => {
  try {
    return readdirSync(CORPUS).filter((f) => f.endsWith('.Dockerfile')).sort();
  } catch {
    return [];
  }
})();

if (files.length === 0) process.stderr.write(`\n[warmbuild tests] No corpus at ${CORPUS}: SKIPPING corpus tests.\n\n`);

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
        // Fixes only insert, except the removals and replacements the rules are documented to make.
        let current = original;
        for (let pass = 0; pass < 10; pass++) {
          const { output, applied } = fixPass(current, checkText(current), unsafe);
          for (const edit of applied.flatMap((f) => f.edits)) {
            const removed = current.slice(edit.span.start, edit.span.end);
            if (removed === '') continue;
            const movedArg = /^[ \t]*ARG( TARGET(OS|ARCH|PLATFORM|VARIANT))+\r?\n$/i.test(removed) && applied.some((f) => f.edits.some((e) => e.text.includes(removed.trim())));
            const allowed = movedArg || /^[ \t]*--?a(=true)?$/.test(removed) || /^,?sharing=locked,?$/i.test(removed) || (edit.text !== '' && /^("?(target|dst|destination)=)?"?\/[^\s,]*"?$/.test(removed));
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
   * BuildKit's own parser (built-in frontend; the syntax directive is blanked, since no frontend image
   * can be pulled here) must not reject a fixed file for a reason it did not reject the original for.
   */
  async function buildkitParseError(name: string, text: string): Promise<string | undefined> {
    const file = path.join(scratch, `${name}.Dockerfile`);
    writeFileSync(file, text.replace(/^(\uFEFF?)#\s*syntax\s*=.*$/im, '$1#'));
    const result = await run('docker', ['buildx', 'build', '--call=check,format=json', '-f', file, scratch], { cwd: scratch });
    const json = result.stdout.slice(result.stdout.indexOf('{'));
    if (!json.startsWith('{')) return result.stderr.split('\n').find((l) => /parse error|unknown flag|mount/i.test(l));
    const parsed = JSON.parse(json) as { buildError?: { message: string } };
    const message = parsed.buildError?.message;
    // Resolving base images fails here (no registry); that is not a parse error.
    if (!message || /failed to resolve source metadata|failed to do request|pull access denied|not found/i.test(message)) return undefined;
    return message;
  }

  it('the BuildKit probe tells a broken mount from an unresolvable image', async () => {
    expect(await buildkitParseError('probe-broken', 'FROM golang:1.25\nRUN --mount=type=cache,targt=/x go build .\n')).toMatch(/targt/);
    expect(await buildkitParseError('probe-unresolvable', 'FROM example.invalid/nothing\nRUN --mount=type=cache,target=/x go build .\n')).toBeUndefined();
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
      const afterFix = await buildkitParseError(`${file}-fixed`, fixed);
      if (!afterFix) return;
      const before = await buildkitParseError(`${file}-original`, original);
      if (before !== afterFix) disagreements.push(`${file}: ${afterFix}`);
    });
    expect(disagreements).toEqual([]);
  }, 900_000);
});
