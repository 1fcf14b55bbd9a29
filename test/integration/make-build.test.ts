import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFiles, fixFiles } from '../../src/runner.js';
import { build, compiledPackages, stepOutput, uniqueName } from '../support/buildkit.js';
import { hasDocker, run } from '../support/docker.js';

const PROJECT = path.resolve(import.meta.dirname, '..', 'projects', 'makeapp');

/** A project built by `RUN make`: warmbuild follows the Makefile, and its fix makes the rebuild incremental. */
describe.skipIf(!hasDocker)('a make-built project on real BuildKit', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'warmbuild-make-'));
  const namespace = uniqueName('warmbuild-make-test');
  const images: string[] = [];
  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    if (images.length > 0) await run('docker', ['image', 'rm', '-f', ...images]);
    await run('docker', ['buildx', 'prune', '-f', '--filter', 'type=exec.cachemount', '--filter', `description~=${namespace}`]);
  });

  function copy(name: string): string {
    const dir = path.join(scratch, name);
    cpSync(PROJECT, dir, { recursive: true });
    // A file unique to this run busts layers cached by earlier runs at `COPY . .`.
    writeFileSync(path.join(dir, 'run-id.txt'), namespace);
    return dir;
  }

  async function buildAndEdit(dir: string): Promise<{ first: string[]; rebuild: string[] }> {
    const tag = uniqueName('warmbuild-make');
    images.push(tag);
    const args = ['--build-arg', `BUILDKIT_CACHE_MOUNT_NS=${namespace}-${path.basename(dir)}`, '-t', tag];
    const first = await build(dir, args);
    expect(first.code, first.stderr.slice(-3000)).toBe(0);
    const main = path.join(dir, 'cmd', 'makeapp', 'main.go');
    writeFileSync(main, readFileSync(main, 'utf8').replace('"make"', '"warm make"'));
    const second = await build(dir, args);
    expect(second.code, second.stderr.slice(-3000)).toBe(0);
    const out = await run('docker', ['run', '--rm', tag]);
    expect(out.stdout.trim()).toBe('Hello, warm make! dev');
    return { first: compiledPackages(stepOutput(first.stderr, 'make makeapp')), rebuild: compiledPackages(stepOutput(second.stderr, 'make makeapp')) };
  }

  it('check names the chain, fix adds the mount, and the fixed rebuild after a one-file edit compiles exactly one package', async () => {
    const slowDir = copy('slow');
    const fixedDir = copy('fixed');
    const [checked] = await checkFiles([path.join(fixedDir, 'Dockerfile')]);
    expect(checked!.findings.map((f) => `${f.code} ${f.message.split(' compiles')[0]}`)).toContain('WB101 `make makeapp → go build … ./cmd/makeapp`');
    const [fixed] = await fixFiles([path.join(fixedDir, 'Dockerfile')]);
    expect(fixed!.fix?.changed).toBe(true);
    expect(readFileSync(path.join(fixedDir, 'Dockerfile'), 'utf8')).toContain('RUN --mount=type=cache,target=/root/.cache/go-build');

    const slow = await buildAndEdit(slowDir);
    const warm = await buildAndEdit(fixedDir);
    // Without the mount the rebuild compiles the standard library and every package again.
    expect(slow.rebuild).toEqual(expect.arrayContaining(['fmt', 'runtime', 'example.com/makeapp/internal/greeting', 'example.com/makeapp/cmd/makeapp']));
    expect(warm.first).toEqual(expect.arrayContaining(['fmt', 'example.com/makeapp/internal/greeting', 'example.com/makeapp/cmd/makeapp']));
    expect(warm.rebuild).toEqual(['example.com/makeapp/cmd/makeapp']);
  }, 600_000);
});
