import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builderImage, chooseEditFile, editedSource, forwardedEnv, needsHostNetwork, withStageArgs } from '../../src/bench/plan.js';
import { compiledPackages, failureTail, parseRawJson } from '../../src/bench/rawjson.js';
import { renderHtml, renderMarkdown, renderTable } from '../../src/bench/render.js';
import { summarize } from '../../src/bench/stats.js';
import type { BenchReport } from '../../src/bench/types.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('rawjson', () => {
  it('reads steps, durations and cache hits from a real stream', () => {
    const steps = parseRawJson(readFileSync(path.join(import.meta.dirname, 'busybox-cache-mount.rawjson'), 'utf8'));
    const run = steps.find((s) => s.name.startsWith('[stage-0 2/2] RUN'))!;
    expect(run.seconds).toBeGreaterThan(0.2);
    expect(run.seconds).toBeLessThan(0.3);
    expect(steps.map((s) => s.name)).toContain('exporting to image');
  });

  it('keeps nanosecond precision, joins logs, marks cached and failed steps', () => {
    const stream = [
      JSON.stringify({ vertexes: [{ digest: 'a', name: '[b 2/3] RUN go build -v .', started: '2026-01-01T00:00:01.100000001Z' }] }),
      JSON.stringify({ logs: [{ vertex: 'a', stream: 2, data: b64('fmt\nexample.com/app\n') }] }),
      'not json',
      JSON.stringify({ logs: [{ vertex: 'a', stream: 2, data: b64('example.com/app/internal/x\n') }] }),
      JSON.stringify({ vertexes: [{ digest: 'a', name: '[b 2/3] RUN go build -v .', started: '2026-01-01T00:00:01.100000001Z', completed: '2026-01-01T00:00:03.350000001Z' }] }),
      JSON.stringify({ vertexes: [{ digest: 'c', name: '[b 1/3] COPY . .', cached: true, started: '2026-01-01T00:00:01Z', completed: '2026-01-01T00:00:01.5Z' }] }),
      JSON.stringify({ vertexes: [{ digest: 'd', name: '[b 3/3] RUN false', started: '2026-01-01T00:00:04Z', completed: '2026-01-01T00:00:04.2Z', error: 'exit code: 1' }] }),
      JSON.stringify({ logs: [{ vertex: 'd', data: b64('line one\nboom\n') }] }),
    ].join('\n');
    const steps = parseRawJson(stream);
    expect(steps[0]!.seconds).toBeCloseTo(2.25, 6);
    expect(compiledPackages(steps[0]!.log)).toEqual(['fmt', 'example.com/app', 'example.com/app/internal/x']);
    expect(steps[1]).toMatchObject({ cached: true, seconds: 0 });
    expect(failureTail(steps)).toBe('[b 3/3] RUN false: exit code: 1\nline one\nboom');
  });

  it('does not take build chatter for packages', () => {
    expect(compiledPackages('#5 0.3 go: downloading example.com/x v1.0.0\n1.25\nHello, world!\nruntime/internal/sys\n')).toEqual(['runtime/internal/sys']);
  });
});

describe('stats', () => {
  it('median, min, max', () => {
    expect(summarize([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
    expect(summarize([4, 1, 2, 3])).toEqual({ median: 2.5, min: 1, max: 4 });
    expect(summarize([])).toBeUndefined();
  });
});

describe('bench plan', () => {
  it('declares the bench args right after every FROM, keeping CRLF', () => {
    const out = withStageArgs('FROM golang:1.25 AS b\r\nRUN go build .\r\nFROM busybox\r\nCOPY --from=b /x /x', ['WARMBUILD_BENCH_RUN', 'GOFLAGS']);
    expect(out).toBe('FROM golang:1.25 AS b\r\nARG WARMBUILD_BENCH_RUN GOFLAGS\r\nRUN go build .\r\nFROM busybox\r\nARG WARMBUILD_BENCH_RUN GOFLAGS\r\nCOPY --from=b /x /x');
  });

  it('edits a main package file, preferring main.go near the root', () => {
    const files = [
      { path: 'internal/x/x.go', text: 'package x\n' },
      { path: 'cmd/tool/main.go', text: 'package main\n' },
      { path: 'main_test.go', text: 'package main\n' },
      { path: 'app.go', text: '// doc\npackage main\n' },
      { path: 'main.go', text: 'package main\n' },
    ];
    expect(chooseEditFile(files)).toBe('main.go');
    expect(chooseEditFile(files.filter((f) => f.path !== 'main.go'))).toBe('app.go');
    expect(chooseEditFile([{ path: 'lib.go', text: 'package lib\n' }])).toBeUndefined();
    expect(editedSource('package main', '1')).toBe('package main\n// warmbuild bench edit 1\n');
  });

  it('finds the builder image through global ARGs and forwards Go env', () => {
    expect(builderImage('ARG GO=1.25\nFROM golang:${GO}-trixie AS b\nFROM busybox\n')).toBe('golang:1.25-trixie');
    expect(builderImage('FROM alpine\n')).toBeUndefined();
    const env = forwardedEnv({ GOPROXY: 'http://127.0.0.1:3000', GOFLAGS: '-mod=mod', HOME: '/root' });
    expect(env).toEqual({ GOPROXY: 'http://127.0.0.1:3000', GOFLAGS: '-v -mod=mod' });
    expect(needsHostNetwork(env)).toBe(true);
    expect(needsHostNetwork({ GOPROXY: 'https://proxy.golang.org' })).toBe(false);
  });
});

const report: BenchReport = {
  version: 1,
  engine: { engine: '28.5.2', buildx: '0.29.1', buildkit: 'v0.25.1', driver: 'docker', cpus: 2 },
  project: '/p',
  runs: 3,
  variants: ['original', 'fixed'],
  scenarios: ['cold', 'edit'],
  skipped: [{ scenario: 'deps', reason: 'no module proxy answers' }],
  results: [
    { variant: 'original', scenario: 'cold', seconds: [10, 11, 12], median: 11, min: 10, max: 12, steps: [], packages: [] },
    { variant: 'original', scenario: 'edit', seconds: [9, 10, 11], median: 10, min: 9, max: 11, steps: [{ name: 'RUN go build', seconds: 9.5 }], packages: [Array(61).fill('p')] },
    { variant: 'fixed', scenario: 'cold', seconds: [], median: 0, min: 0, max: 0, steps: [], packages: [], error: 'RUN go build: exit code: 1\nboom' },
    { variant: 'fixed', scenario: 'edit', seconds: [1, 1, 1.5], median: 1, min: 1, max: 1.5, steps: [{ name: 'RUN go build', seconds: 0.6 }, { name: 'exporting to image', seconds: 0.1 }], packages: [['example.com/app']] },
  ],
  native: { image: 'golang:1.25', package: '.', edit: { seconds: [0.25], median: 0.25, packages: [['example.com/app']] } },
};

describe('bench rendering', () => {
  it('table: medians with ranges, speedups, native ratio, failures, skipped scenarios, slowest steps', () => {
    const out = renderTable(report);
    expect(out).toMatch(/original +11\.0 s \(10\.0 s–12\.0 s\) +10\.0 s \(9\.00 s–11\.0 s\) +40\.0×/);
    expect(out).toMatch(/fixed +FAILED +1\.00 s \(1\.00 s–1\.50 s\) +10\.0× +4\.0×/);
    expect(out).toContain('skipped dependency change: no module proxy answers');
    expect(out).toContain('fixed, one-file edit: RUN go build 0.60 s; exporting to image 0.10 s (go build -v compiled 1 package)');
    expect(out).toContain('fixed failed in cold:\nRUN go build: exit code: 1\nboom');
    expect(out).toContain('engine 28.5.2, buildx 0.29.1, BuildKit v0.25.1, driver docker, 2 CPUs');
  });

  it('markdown: a pipe table for a PR comment', () => {
    const out = renderMarkdown(report);
    expect(out).toContain('| variant | cold | speedup | one-file edit | speedup | edit vs native |');
    expect(out).toContain('| fixed | FAILED |  | 1.00 s (1.00 s–1.50 s) | 10.0× | 4.0× |');
  });

  it('html: self-contained, with an SVG bar per variant and scenario', () => {
    const html = renderHtml(report);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/(src|href)=/);
    expect(html.match(/<rect /g)).toHaveLength(6);
    expect(html).toContain('<title>fixed: 1.00 s</title>');
    expect(html).toContain('<title>native: 0.25 s</title>');
  });
});
