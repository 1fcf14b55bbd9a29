import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../../src/model/dockerfile.js';
import { analyzeDockerfile } from '../../src/model/semantic.js';

function modelOf(text: string) {
  return analyzeDockerfile(parseDockerfile(text));
}

const TEXT = [
  'ARG GO=1.25',
  'ARG IMAGE=golang:${GO}',
  'FROM ${IMAGE} AS build',
  'ARG GO',
  'ENV GOCACHE=/cache/go',
  'USER 1000',
  'WORKDIR src',
  'RUN go env -w GOFLAGS=-mod=mod && go build ./...',
  'RUN go build ./...',
  'FROM build AS test',
  'RUN go test ./...',
  '',
].join('\n');

describe('the semantic model', () => {
  it('resolves the global ARGs once, for the FROM lines and the stage ARGs that name them', () => {
    const model = modelOf(TEXT);
    expect(model.globalArgs.values.get('IMAGE')).toEqual({ value: 'golang:1.25', certain: false, origin: 'arg' });
    expect(model.stages[0]!.resolvedImage).toBe('golang:1.25');
    const run = model.stages[0]!.instructions.find((i) => i.keyword === 'RUN')!;
    expect(model.env(run).vars.get('GO')).toEqual({ value: '1.25', certain: false, origin: 'arg' });
    // The prelude's second ARG is read with only the first one declared.
    expect([...model.env(model.instructions[1]!).vars.keys()]).toEqual(['GO']);
  });

  it('tells where each value comes from: arg, env, image or default', () => {
    const model = modelOf(TEXT);
    const [first, second] = model.stages[0]!.instructions.filter((i) => i.keyword === 'RUN');
    const env = model.env(first!);
    expect(env.vars.get('GOPATH')?.origin).toBe('image');
    expect(env.vars.get('GOCACHE')).toEqual({ value: '/cache/go', certain: true, origin: 'env' });
    expect(env.workdir).toEqual({ value: '/go/src', certain: true, origin: 'env' });
    expect([env.user, env.userOrigin]).toEqual(['1000', 'env']);
    expect(env.home).toEqual({ value: undefined, certain: false, origin: 'default' });
    // GOCACHE is set; GOMODCACHE is Go's default under the image's GOPATH.
    expect([model.goPaths(first!).gocache.origin, model.goPaths(first!).gomodcache.origin]).toEqual(['env', 'default']);
    // What the first RUN wrote with `go env -w` is in effect for the second.
    expect(model.env(second!).goEnv.get('GOFLAGS')).toEqual({ value: '-mod=mod', certain: true, origin: 'env' });
  });

  it('scopes ARGs to their stage: a stage built FROM another keeps its ENV, USER and WORKDIR, not its ARGs', () => {
    const model = modelOf(TEXT);
    const test = model.stages[1]!.instructions.find((i) => i.keyword === 'RUN')!;
    const env = model.env(test);
    expect(env.vars.has('GO')).toBe(false);
    expect(env.vars.get('GOCACHE')?.origin).toBe('env');
    expect([env.user, env.workdir.value]).toEqual(['1000', '/go/src']);
  });

  it('reads each RUN once, when it is built: every question gets the same answer object', () => {
    const model = modelOf(TEXT);
    const run = model.instructions.find((i) => i.keyword === 'RUN')!;
    expect(model.run(run)).toBe(model.run(run));
    expect(model.run(run).go.map((g) => g.subcommand)).toEqual(['env', 'build']);
    expect(model.goPaths(run)).toBe(model.goPaths(run));
  });

  it('gives root without a USER the default HOME, certain only in a golang image', () => {
    const golang = modelOf('FROM golang:1.25\nRUN go build\n');
    const other = modelOf('FROM debian\nRUN go build\n');
    expect(golang.env(golang.instructions[1]!).home).toEqual({ value: '/root', certain: true, origin: 'default' });
    expect(other.env(other.instructions[1]!).home).toEqual({ value: '/root', certain: false, origin: 'default' });
    expect(other.env(other.instructions[1]!).userOrigin).toBe('default');
  });

  it('lists per stage, in order, only the instructions that put files into the image', () => {
    const model = modelOf(
      'FROM golang:1.25 AS build\nCOPY go.mod .\nRUN go mod download\nRUN <<EOF cat > x.sh\necho\nEOF\nADD https://example.com/a /a\nENV A=1\nFROM busybox\nCOPY --from=build /x /x\nRUN true\n',
    );
    const lines = (stage: number): number[] => model.placing(model.stages[stage]!).map((i) => i.line);
    expect(lines(0)).toEqual([2, 4, 7]);
    expect(lines(1)).toEqual([10]);
    expect(model.placing(model.stages[0]!)).toBe(model.placing(model.stages[0]!));
  });
});
