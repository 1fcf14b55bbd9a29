import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Edit } from '../src/fix/edits.js';
import { checkText, fixPass, fixText } from '../src/lint.js';
import { parseDockerfile } from '../src/model/dockerfile.js';
import { findSyntaxProblem } from '../src/model/validate.js';

/**
 * The suite runs a few hundred inputs per property; FUZZ_RUNS=10000 (and FUZZ_SEED=<n> to replay a
 * run) runs the long fuzz: `FUZZ_RUNS=10000 FUZZ_SEED=20261201 npx vitest run test/properties.test.ts`.
 */
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS) || undefined;
const FUZZ_SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const runs = (inSuite: number): fc.Parameters<unknown> => ({ numRuns: FUZZ_RUNS ?? inSuite, ...(FUZZ_SEED === undefined ? {} : { seed: FUZZ_SEED }) });
const LONG_TIMEOUT = FUZZ_RUNS ? 3_600_000 : 120_000;

/**
 * fc.assert over a synchronous predicate, yielding to the event loop between inputs: a long run must
 * not starve vitest's worker heartbeat.
 */
async function check<T>(arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void, parameters: fc.Parameters<unknown>): Promise<void> {
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      await new Promise((resolve) => setImmediate(resolve));
      predicate(value);
    }),
    parameters as fc.Parameters<[T]>,
  );
}

/** Error-level findings by rule: a fix must not add any. */
function errorCounts(findings: readonly { code: string; severity: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of findings) if (f.severity === 'error') counts[f.code] = (counts[f.code] ?? 0) + 1;
  return counts;
}

const command = fc.constantFrom(
  'go build -a -o /app .',
  'go mod download',
  'go test ./...',
  'CGO_ENABLED=0 go install ./...',
  "sh -c 'go vet ./...'",
  'make build',
  'echo hi',
  'GOCACHE=/tmp/gc go build .',
  '/usr/local/go/bin/go run ./gen',
  'go install example.com/tool@v1.0.0',
);
const mount = fc.constantFrom(
  '--mount=type=cache,target=/root/.cache/go-build',
  '--mount=type=cache,target=/go/pkg/mod,sharing=locked',
  '--mount=type=cache,target=/cache,uid=1000',
  '--mount=type=bind,target=.',
  '--mount=type=cache,id=gomod,dst="/go/pkg/mod"',
  '--mount=type=secret,id=netrc',
);
const joiner = fc.constantFrom(' && ', ' ; ', ' || ', ' | ', ' && \\\n    ', ' \\\n  && ');

const run = fc
  .record({
    mounts: fc.array(mount, { maxLength: 2 }),
    ownLines: fc.boolean(),
    commands: fc.array(command, { minLength: 1, maxLength: 3 }),
    joiners: fc.array(joiner, { minLength: 2, maxLength: 2 }),
  })
  .map(({ mounts, ownLines, commands, joiners }) => {
    const flags = mounts.map((m) => (ownLines ? ` \\\n    ${m}` : ` ${m}`)).join('');
    const script = commands.map((c, i) => (i === 0 ? c : `${joiners[i % 2]}${c}`)).join('');
    return `RUN${flags}${ownLines && mounts.length > 0 ? ' \\\n    ' : ' '}${script}`;
  });

const instruction = fc.oneof(
  { weight: 5, arbitrary: run },
  fc.constantFrom(
    'ENV GOCACHE=/cache/go',
    'ENV GOFLAGS=-a',
    'ENV GOMODCACHE=/mods',
    'USER 1000:1000',
    'USER app',
    'USER root',
    'WORKDIR /src',
    'COPY . .',
    'COPY go.mod go.sum ./',
    'ARG TARGETARCH',
    '# a comment',
    '',
    'RUN <<EOF\ngo build ./...\nEOF',
    'RUN ["go", "build", "."]',
    'ONBUILD RUN go build .',
    // BuildKit's reading of continuations: a doubled escape char ends the line.
    'RUN echo \\\\',
    'RUN echo a\\\\ \\\n  && go build .',
    'USER app:app',
    'RUN go mod init example.com/x && go mod tidy',
    'COPY --chown=app . .',
  ),
);

const stage = fc
  .record({ base: fc.constantFrom('golang:1.25', 'alpine:3.20', 'base', 'golang:${GO_VERSION}'), body: fc.array(instruction, { maxLength: 6 }) })
  .map(({ base, body }) => [`FROM ${base} AS s`, ...body].join('\n'));

const dockerfile = fc
  .record({
    // Lines above the instructions: BuildKit's directives, and comments that end them.
    head: fc.constantFrom('', '# syntax=docker/dockerfile:1\n', '# check=skip=all\n', '# warmbuild ignore=WB101\n', '# escape=\n', '# a comment\n'),
    bom: fc.boolean(),
    crlf: fc.boolean(),
    backtick: fc.boolean(),
    lower: fc.boolean(),
    stages: fc.array(stage, { minLength: 1, maxLength: 3 }),
  })
  .map(({ head, bom, crlf, backtick, lower, stages }) => {
    const named = stages.map((s, i) =>
      s
        .replace(' AS s\n', ` AS s${i}\n`)
        .replace(/ AS s$/, ` AS s${i}`)
        .replace('FROM base', i > 0 ? 'FROM s0' : 'FROM golang:1.25'),
    );
    let text = ['ARG GO_VERSION=1.25', ...named].join('\n') + '\n';
    if (backtick) text = '# escape=`\n' + text.replace(/\\\n/g, '`\n').replace(/\\\\$/gm, '``');
    text = head + text;
    if (lower) text = text.replace(/^(FROM|RUN|ENV|USER|WORKDIR|COPY|ARG|ONBUILD)\b/gm, (k) => k.toLowerCase());
    if (crlf) text = text.replace(/\n/g, '\r\n');
    return (bom ? '\uFEFF' : '') + text;
  });

/**
 * One pass: every instruction the applied edits do not touch stays verbatim and in order, and no edit
 * lands in a comment or a parser directive. Insertions of whole lines before an instruction are allowed.
 */
function checkPassLocality(text: string, unsafe: boolean): string {
  const model = parseDockerfile(text);
  const { output, applied } = fixPass(text, checkText(text), unsafe);
  const edits = applied.flatMap((f) => f.edits);
  const isLineInsert = (e: Edit, start: number): boolean => e.span.start === e.span.end && e.span.start <= start && /\n$/.test(e.text);
  let cursor = 0;
  for (const i of model.instructions) {
    const touched = edits.some((e) => e.span.start <= i.span.end && e.span.end >= i.span.start && !isLineInsert(e, i.span.start));
    if (touched) continue;
    const original = text.slice(i.span.start, i.span.end);
    const at = output.indexOf(original, cursor);
    expect(at, `instruction changed: ${JSON.stringify(original)}`).toBeGreaterThanOrEqual(0);
    cursor = at + original.length;
  }
  for (const e of edits) {
    for (const c of [...model.comments, ...model.directives]) expect(e.span.start >= c.span.end || e.span.end <= c.span.start).toBe(true);
    expect(e.span.start).toBeGreaterThanOrEqual(model.directivesEnd);
  }
  return output;
}

describe('fixer properties', () => {
  for (const unsafe of [false, true]) {
    it(
      `fix${unsafe ? ' --unsafe' : ''}: edits stay local, idempotent, keeps comments, directives, BOM and line endings`,
      async () => {
        let rejected = 0;
        let total = 0;
        await check(
          dockerfile,
          (text) => {
            total++;
            // The runner never fixes a file BuildKit would reject (it reports it); the fixer must still not crash on one.
            if (findSyntaxProblem(parseDockerfile(text))) {
              rejected++;
              fixText(text, { unsafe });
              return;
            }
            const once = fixText(text, { unsafe });
            const before = errorCounts(checkText(text));
            for (const [code, count] of Object.entries(errorCounts(once.remaining))) expect(count, `new ${code} errors`).toBeLessThanOrEqual(before[code] ?? 0);
            expect(once.cycle).toBe(false);
            expect(fixText(once.output, { unsafe }).output).toBe(once.output);
            let current = text;
            for (let pass = 0; pass < 10; pass++) {
              const next = checkPassLocality(current, unsafe);
              if (next === current) break;
              current = next;
            }
            expect(current).toBe(once.output);
            const model = parseDockerfile(text);
            let cursor = 0;
            for (const i of model.instructions.filter((i) => !['RUN', 'COPY', 'ADD', 'ONBUILD'].includes(i.keyword))) {
              // A FROM may gain --platform=$BUILDPLATFORM (go-build-emulated); its image and name stay.
              const start = i.keyword === 'FROM' && i.args[0] ? i.args[0].span.start : i.span.start;
              const at = once.output.indexOf(text.slice(start, i.span.end), cursor);
              expect(at).toBeGreaterThanOrEqual(0);
              cursor = at;
            }
            for (const comment of parseDockerfile(text).comments) expect(once.output).toContain(comment.text);
            expect(once.output.startsWith('\uFEFF')).toBe(text.startsWith('\uFEFF'));
            if (text.includes('\r\n')) expect(/(^|[^\r])\n/.test(once.output)).toBe(false);
            else expect(once.output.includes('\r')).toBe(false);
            expect(findSyntaxProblem(parseDockerfile(once.output))).toBeUndefined();
          },
          runs(300),
        );
        // Most inputs must be files BuildKit accepts, or the properties above test little.
        expect(rejected / total).toBeLessThan(0.5);
        if (FUZZ_RUNS) process.stderr.write(`fix${unsafe ? ' --unsafe' : ''}: ${total} inputs, ${rejected} rejected as BuildKit rejects them\n`);
      },
      LONG_TIMEOUT,
    );
  }

  it(
    'a clean file comes back identical',
    async () => {
      await check(
        dockerfile,
        (text) => {
          const fixed = fixText(text, { unsafe: true }).output;
          const again = fixText(fixed, { unsafe: true });
          expect(again.changed).toBe(false);
          expect(again.output).toBe(fixed);
        },
        runs(100),
      );
    },
    LONG_TIMEOUT,
  );

  it('never throws or hangs on arbitrary text up to 128 KiB', async () => {
    await check(
      fc.string({ unit: 'binary', maxLength: 4096 }),
      (text) => {
        fixText(text, { unsafe: true });
      },
      runs(200),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 64 }),
            fc.constantFrom('RUN ', 'FROM golang\n', '\\\n', '`\n', '--mount=', '<<EOF\n', '"', "'", '$(', '${', '\r\n', '# escape=`\n'),
          ),
          { maxLength: 4000 },
        ),
        (parts) => {
          const text = parts.join('').slice(0, 128 * 1024);
          fixText(text, { unsafe: true });
        },
      ),
      { numRuns: 30 },
    );
    const big = 'FROM golang:1.25\n' + 'RUN go build -a . && \\\n  go test ./... \\\n'.repeat((128 * 1024) / 40) + '\n';
    expect(big.length).toBeGreaterThan(100 * 1024);
    expect(fixText(big).changed).toBe(true);
  }, 120_000);
});
