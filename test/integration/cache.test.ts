import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fixText } from '../../src/lint.js';
import { build, compiledPackages, stepOutput, uniqueName } from '../support/buildkit.js';
import { hasDocker, run } from '../support/docker.js';
import { startRegistry } from '../support/registry.js';

const EXAMPLE = path.resolve(import.meta.dirname, '..', '..', 'examples', 'hello-world');
const registry = hasDocker ? await startRegistry() : undefined;
if (hasDocker && !registry) {
  if (process.env.WARMBUILD_REQUIRE_DOCKER === '1') throw new Error('docker-registry is not installed: .ci/run installs it');
  process.stderr.write('\n[warmbuild tests] docker-registry is not installed: SKIPPING the registry round trip.\n\n');
}

async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await main(args, { stdout: () => undefined, stderr: (t) => void (stderr += t), isTTY: false });
  return { code, stderr };
}

/**
 * A fresh CI runner, simulated: warm build, export, wipe the builder completely, import, then a
 * one-file edit must compile only the edited package. The builder is wiped, so these tests must not
 * share the engine with other builds: vitest runs test files one at a time (see vitest.config.ts).
 */
describe.skipIf(!hasDocker)('warmbuild cache round trip on real BuildKit', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'warmbuild-cache-'));
  const project = path.join(scratch, 'app');
  const namespace = uniqueName('warmbuild-cache-test');
  const tag = uniqueName('warmbuild-cache-app');
  let edits = 0;

  beforeAll(async () => {
    cpSync(EXAMPLE, project, { recursive: true });
    const dockerfile = path.join(project, 'Dockerfile');
    writeFileSync(dockerfile, fixText(readFileSync(dockerfile, 'utf8')).output.replace('go build -o app', 'go build -v -o app'));
  });
  afterAll(async () => {
    registry?.stop();
    rmSync(scratch, { recursive: true, force: true });
    await run('docker', ['image', 'rm', '-f', tag]);
  });

  const buildArgs = ['--build-arg', `BUILDKIT_CACHE_MOUNT_NS=${namespace}`, '-t', tag];
  const cacheArgs = ['--dockerfile', path.join(project, 'Dockerfile'), '--namespace', namespace];

  async function editAndRebuild(): Promise<string[]> {
    const main = path.join(project, 'main.go');
    writeFileSync(main, `${readFileSync(main, 'utf8')}// edit ${++edits}\n`);
    const rebuilt = await build(project, buildArgs);
    expect(rebuilt.code, rebuilt.stderr.slice(-2000)).toBe(0);
    return compiledPackages(stepOutput(rebuilt.stderr, 'go build -v -o app'));
  }

  async function wipeBuilder(): Promise<void> {
    const pruned = await run('docker', ['buildx', 'prune', '-af']);
    expect(pruned.code).toBe(0);
  }

  async function roundTrip(store: string): Promise<string[]> {
    const warm = await build(project, buildArgs);
    expect(warm.code, warm.stderr.slice(-2000)).toBe(0);
    const exported = await cli(['cache', 'export', ...cacheArgs, '--to', store, '--max-size', '2GB']);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toMatch(/exported 2 caches/);
    await wipeBuilder();
    const imported = await cli(['cache', 'import', ...cacheArgs, '--from', store]);
    expect(imported.code).toBe(0);
    expect(imported.stderr, imported.stderr).toMatch(/restored 2 caches/);
    expect(imported.stderr).not.toMatch(/warning/);
    return editAndRebuild();
  }

  it('through a local directory: the restored edit rebuild compiles only the edited package', async () => {
    const store = path.join(scratch, 'store');
    expect(await roundTrip(store)).toEqual(['example.com/hello']);
    const manifest = JSON.parse(readFileSync(path.join(store, 'manifest.json'), 'utf8'));
    expect(manifest.entries.map((e: { identity: { target: string } }) => e.identity.target).sort()).toEqual(['/go/pkg/mod', '/root/.cache/go-build']);
    expect(manifest.goSum).toMatch(/^sha256:[0-9a-f]{64}$/);
  }, 600_000);

  it.skipIf(!registry)('through an OCI image in a real registry on 127.0.0.1', async () => {
    expect(await roundTrip(`docker-image://${registry!.host}/warmbuild/cache:test`)).toEqual(['example.com/hello']);
  }, 600_000);

  it('a corrupt, partial or missing store warns, restores nothing it cannot verify, and never fails', async () => {
    const store = path.join(scratch, 'store');
    const build = readdirSync(store).find((f) => f.startsWith('root_.cache_go-build') || f.includes('go-build'))!;
    truncateSync(path.join(store, build), 100);
    let r = await cli(['cache', 'import', ...cacheArgs, '--from', store]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/does not match the manifest \(truncated or altered\)/);
    expect(r.stderr).toMatch(/restored 1 cache /);

    const manifestPath = path.join(store, 'manifest.json');
    writeFileSync(manifestPath, readFileSync(manifestPath, 'utf8').replace(/"sha256": "[0-9a-f]+"/, '"sha256": "0000"'));
    r = await cli(['cache', 'import', ...cacheArgs, '--from', store]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/restored 0 caches/);

    writeFileSync(manifestPath, '{"version": 1, "entries": "nope"');
    r = await cli(['cache', 'import', ...cacheArgs, '--from', store]);
    expect(r.stderr).toMatch(/not valid JSON; the build runs cold/);

    const empty = path.join(scratch, 'empty');
    r = await cli(['cache', 'import', ...cacheArgs, '--from', empty]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/no manifest.json/);
  }, 300_000);
});
