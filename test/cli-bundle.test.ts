import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFiles } from '../src/runner.js';

// The published CLI is one bundled file (scripts/bundle-cli.mjs): what it reads relative to itself
// (package.json, the bundled example) and what it loads on first use (yaml, diff) must still be found.
const root = path.resolve(import.meta.dirname, '..');
const bundle = path.join(root, 'dist', 'cli', 'main.js');
const built = existsSync(bundle);
if (!built) console.warn('test/cli-bundle.test.ts: skipped, dist/cli/main.js is not built (npm run build)');

const dir = mkdtempSync(path.join(tmpdir(), 'warmbuild-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bundle, ...args], { encoding: 'utf8', cwd: dir });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!built)('the bundled CLI', () => {
  it('is one file: no import of the compiled modules beside it', () => {
    expect(readFileSync(bundle, 'utf8')).not.toMatch(/from ["']\.\.?\//);
  });

  it('prints the version of package.json', () => {
    const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    expect(run('--version')).toMatchObject({ status: 0, stdout: `${version}\n` });
  });

  it('finds what the library finds, and reads a YAML config on first use', async () => {
    cpSync(path.join(root, 'examples', 'hello-world'), path.join(dir, 'app'), { recursive: true });
    const dockerfile = path.join(dir, 'app', 'Dockerfile');
    const [expected] = await checkFiles([dockerfile]);
    const json = run('check', dockerfile, '--format', 'json');
    expect(json.status).toBe(1);
    const codes = (JSON.parse(json.stdout) as { files: { findings: { code: string }[] }[] }).files[0]!.findings.map((f) => f.code);
    expect(codes).toEqual(expected!.findings.map((f) => f.code));
    expect(codes.length).toBeGreaterThan(0);
    writeFileSync(path.join(dir, 'app', '.warmbuild.yaml'), 'rules:\n  go-build-cache: error\n');
    expect(run('check', dockerfile).stdout).toMatch(/error +`go build` compiles without a cache mount/);
  });

  it('prints fix --dry-run as a unified diff (the diff library loaded on use)', () => {
    const r = run('fix', '--dry-run', path.join(dir, 'app', 'Dockerfile'));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^\+RUN --mount=type=cache,target=\/go\/pkg\/mod --mount=type=cache,target=\/root\/\.cache\/go-build go build/m);
  });

  it('measures the bundled example when bench is given no project (its path resolves from the bundle)', () => {
    // A Dockerfile the example does not have fails before any build, naming where bench looked.
    const r = run('bench', '--dockerfile', 'missing.Dockerfile');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`warmbuild: ${path.join(root, 'examples', 'hello-world', 'missing.Dockerfile')}: no such Dockerfile (use --dockerfile)\n`);
  });
});
