import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DockerfileModel, type Instruction, parseDockerfile } from '../../src/model/dockerfile.js';
import { findSyntaxProblem } from '../../src/model/validate.js';
import { parseDockerfileWithAst } from '../support/ast-oracle.js';
import { CORPUS, corpusFiles } from '../support/corpus.js';

/**
 * src/model/parser.ts against the model warmbuild built from dockerfile-ast (test/support/ast-oracle.ts),
 * on the corpus and on generated Dockerfiles. The oracle's known departures from BuildKit are undone
 * before comparing: where BuildKit reads an escape char as an ordinary character (`echo \\` at the end
 * of a line) its words hold the private-use character its rewritten input put there, ours the escape
 * char itself; and it gave heredocs to every instruction, BuildKit reads them for ADD, COPY and RUN only.
 */
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS) || 300;
const FUZZ_SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

const corpus = corpusFiles('the parser against the oracle on the corpus');

/** The model without its cycles (stages, triggers and bases by index) and without the line table. */
function plain(model: DockerfileModel): unknown {
  const instruction = (i: Instruction): unknown => ({ ...i, stage: i.stage?.index, trigger: i.trigger && instruction(i.trigger) });
  const restored = JSON.stringify(
    {
      text: model.text,
      bom: model.bom,
      eol: model.eol,
      escapeChar: model.escapeChar,
      directives: model.directives,
      directivesEnd: model.directivesEnd,
      instructions: model.instructions.map(instruction),
      stages: model.stages.map((s) => ({ ...s, from: s.from.index, base: s.base?.index, instructions: s.instructions.map((i) => i.index) })),
      comments: model.comments,
      lowercaseKeywords: model.lowercaseKeywords,
      globalArgs: { values: [...model.globalArgs.values], before: [...model.globalArgs.before].map(([i, m]) => [i.index, [...m]]) },
    },
    (_key, value: unknown) => (typeof value === 'string' ? value.replaceAll('\uE000', model.escapeChar) : value),
  );
  return JSON.parse(restored);
}

function oracleModel(text: string): DockerfileModel {
  const model = parseDockerfileWithAst(text);
  const withoutStrayHeredocs = (i: Instruction): void => {
    if (!['ADD', 'COPY', 'RUN'].includes(i.keyword)) i.heredocs = [];
    if (i.trigger) withoutStrayHeredocs(i.trigger);
  };
  model.instructions.forEach(withoutStrayHeredocs);
  return model;
}

function expectSameModel(text: string, label = JSON.stringify(text)): void {
  const ours = parseDockerfile(text);
  const oracle = oracleModel(text);
  expect(plain(ours), label).toEqual(plain(oracle));
  expect(findSyntaxProblem(ours), label).toEqual(findSyntaxProblem(oracle));
}

describe.skipIf(corpus.length === 0)('the parser builds the model dockerfile-ast gave, on the corpus', () => {
  it(`all ${corpus.length} files`, () => {
    for (const file of corpus) expectSameModel(readFileSync(path.join(CORPUS, file), 'utf8'), file);
  });
});

/** Generated Dockerfiles of the shapes BuildKit accepts, written with `e` as escape char and `eol` line breaks. */
const dockerfile = fc.record({ backtick: fc.boolean(), crlf: fc.boolean(), bom: fc.boolean(), syntax: fc.boolean(), lowercase: fc.boolean() }).chain((file) => {
  const e = file.backtick ? '`' : '\\';
  const eol = file.crlf ? '\r\n' : '\n';
  const plainWord = fc.constantFrom(
    'a',
    'foo',
    'go',
    'build',
    '-o',
    '/out/app',
    './...',
    '$HOME',
    '${GOPATH}',
    '${X:-y}',
    '"a b"',
    "'c d'",
    '"x y"z',
    'k=v',
    'k="v w"',
    '&&',
    '|',
    ';',
    'a#b',
    '=',
    '-',
    `a${e}$b`,
    `x${e}${e}y`,
    `a${e}"b`,
    `${e}$X`,
    `"in ${e}" quote"`,
    `end${e}${e}`,
    `sp${e} `,
    '"',
    "'",
  );
  const blank = fc.constantFrom(' ', '  ', '\t');
  const continuation = fc
    .tuple(
      fc.constantFrom('', ' ', '  '),
      fc.array(fc.constantFrom(`# comment${eol}`, `  # indented comment ${e}${eol}`, eol, `#${eol}`), { maxLength: 2 }),
      fc.constantFrom('', ' ', '    ', '\t'),
    )
    .map(([before, lines, indent]) => `${before}${e}${eol}${lines.join('')}${indent}`);
  const separator = fc.oneof({ weight: 3, arbitrary: blank }, { weight: 1, arbitrary: continuation });
  const joined = (words: fc.Arbitrary<string[]>): fc.Arbitrary<string> =>
    words.chain((ws) => fc.tuple(...ws.map(() => separator)).map((seps) => ws.map((w, i) => (i === 0 ? w : seps[i - 1] + w)).join('')));
  const words = (min: number, max: number): fc.Arbitrary<string> => joined(fc.array(plainWord, { minLength: min, maxLength: max }));
  const keyword = (k: string): string => (file.lowercase ? k.toLowerCase() : k);
  const line = (k: string, rest: fc.Arbitrary<string>): fc.Arbitrary<string> => fc.tuple(blank, rest).map(([b, r]) => `${keyword(k)}${b}${r}`);
  const flag = fc.constantFrom(
    '--mount=type=cache,target=/root/.cache/go-build',
    '--mount=type=cache,id=gomod,target=/go/pkg/mod,sharing=locked',
    '--mount=type=bind,source=.,target=/src',
    '--mount=type=secret,id=netrc,dst=/root/.netrc,required',
    '--network=host',
    '--from=build',
    '--chmod=755',
    '--link',
    '--platform=$BUILDPLATFORM',
  );
  const withFlags = (k: string, rest: fc.Arbitrary<string>): fc.Arbitrary<string> =>
    fc.tuple(fc.array(flag, { maxLength: 2 }), rest).chain(([flags, r]) => line(k, joined(fc.constant([...flags, r]))));
  const jsonArray = fc
    .array(fc.constantFrom('"sh"', '"-c"', '"go build ./..."', '"a b"', '"q\\"x"', '"$HOME"'), { minLength: 1, maxLength: 3 })
    .chain((items) =>
      fc
        .tuple(
          ...items.map(() =>
            fc.oneof(
              fc.constantFrom(', ', ',', ' , '),
              continuation.map((c) => `,${c}`),
            ),
          ),
        )
        .map((seps) => `[${items.map((item, i) => (i === 0 ? item : seps[i - 1] + item)).join('')}]`),
    );
  const heredocBody = fc
    .array(fc.oneof(words(0, 4), fc.constantFrom('# not a comment', `echo ${e}`, `echo ${e}${e}`, '  indented', '\tTABBED', 'EOFX')), { maxLength: 3 })
    .map((body) => body.map((l) => l + eol).join(''));
  const heredoc = fc.oneof(
    fc
      .tuple(fc.array(flag, { maxLength: 1 }), fc.constantFrom('<<EOF', '<<"EOF"', "<<'EOF'", '<<-EOF'), words(0, 2), heredocBody)
      .map(([flags, opener, after, body]) => {
        const delimiter = opener.startsWith('<<-') ? '\tEOF' : 'EOF';
        return `${keyword('RUN')} ${[...flags, opener].join(' ')}${after ? ` ${after}` : ''}${eol}${body}${delimiter}`;
      }),
    fc.tuple(heredocBody, heredocBody).map(([a, b]) => `${keyword('COPY')} <<A <<B /dst/${eol}${a}A${eol}${b}B`),
  );
  const instruction = fc.oneof(
    withFlags('RUN', words(1, 6)),
    line('RUN', jsonArray),
    line('CMD', fc.oneof(jsonArray, words(1, 3))),
    line('ENTRYPOINT', jsonArray),
    withFlags('COPY', words(2, 3)),
    withFlags('ADD', words(2, 2)),
    line(
      'ENV',
      fc.oneof(
        joined(fc.array(fc.constantFrom('A=1', 'B="x y"', "C='z'", 'D=$A', `E=a${e} b`, 'F='), { minLength: 1, maxLength: 3 })),
        words(2, 4).map((w) => `KEY ${w}`),
      ),
    ),
    line('LABEL', joined(fc.array(fc.constantFrom('a=b', '"org.x"="y z"', 'c="d"', "e='f g'"), { minLength: 1, maxLength: 3 }))),
    line('ARG', fc.constantFrom('A', 'B=1', 'C="x y"', 'D', 'E=${A}')),
    line('WORKDIR', fc.constantFrom('/src', '/go/src/app', '$HOME')),
    line('USER', fc.constantFrom('nobody', '1000:1000')),
    line('EXPOSE', fc.constantFrom('80', '8080/tcp')),
    line('VOLUME', fc.constantFrom('["/data"]', '/data')),
    line('SHELL', fc.constantFrom('["/bin/sh", "-c"]')),
    line(
      'HEALTHCHECK',
      fc.oneof(
        fc.constant('NONE'),
        words(1, 2).map((w) => `--interval=5s CMD ${w}`),
      ),
    ),
    line(
      'ONBUILD',
      fc.oneof(
        words(1, 3).map((w) => `RUN ${w}`),
        fc.constant(`COPY <<EOF /x${eol}body${eol}EOF`),
      ),
    ),
    line(
      'CMD',
      words(0, 2).map((w) => `cat <<EOF ${w}`),
    ),
    heredoc,
  );
  const gap = fc.array(fc.constantFrom(eol, `# a comment${eol}`, `  # indented${eol}`, `#${eol}`), { maxLength: 2 }).map((g) => g.join(''));
  return fc
    .tuple(
      fc.constantFrom('golang:1.22', 'golang:1.22 AS build', 'scratch', '${BASE}'),
      fc.array(fc.tuple(gap, instruction), { minLength: 1, maxLength: 6 }),
      fc.boolean(),
    )
    .map(([image, body, trailingEol]) => {
      const directives = [file.syntax ? '# syntax=docker/dockerfile:1' : '', file.backtick ? '# escape=`' : ''].filter(Boolean).map((d) => d + eol);
      const text =
        (file.bom ? '\uFEFF' : '') +
        directives.join('') +
        `${keyword('ARG')} BASE=alpine${eol}${keyword('FROM')} ${image}${eol}` +
        body.map(([g, i]) => g + i).join(eol) +
        (trailingEol ? eol : '');
      return text;
    });
});

describe('the parser builds the model dockerfile-ast gave, on generated Dockerfiles', () => {
  it('same model and the same verdict', () => {
    fc.assert(
      fc.property(dockerfile, (text) => expectSameModel(text)),
      { numRuns: FUZZ_RUNS, ...(FUZZ_SEED === undefined ? {} : { seed: FUZZ_SEED }) },
    );
  });
});

/** The span of the `nth` occurrence of `needle` in `text`. */
function spanOf(text: string, needle: string, nth = 0): { start: number; end: number } {
  let start = text.indexOf(needle);
  for (let i = 0; i < nth; i++) start = text.indexOf(needle, start + 1);
  if (start < 0) throw new Error(`${needle} not in ${text}`);
  return { start, end: start + needle.length };
}

describe('the readings that are easy to get wrong', () => {
  it('a comment line inside a continued RUN is a comment, and the RUN goes on after it', () => {
    const text = 'FROM a\nRUN echo x \\\n  # note \\\n  y\n';
    const model = parseDockerfile(text);
    const run = model.instructions[1]!;
    expect(run.args).toEqual([
      { value: 'echo', span: spanOf(text, 'echo') },
      { value: 'x', span: spanOf(text, 'x') },
      { value: 'y', span: spanOf(text, 'y') },
    ]);
    expect(run.span).toEqual({ start: spanOf(text, 'RUN').start, end: spanOf(text, 'y').end });
    expect(model.comments).toEqual([{ text: 'note \\', span: spanOf(text, '# note \\'), line: 3 }]);
  });

  it('a doubled escape char at the end of a line is an escaped escape char, no continuation', () => {
    const text = 'FROM a\nRUN echo \\\\\nRUN b\n';
    const model = parseDockerfile(text);
    expect(model.instructions.map((i) => i.keyword)).toEqual(['FROM', 'RUN', 'RUN']);
    expect(model.instructions[1]!.args[1]).toEqual({ value: '\\', span: spanOf(text, '\\\\') });
    expect(model.instructions[1]!.span.end).toBe(spanOf(text, '\\\\').end);
  });

  it('an escape char after an escaped blank still continues the line', () => {
    const text = 'FROM a\nRUN echo a\\  \\\n  b\n';
    const model = parseDockerfile(text);
    expect(model.instructions).toHaveLength(2);
    expect(model.instructions[1]!.args.map((a) => [a.value, text.slice(a.span.start, a.span.end)])).toEqual([
      ['echo', 'echo'],
      ['a\\', 'a\\'],
      ['b', 'b'],
    ]);
  });

  it('a heredoc in a CRLF file: its body without the line breaks around it', () => {
    const text = 'FROM a\r\nRUN <<EOF\r\necho hi\r\nEOF\r\nRUN b\r\n';
    const model = parseDockerfile(text);
    expect(model.instructions[1]!.heredocs).toEqual([{ name: 'EOF', contentSpan: spanOf(text, 'echo hi'), terminated: true }]);
    expect(model.instructions[1]!.span).toEqual({ start: spanOf(text, 'RUN').start, end: spanOf(text, 'EOF', 1).end });
    expect(model.instructions[2]!.line).toBe(5);
  });

  it('<<- heredocs end at a tab-indented delimiter', () => {
    const text = 'FROM a\nCOPY <<-EOT /x\n\tline\n\tEOT\nRUN b\n';
    const [heredoc] = parseDockerfile(text).instructions[1]!.heredocs;
    expect(heredoc).toEqual({ name: 'EOT', contentSpan: { start: spanOf(text, '\tline').start, end: spanOf(text, 'line').end }, terminated: true });
  });

  it('a lone carriage return breaks no line', () => {
    const text = 'FROM a\nRUN echo a\rb\nRUN c\n';
    const model = parseDockerfile(text);
    expect(model.instructions.map((i) => [i.keyword, i.line])).toEqual([
      ['FROM', 1],
      ['RUN', 2],
      ['RUN', 3],
    ]);
    expect(model.instructions[1]!.args.map((a) => a.span)).toEqual([spanOf(text, 'echo'), spanOf(text, 'a', 1), spanOf(text, 'b')]);
  });

  it('ONBUILD registers a trigger with its own keyword, flags and mounts', () => {
    const text = 'FROM a\nONBUILD RUN --mount=type=cache,target=/x go build\n';
    const trigger = parseDockerfile(text).instructions[1]!.trigger!;
    expect(trigger.keyword).toBe('RUN');
    expect(trigger.keywordSpan).toEqual(spanOf(text, 'RUN'));
    expect(trigger.span).toEqual({ start: spanOf(text, 'RUN').start, end: spanOf(text, 'build').end });
    expect(trigger.flags).toEqual([
      { name: 'mount', value: 'type=cache,target=/x', span: spanOf(text, '--mount=type=cache,target=/x'), valueSpan: spanOf(text, 'type=cache,target=/x') },
    ]);
    expect(trigger.mounts[0]?.target).toBe('/x');
    expect(trigger.args.map((a) => a.value)).toEqual(['go', 'build']);
  });

  it('ENV and LABEL pairs, and the legacy ENV key value', () => {
    const text = 'FROM a\nENV A=1 B="x y"\nENV KEY some value\nLABEL "org.x"="y z"\n';
    const [, env, legacy, label] = parseDockerfile(text).instructions;
    expect(env!.properties).toEqual([
      { name: 'A', value: '1', span: spanOf(text, 'A=1') },
      { name: 'B', value: 'x y', span: spanOf(text, 'B="x y"') },
    ]);
    expect(legacy!.properties).toEqual([{ name: 'KEY', value: 'some value', span: spanOf(text, 'KEY some value') }]);
    expect(label!.properties).toEqual([{ name: 'org.x', value: 'y z', span: spanOf(text, '"org.x"="y z"') }]);
  });

  it('a directive whose value has blanks does not end the directives: the # escape= below it counts', () => {
    const text = '# check=skip=all foo\n# escape=`\nFROM a\nRUN echo a `\n  b\n';
    const model = parseDockerfile(text);
    expect(model.escapeChar).toBe('`');
    expect(model.comments).toEqual([]);
    expect(model.instructions[1]!.args.map((a) => a.value)).toEqual(['echo', 'a', 'b']);
    expect(findSyntaxProblem(model)).toBeUndefined();
  });

  it('flags are the leading --words only, as BuildKit reads them', () => {
    const text = 'FROM a\nRUN a--b --mount=type=cache,target=/x true\n';
    const run = parseDockerfile(text).instructions[1]!;
    expect(run.flags).toEqual([]);
    expect(run.mounts).toEqual([]);
    expect(run.args.map((a) => a.value)).toEqual(['a--b', '--mount=type=cache,target=/x', 'true']);
  });

  it('CMD reads no heredoc: `CMD cat <<EOF` is plain text to BuildKit', () => {
    const model = parseDockerfile('FROM a\nCMD cat <<EOF\n');
    expect(model.instructions[1]!.heredocs).toEqual([]);
    expect(findSyntaxProblem(model)).toBeUndefined();
  });

  it('a byte-order mark is no part of the first instruction', () => {
    const text = '\uFEFFFROM a\n';
    const model = parseDockerfile(text);
    expect(model.bom).toBe(true);
    expect(model.instructions[0]!.keywordSpan).toEqual({ start: 1, end: 5 });
  });
});
