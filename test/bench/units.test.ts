import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  builderImage,
  chooseEditFile,
  editedSource,
  forwardedEnv,
  needsHostNetwork,
  platformContexts,
  samePlatform,
  stagePlatform,
  withStageArgs,
} from '../../src/bench/plan.js';
import { compiledPackages, failureTail, parseRawJson } from '../../src/bench/rawjson.js';
import { renderHtml, renderMarkdown, renderTable } from '../../src/bench/render.js';
import { fixedVariant } from '../../src/bench/run.js';
import { summarize } from '../../src/bench/stats.js';
import type { BenchReport } from '../../src/bench/types.js';
import { analyzeGoProject } from '../../src/go/project.js';
import { fixFiles } from '../../src/runner.js';

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
      JSON.stringify({
        vertexes: [{ digest: 'a', name: '[b 2/3] RUN go build -v .', started: '2026-01-01T00:00:01.100000001Z', completed: '2026-01-01T00:00:03.350000001Z' }],
      }),
      JSON.stringify({
        vertexes: [{ digest: 'c', name: '[b 1/3] COPY . .', cached: true, started: '2026-01-01T00:00:01Z', completed: '2026-01-01T00:00:01.5Z' }],
      }),
      JSON.stringify({
        vertexes: [{ digest: 'd', name: '[b 3/3] RUN false', started: '2026-01-01T00:00:04Z', completed: '2026-01-01T00:00:04.2Z', error: 'exit code: 1' }],
      }),
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
    expect(out).toBe(
      'FROM golang:1.25 AS b\r\nARG WARMBUILD_BENCH_RUN GOFLAGS\r\nRUN go build .\r\nFROM busybox\r\nARG WARMBUILD_BENCH_RUN GOFLAGS\r\nCOPY --from=b /x /x',
    );
  });

  it('edits a file the build compiles: main.go of the root package first, never a file build constraints exclude', () => {
    const mains = (files: Record<string, string>) => analyzeGoProject({ paths: Object.keys(files), texts: files, hasGit: false }, '/p').mainPackages;
    const base = { 'go.mod': 'module example.com/app\n\ngo 1.25\n', 'internal/x/x.go': 'package x\n' };
    expect(
      chooseEditFile(
        mains({
          ...base,
          'cmd/tool/main.go': 'package main\n',
          'main_test.go': 'package main\n',
          'app.go': '// doc\npackage main\n',
          'main.go': 'package main\n',
        }),
      ),
    ).toBe('main.go');
    expect(chooseEditFile(mains({ ...base, 'cmd/tool/main.go': 'package main\n', 'app.go': '// doc\npackage main\n' }))).toBe('app.go');
    // A generator beside the real main (the //go:build ignore file bench used to edit, compiling nothing new).
    expect(chooseEditFile(mains({ ...base, 'aaa_gen.go': '//go:build ignore\n\npackage main\n', 'server.go': 'package main\n' }))).toBe('server.go');
    expect(
      chooseEditFile(
        mains({ ...base, 'main.go': '//go:build ignore\n\npackage main\n', 'cmd/app/main.go': 'package main\n', 'cmd/app/z/z/main.go': 'package main\n' }),
      ),
    ).toBe('cmd/app/main.go');
    expect(chooseEditFile(mains({ ...base, 'lib.go': 'package lib\n' }))).toBeUndefined();
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
    {
      variant: 'original',
      scenario: 'edit',
      seconds: [9, 10, 11],
      median: 10,
      min: 9,
      max: 11,
      steps: [{ name: 'RUN go build', seconds: 9.5 }],
      packages: [Array(61).fill('p')],
    },
    { variant: 'fixed', scenario: 'cold', seconds: [], median: 0, min: 0, max: 0, steps: [], packages: [], error: 'RUN go build: exit code: 1\nboom' },
    {
      variant: 'fixed',
      scenario: 'edit',
      seconds: [1, 1, 1.5],
      median: 1,
      min: 1,
      max: 1.5,
      steps: [
        { name: 'RUN go build', seconds: 0.6 },
        { name: 'exporting to image', seconds: 0.1 },
      ],
      packages: [['example.com/app']],
    },
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

describe('bench for several platforms', () => {
  const EMULATED = 'FROM golang:1.25 AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /app /app\n';
  const CROSS =
    'FROM --platform=$BUILDPLATFORM golang:1.25 AS build\nRUN go build -o /app .\nFROM build AS again\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /app /app\n';
  const images = [
    { ref: 'golang:1.25', local: 'wb/golang:arm64', platform: 'linux/arm64' },
    { ref: 'gcr.io/distroless/static-debian12', local: 'wb/static:arm64', platform: 'linux/arm64/v8' },
  ];

  it('resolves each stage platform from its --platform flag', () => {
    expect(stagePlatform(undefined, 'linux/arm64', 'linux/amd64')).toBe('linux/arm64');
    expect(stagePlatform('$BUILDPLATFORM', 'linux/arm64', 'linux/amd64')).toBe('linux/amd64');
    expect(stagePlatform('${BUILDOS}/${BUILDARCH}', 'linux/arm64', 'linux/amd64')).toBe('linux/amd64');
    expect(stagePlatform('$TARGETPLATFORM', 'linux/arm64', 'linux/amd64')).toBe('linux/arm64');
    expect(samePlatform('linux/arm64/v8', 'linux/arm64')).toBe(true);
    expect(samePlatform('linux/arm/v7', 'linux/arm64')).toBe(false);
  });

  it('gives a stage the stand-in image of the platform it runs on, and only that stage', () => {
    expect(platformContexts(EMULATED, 'linux/arm64', 'linux/amd64', images)).toEqual({
      'golang:1.25': 'docker-image://wb/golang:arm64',
      'gcr.io/distroless/static-debian12': 'docker-image://wb/static:arm64',
    });
    // The cross-compiling builder stays on the build platform's own golang image.
    expect(platformContexts(CROSS, 'linux/arm64', 'linux/amd64', images)).toEqual({ 'gcr.io/distroless/static-debian12': 'docker-image://wb/static:arm64' });
    expect(platformContexts(EMULATED, 'linux/amd64', 'linux/amd64', images)).toEqual({});
  });

  it('renders one row per variant and platform, speedups against the same platform, and the cold steps', () => {
    const result = (variant: string, platform: string, scenario: 'cold' | 'edit', median: number, step: string) => ({
      variant,
      platform,
      scenario,
      seconds: [median],
      median,
      min: median,
      max: median,
      steps: [{ name: step, seconds: median - 1 }],
      packages: [['p']],
    });
    const multi: BenchReport = {
      ...report,
      runs: 1,
      platforms: ['linux/amd64', 'linux/arm64'],
      buildPlatform: 'linux/amd64',
      skipped: [],
      native: undefined,
      results: [
        result('original', 'linux/amd64', 'cold', 30, '[build 5/5] RUN go build'),
        result('original', 'linux/amd64', 'edit', 20, '[build 5/5] RUN go build'),
        result('original', 'linux/arm64', 'cold', 300, '[linux/arm64 build 5/5] RUN go build'),
        result('original', 'linux/arm64', 'edit', 200, '[linux/arm64 build 5/5] RUN go build'),
        result('fixed', 'linux/amd64', 'cold', 25, '[build 5/5] RUN go build'),
        result('fixed', 'linux/amd64', 'edit', 2, '[build 5/5] RUN go build'),
        result('fixed', 'linux/arm64', 'cold', 30, '[build 5/5] RUN GOOS=linux go build'),
        result('fixed', 'linux/arm64', 'edit', 2.5, '[build 5/5] RUN GOOS=linux go build'),
      ],
    };
    const out = renderTable(multi);
    expect(out).toContain('built on linux/amd64 for linux/amd64, linux/arm64, one build per platform');
    expect(out).toMatch(/^original linux\/arm64 +300\.0 s +200\.0 s/m);
    expect(out).toMatch(/^fixed linux\/arm64 +30\.0 s +10\.0× +2\.50 s +80\.0×/m);
    expect(out).toMatch(/^fixed linux\/amd64 +25\.0 s +1\.2× +2\.00 s +10\.0×/m);
    expect(out).toContain('original linux/arm64, cold: [linux/arm64 build 5/5] RUN go build 299.0 s');
    expect(renderHtml(multi).match(/<rect /g)).toHaveLength(8);
  });
});

describe("bench's fixed variant", () => {
  const project = (files: Record<string, string>): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wb-bench-fixed-'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    return dir;
  };
  const RUNTIME = 'FROM busybox\nCOPY --from=build /app /app\n';

  it('reads the build context, as fix does: a Go build behind make gets its mounts', async () => {
    const dir = project({
      'go.mod': 'module example.com/app\n\ngo 1.25\n',
      'main.go': 'package main\n\nfunc main() {}\n',
      Makefile: 'build:\n\tCGO_ENABLED=0 go build -o /app .\n',
      Dockerfile: `FROM golang:1.25 AS build\nWORKDIR /src\nCOPY . .\nRUN make build\n${RUNTIME}`,
    });
    const fixed = await fixedVariant(path.join(dir, 'Dockerfile'), dir, false);
    expect(fixed.changed).toBe(true);
    expect(fixed.output).toContain('--mount=type=cache,target=/root/.cache/go-build');
    expect(fixed.output).toBe((await fixFiles([path.join(dir, 'Dockerfile')], { dryRun: true }))[0]!.source);
  });

  it('reads the config file, as fix does: a rule turned off fixes nothing', async () => {
    const dockerfile = `FROM golang:1.25 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n${RUNTIME}`;
    const dir = project({
      'go.mod': 'module example.com/app\n\ngo 1.25\n',
      Dockerfile: dockerfile,
      '.warmbuild.yaml': 'rules:\n  go-build-cache: off\n  go-mod-cache: off\n  copy-before-mod-download: off\n',
    });
    expect(await fixedVariant(path.join(dir, 'Dockerfile'), dir, true)).toEqual({ output: dockerfile, changed: false, suggestions: false });
  });

  it('an unreadable config is the same one-line error as in check', async () => {
    const dir = project({ 'go.mod': 'module example.com/app\n', Dockerfile: 'FROM golang:1.25\n', '.warmbuild.yaml': 'nope: 1\n' });
    await expect(fixedVariant(path.join(dir, 'Dockerfile'), dir, false)).rejects.toThrow(/\.warmbuild\.yaml:1: unknown key "nope"/);
  });
});
