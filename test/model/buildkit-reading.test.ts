import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDockerfile } from '../../src/model/dockerfile.js';
import { findSyntaxProblem } from '../../src/model/validate.js';
import { hasDocker, run } from '../support/docker.js';

/**
 * BuildKit's reading is the reading: each case is a place where dockerfile-ast (or an earlier version
 * of warmbuild) read a Dockerfile differently from BuildKit's parser
 * (moby/buildkit frontend/dockerfile/parser/{parser,directives}.go). warmbuild must accept exactly
 * what BuildKit accepts; with an engine, `docker buildx build --call=check` confirms each verdict.
 */
interface Case {
  name: string;
  text: string;
  accepted: boolean;
  /** Instructions warmbuild must see, when accepted. */
  instructions?: number;
}

const cases: Case[] = [
  {
    name: 'an ordinary comment above # escape= ends the directives: the backtick is no escape char',
    text: '# warmbuild ignore=WB101\n# escape=`\nFROM busybox\nRUN echo a `\n  b\n',
    accepted: false,
  },
  { name: 'an unknown directive above # escape= ends the directives', text: '# foo=bar\n# escape=`\nFROM busybox\nRUN echo a `\n  b\n', accepted: false },
  {
    name: 'an ordinary comment above # escape= leaves the backslash continuing lines',
    text: '# a comment\n# escape=`\nFROM busybox\nRUN echo a \\\n  b\n',
    accepted: true,
    instructions: 2,
  },
  { name: 'a directive with leading blanks is a directive', text: '  # escape=`\nFROM busybox\nRUN echo a `\n  b\n', accepted: true, instructions: 2 },
  { name: 'directive names are case-insensitive', text: '# ESCAPE=`\nFROM busybox\nRUN echo a `\n  b\n', accepted: true, instructions: 2 },
  { name: 'a doubled escape char at the end of a line does not continue it', text: 'FROM busybox\nRUN echo \\\\\n  b\n', accepted: false },
  {
    name: 'a doubled escape char at the end of a line ends the instruction',
    text: 'FROM busybox\nRUN echo \\\\\nRUN echo b\n',
    accepted: true,
    instructions: 3,
  },
  { name: 'a doubled backtick at the end of a line does not continue it', text: '# escape=`\nFROM busybox\nRUN echo ``\n  b\n', accepted: false },
  { name: 'an escape char after an escaped blank continues the line', text: 'FROM busybox\nRUN echo a\\\\ \\\n  b\n', accepted: true, instructions: 2 },
  { name: 'an escaped blank before a continuation', text: 'FROM busybox\nRUN echo a\\  \\\n  b\n', accepted: true, instructions: 2 },
  { name: 'an unterminated heredoc is rejected', text: 'FROM busybox\nRUN <<EOF\necho hi\n', accepted: false },
  { name: 'a heredoc whose delimiter has trailing text is unterminated', text: 'FROM busybox\nRUN <<EOF\necho hi\nEOF x\n', accepted: false },
  { name: 'a terminated heredoc is accepted', text: 'FROM busybox\nRUN <<EOF\necho hi\nEOF\n', accepted: true, instructions: 2 },
  { name: 'an unterminated heredoc in ONBUILD is rejected', text: 'FROM busybox\nONBUILD RUN <<EOF\necho hi\n', accepted: false },
  { name: 'a repeated escape directive is rejected', text: '# escape=`\n# escape=`\nFROM busybox\n', accepted: false },
  { name: 'a repeated check directive is rejected', text: '# check=skip=all\n# check=skip=all\nFROM busybox\n', accepted: false },
  { name: 'a repeated directive after the directives end is a comment', text: '# escape=`\n\n# escape=`\nFROM busybox\n', accepted: true, instructions: 1 },
  { name: 'an empty # escape= is a comment', text: '# escape=\nFROM busybox\nRUN echo a \\\n  b\n', accepted: true, instructions: 2 },
  { name: 'a lone carriage return breaks no line: a CR-only file is one FROM line', text: 'FROM busybox\rRUN echo hi\r', accepted: false },
  { name: 'a lone carriage return inside a RUN is part of its line', text: 'FROM busybox\nRUN echo a \\\r  b\n', accepted: true, instructions: 2 },
  { name: 'CRLF line breaks continue lines', text: 'FROM busybox\r\nRUN echo a \\\r\n  b\r\n', accepted: true, instructions: 2 },
  { name: 'FROM takes one or three arguments', text: 'FROM busybox AS\n', accepted: false },
  { name: 'CMD reads no heredoc: an opener without a body is plain text', text: 'FROM busybox\nCMD cat <<EOF\n', accepted: true, instructions: 2 },
  {
    name: 'a directive whose value has blanks is still one: the # escape= below it counts',
    text: '# check=skip=all foo\n# escape=`\nFROM busybox\nRUN echo a `\n  b\n',
    accepted: true,
    instructions: 2,
  },
  { name: 'an escape directive of another character is rejected', text: '# escape=x\nFROM busybox\n', accepted: false },
  { name: 'an escape directive of two characters is rejected', text: '# escape=\\ x\nFROM busybox\n', accepted: false },
];

describe('warmbuild reads Dockerfiles as BuildKit does', () => {
  for (const c of cases) {
    it(`${c.name}: ${c.accepted ? 'accepted' : 'rejected'}`, () => {
      const model = parseDockerfile(c.text);
      const problem = findSyntaxProblem(model);
      expect(problem === undefined, problem?.message).toBe(c.accepted);
      if (c.instructions !== undefined) expect(model.instructions.map((i) => i.keyword)).toHaveLength(c.instructions);
    });
  }
});

describe.skipIf(!hasDocker)('BuildKit agrees (docker buildx build --call=check)', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'warmbuild-reading-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each(cases.map((c, i) => [i, c.name, c] as const))(
    'case %i: %s',
    async (i, _name, c) => {
      const file = path.join(scratch, `case-${i}.Dockerfile`);
      writeFileSync(file, c.text);
      const result = await run('docker', ['buildx', 'build', '--call=check,format=json', '-f', file, scratch]);
      const json = result.stdout.slice(result.stdout.indexOf('{'));
      const buildError = json.startsWith('{') ? (JSON.parse(json) as { buildError?: { message: string } }).buildError?.message : result.stderr;
      expect(buildError === undefined, buildError).toBe(c.accepted);
    },
    60_000,
  );
});
