import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../../src/bench/types.js';
import { main } from '../../src/cli/main.js';
import { ARM64_GOLANG, ARM64_STATIC, elfMachine, hasArm64 } from '../support/arm64.js';
import { hasDocker, run } from '../support/docker.js';
import { goSumLines, type Module, startProxy } from '../support/goproxy.js';

const PROJECT = path.resolve(import.meta.dirname, '..', 'projects', 'benchapp');
const CLI = path.resolve(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');
const GREET: Module = {
  path: 'example.com/greet',
  version: 'v1.0.0',
  files: {
    'go.mod': 'module example.com/greet\n\ngo 1.21\n',
    'greet.go': 'package greet\n\nfunc Hello(name string) string { return "Hello, " + name + "!" }\n',
  },
};

describe.skipIf(!hasDocker)('warmbuild bench on real BuildKit', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'warmbuild-bench-test-'));
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  const env = { ...process.env };
  beforeAll(async () => {
    proxy = await startProxy([GREET]);
    cpSync(PROJECT, path.join(scratch, 'app'), { recursive: true });
    writeFileSync(path.join(scratch, 'app', 'go.sum'), goSumLines(GREET));
    process.env.GOPROXY = proxy.url;
    process.env.GOSUMDB = 'off';
  });
  afterAll(() => {
    proxy?.server.close();
    process.env = env;
    rmSync(scratch, { recursive: true, force: true });
  });

  it('runs every scenario for both variants and the native build, writes valid JSON, and the fixed edit compiles only the edited package', async () => {
    const json = path.join(scratch, 'out', 'bench.json');
    const html = path.join(scratch, 'out', 'bench.html');
    const appBefore = readFileSync(path.join(scratch, 'app', 'main.go'), 'utf8');
    let stdout = '';
    let stderr = '';
    const code = await main(['bench', path.join(scratch, 'app'), '--runs', '1', '--json', json, '--report', html], {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      isTTY: false,
    });
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^variant +cold +speedup +no-op +speedup +one-file edit +speedup +dependency change/m);
    expect(stderr).toMatch(/\[1\/\d+\] original: cold \(run 1\/1\)/);

    const report = JSON.parse(readFileSync(json, 'utf8')) as BenchReport;
    expect(report.version).toBe(1);
    expect(report.runs).toBe(1);
    expect(report.engine.cpus).toBeGreaterThan(0);
    expect(report.engine.engine).toMatch(/^\d+\./);
    expect(report.skipped).toEqual([]);
    expect(report.results.map((r) => `${r.variant}/${r.scenario}`)).toEqual([
      'original/cold',
      'original/noop',
      'original/edit',
      'original/deps',
      'fixed/cold',
      'fixed/noop',
      'fixed/edit',
      'fixed/deps',
    ]);
    for (const r of report.results) {
      expect(r.error).toBeUndefined();
      expect(r.seconds).toHaveLength(1);
      expect(r.median).toBeGreaterThan(0);
      expect(r.min).toBeLessThanOrEqual(r.max);
      for (const s of r.steps) expect(s).toEqual({ name: expect.any(String), seconds: expect.any(Number) });
    }
    const packages = (variant: string, scenario: string) => report.results.find((r) => r.variant === variant && r.scenario === scenario)!.packages[0];
    expect(packages('fixed', 'edit')).toEqual(['example.com/benchapp']);
    expect(packages('original', 'edit')).toEqual(
      expect.arrayContaining(['fmt', 'example.com/greet', 'example.com/benchapp/internal/msg', 'example.com/benchapp']),
    );
    expect(report.native?.edit?.packages[0]).toEqual(['example.com/benchapp']);
    expect(report.native?.image).toBe('golang:1.25-trixie');
    // The dependency change really downloaded through the proxy.
    expect(proxy.requests.some((r) => r.endsWith('.zip'))).toBe(true);
    expect(readFileSync(html, 'utf8')).toContain('<svg');
    // The user's tree is never modified, and nothing is left behind.
    expect(readFileSync(path.join(scratch, 'app', 'main.go'), 'utf8')).toBe(appBefore);
    // This run's names only: other benches may share the engine.
    const prefix = /named (warmbuild-bench-[0-9a-f]+)-\*/.exec(stderr)?.[1];
    expect(prefix, stderr).toBeDefined();
    expect((await run('docker', ['images', '--format', '{{.Repository}}'])).stdout).not.toContain(prefix);
    expect((await run('docker', ['volume', 'ls', '--format', '{{.Name}}'])).stdout).not.toContain(prefix);
  }, 900_000);

  it('reports a variant that fails to build, with its failing step, and exits 1', async () => {
    const vs = path.join(scratch, 'broken.Dockerfile');
    writeFileSync(vs, 'FROM golang:1.25-trixie\nWORKDIR /app\nCOPY . .\nRUN go build -o /app/bin ./does-not-exist\n');
    let stdout = '';
    const code = await main(['bench', path.join(scratch, 'app'), '--runs', '1', '--scenarios', 'cold', '--no-native', '--vs', vs], {
      stdout: (t) => void (stdout += t),
      stderr: () => undefined,
      isTTY: false,
    });
    expect(code).toBe(1);
    expect(stdout).toMatch(/broken\.Dockerfile +FAILED/);
    expect(stdout).toMatch(/broken\.Dockerfile failed in cold:\n.*RUN go build -o \/app\/bin \.\/does-not-exist/);
    expect(stdout).toMatch(/original +\d+\.\d+ s/);
  }, 600_000);

  // Ctrl-C, a CI cancel (SIGTERM) and a closed terminal (SIGHUP) all clean up; the exit code names the signal.
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)(
    '%s stops the running build and leaves no scratch copy, image, volume or cache namespace behind',
    async (signal, exitCode) => {
      const ours = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith('warmbuild-bench-') && !n.startsWith('warmbuild-bench-test-'));
      const before = new Set(ours());
      const child = spawn(process.execPath, [CLI, 'bench', path.join(scratch, 'app'), '--runs', '1', '--no-native'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: process.env,
      });
      let stderr = '';
      let sent = false;
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (!sent && stderr.includes('[1/')) {
          sent = true;
          setTimeout(() => child.kill(signal), 1500);
        }
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(exitCode);
      expect(stderr).toContain('interrupted; scratch copies, images, volumes and cache namespaces removed');
      expect(ours().filter((n) => !before.has(n))).toEqual([]);
      // This run's names only: other benches may share the engine.
      const prefix = /named (warmbuild-bench-[0-9a-f]+)-\*/.exec(stderr)?.[1];
      expect(prefix, stderr).toBeDefined();
      expect((await run('docker', ['images', '--format', '{{.Repository}}'])).stdout).not.toContain(prefix);
      expect((await run('docker', ['volume', 'ls', '--format', '{{.Name}}'])).stdout).not.toContain(prefix);
      expect((await run('docker', ['buildx', 'du', '--verbose'])).stdout).not.toContain(prefix);
    },
    300_000,
  );

  it('sends every buildx call to the builder --builder or BUILDX_BUILDER names', async () => {
    for (const [args, env] of [
      [['--builder', 'warmbuild-no-such-builder'], {}],
      [[], { BUILDX_BUILDER: 'warmbuild-no-such-builder' }],
    ] as const) {
      const child = spawn(process.execPath, [CLI, 'bench', path.join(scratch, 'app'), '--runs', '1', '--no-native', ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...env },
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
      expect(await new Promise<number | null>((resolve) => child.on('close', resolve))).toBe(2);
      expect(stderr).toContain('no buildx builder "warmbuild-no-such-builder"');
    }
  });

  it('says what is wrong with a project that has no go.mod, and exits 2', async () => {
    let stderr = '';
    const code = await main(['bench', scratch], { stdout: () => undefined, stderr: (t) => void (stderr += t), isTTY: false });
    expect(code).toBe(2);
    expect(stderr).toContain('no go.mod here');
  });
});

const MULTIPLATFORM = path.resolve(import.meta.dirname, '..', 'projects', 'multiplatform');

describe.skipIf(!hasDocker || !hasArm64)('warmbuild bench --platform linux/arm64 under emulation', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'warmbuild-bench-arm64-test-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const io = () => {
    const out = { stdout: '', stderr: '' };
    return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), isTTY: false } };
  };

  it('check flags the emulated builder, fix cross-compiles it, bench builds both for arm64, and the fixed arm64 binary runs under qemu', async () => {
    const app = path.join(scratch, 'app');
    cpSync(MULTIPLATFORM, app, { recursive: true });
    const checked = io();
    expect(await main(['check', path.join(app, 'Dockerfile'), '--format', 'json'], checked.io)).toBe(1);
    expect(checked.out.stdout).toContain('go-build-emulated');

    const json = path.join(scratch, 'bench.json');
    const benched = io();
    const code = await main(
      [
        'bench',
        app,
        '--runs',
        '1',
        '--scenarios',
        'cold',
        '--no-native',
        '--platform',
        'linux/arm64',
        '--platform-image',
        `golang:1.25-trixie=${ARM64_GOLANG}`,
        '--platform-image',
        `gcr.io/distroless/static-debian12:nonroot=${ARM64_STATIC}`,
        '--json',
        json,
      ],
      benched.io,
    );
    expect(code, benched.out.stdout + benched.out.stderr).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as BenchReport;
    expect(report.platforms).toEqual(['linux/arm64']);
    expect(report.results.map((r) => `${r.variant} ${r.platform} ${r.scenario}`)).toEqual(['original linux/arm64 cold', 'fixed linux/arm64 cold']);
    // The original compiles the standard library for arm64 with the arm64 toolchain (emulated); both compile main.
    for (const r of report.results) expect(r.packages[0]).toEqual(expect.arrayContaining(['fmt', 'example.com/multiplatform']));
    expect(benched.out.stdout).toMatch(/original linux\/arm64, cold: .*RUN .*go build/);

    expect(await main(['fix', path.join(app, 'Dockerfile')], io().io)).toBeLessThan(2);
    expect(readFileSync(path.join(app, 'Dockerfile'), 'utf8')).toContain('FROM --platform=$BUILDPLATFORM golang:1.25-trixie AS build');
    const out = path.join(scratch, 'out');
    const build = await run('docker', [
      'buildx',
      'build',
      '--platform',
      'linux/arm64',
      '--build-context',
      `gcr.io/distroless/static-debian12:nonroot=docker-image://${ARM64_STATIC}`,
      '--output',
      `type=local,dest=${out}`,
      app,
    ]);
    expect(build.code, build.stderr).toBe(0);
    const binary = path.join(out, 'multiplatform');
    expect(elfMachine(binary)).toBe('aarch64');
    // binfmt_misc hands the arm64 binary to qemu-aarch64.
    expect((await run(binary, [])).stdout).toBe('multiplatform linux/arm64\n');
  }, 3_600_000);
});
