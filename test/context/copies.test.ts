import { describe, expect, it } from 'vitest';
import { copiedFrom } from '../../src/context/copies.js';
import { parseDockerfile } from '../../src/model/dockerfile.js';

/** The context paths the COPYs before the last RUN of `text` took `file` from. */
function sources(text: string, file: string): string[] {
  const model = parseDockerfile(text);
  const run = model.instructions.filter((i) => i.keyword === 'RUN').pop()!;
  return copiedFrom(model, run, file);
}

describe('copiedFrom', () => {
  it('a directory copied to a directory: the script under it comes from the source directory', () => {
    // The shape of kaniko's and cloudflared's builders: scripts copied into a bin directory, then run from there.
    expect(sources('FROM golang:1.25\nCOPY hack/ /usr/local/bin/\nRUN /usr/local/bin/build.sh\n', '/usr/local/bin/build.sh')).toEqual(['hack/build.sh']);
  });

  it('a file copied to a file path, and a file copied into a directory', () => {
    expect(sources('FROM golang:1.25\nCOPY scripts/build.sh /build.sh\nRUN /build.sh\n', '/build.sh')).toEqual(['scripts/build.sh']);
    // Whether a source is a file or a directory only the context knows: the file reading comes first.
    expect(sources('FROM golang:1.25\nCOPY scripts/build.sh go.mod /opt/\nRUN /opt/build.sh\n', '/opt/build.sh')[0]).toBe('scripts/build.sh');
  });

  it('relative destinations and relative script paths are under the WORKDIR', () => {
    expect(sources('FROM golang:1.25\nWORKDIR /src\nCOPY . .\nRUN ./tools/gen.sh\n', './tools/gen.sh')).toEqual(['tools/gen.sh']);
    expect(sources('FROM golang:1.25\nWORKDIR /src\nCOPY ci ci\nWORKDIR /src/ci\nRUN ./build.sh\n', './build.sh')).toEqual(['ci/build.sh']);
  });

  it('the latest copy comes first; build args and env in the paths are expanded', () => {
    const text = 'FROM golang:1.25\nARG DIR=/work\nCOPY old/ ${DIR}/\nCOPY ["new/", "${DIR}/"]\nRUN /work/run.sh\n';
    expect(sources(text, '/work/run.sh')).toEqual(['new/run.sh', 'old/run.sh']);
  });

  it('a glob copies matching files by base name', () => {
    expect(sources('FROM golang:1.25\nCOPY scripts/*.sh /usr/bin/\nRUN /usr/bin/build.sh\n', '/usr/bin/build.sh')).toEqual(['scripts/build.sh']);
  });

  it('copies from a base stage count; COPY --from, ADD of a URL, copies after the RUN and paths outside the context do not', () => {
    const text = [
      'FROM golang:1.25 AS base',
      'COPY hack/ /opt/hack/',
      'FROM base AS build',
      'COPY --from=base /opt/hack/ /x/',
      'ADD https://example.com/build.sh /y/build.sh',
      'COPY ../outside/ /z/',
      'RUN /opt/hack/build.sh /x/build.sh /y/build.sh /z/build.sh',
      'COPY late/ /opt/hack/',
    ].join('\n');
    const model = parseDockerfile(text);
    const run = model.instructions.find((i) => i.keyword === 'RUN')!;
    expect(copiedFrom(model, run, '/opt/hack/build.sh')).toEqual(['hack/build.sh']);
    for (const file of ['/x/build.sh', '/y/build.sh', '/z/build.sh']) expect(copiedFrom(model, run, file)).toEqual([]);
  });
});
