import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixText } from '../../src/lint.js';
import { build, compiledPackages, stepOutput, uniqueName } from '../support/buildkit.js';
import { hasDocker, run } from '../support/docker.js';

const EXAMPLE = path.resolve(import.meta.dirname, '..', '..', 'examples', 'hello-world');

describe.skipIf(!hasDocker)('the seed example on real BuildKit', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'warmbuild-seed-'));
  const namespace = uniqueName('warmbuild-seed-test');
  const images: string[] = [];
  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    if (images.length > 0) await run('docker', ['image', 'rm', '-f', ...images]);
    await run('docker', ['buildx', 'prune', '-f', '--filter', 'type=exec.cachemount', '--filter', `description~=${namespace}`]);
  });

  /** A copy of the example whose go build prints what it compiles. */
  function project(name: string, transform: (dockerfile: string) => string): string {
    const dir = path.join(scratch, name);
    cpSync(EXAMPLE, dir, { recursive: true });
    // A file unique to this run busts layers cached by earlier runs at `COPY . .`.
    writeFileSync(path.join(dir, 'run-id.txt'), namespace);
    const dockerfile = path.join(dir, 'Dockerfile');
    writeFileSync(dockerfile, transform(readFileSync(dockerfile, 'utf8').replace('go build -o app', 'go build -v -o app')));
    return dir;
  }

  async function buildAndEdit(dir: string, tag: string): Promise<{ first: string[]; rebuild: string[] }> {
    images.push(tag);
    const args = ['--build-arg', `BUILDKIT_CACHE_MOUNT_NS=${namespace}-${path.basename(dir)}`, '-t', tag];
    const first = await build(dir, args);
    expect(first.code, first.stderr.slice(-3000)).toBe(0);
    const main = path.join(dir, 'main.go');
    writeFileSync(main, readFileSync(main, 'utf8').replace('"world"', '"warm world"'));
    const second = await build(dir, args);
    expect(second.code, second.stderr.slice(-3000)).toBe(0);
    return {
      first: compiledPackages(stepOutput(first.stderr, 'go build -v -o app')),
      rebuild: compiledPackages(stepOutput(second.stderr, 'go build -v -o app')),
    };
  }

  it('warmbuild fix turns it into a Dockerfile that builds and, after a one-line edit, recompiles only the edited package', async () => {
    const slowDir = project('slow', (d) => d);
    const fixedDir = project('fixed', (d) => {
      const result = fixText(d);
      expect(result.changed).toBe(true);
      return result.output;
    });
    const slow = await buildAndEdit(slowDir, uniqueName('warmbuild-seed-slow'));
    const fixed = await buildAndEdit(fixedDir, uniqueName('warmbuild-seed-fixed'));

    // Without the cache mount every build compiles the standard library and every package again.
    expect(slow.rebuild).toEqual(expect.arrayContaining(['fmt', 'runtime', 'example.com/hello/greeting', 'example.com/hello']));
    // With it, the first build compiles everything once; the rebuild only the edited main package.
    expect(fixed.first).toEqual(expect.arrayContaining(['fmt', 'example.com/hello/greeting', 'example.com/hello']));
    expect(fixed.rebuild).toEqual(['example.com/hello']);

    const out = await run('docker', ['run', '--rm', images[1]!]);
    expect(out.stdout.trim()).toBe('Hello, warm world!');
  }, 600_000);
});
