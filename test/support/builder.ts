import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from './docker.js';

/**
 * The builders integration tests run on: the engine's default builder, and the docker-container
 * builder WARMBUILD_TEST_BUILDER names when it is reachable (the driver CI runners use). Each is
 * skipped with a visible message when it is not there.
 */
export interface TestBuilder {
  label: string;
  /** undefined: buildx's current builder. */
  name: string | undefined;
  skip?: string;
}

function inspect(name: string): { driver?: string; running: boolean } {
  try {
    const out = execFileSync('docker', ['buildx', 'inspect', '--bootstrap', name], { encoding: 'utf8', stdio: 'pipe', timeout: 120_000 });
    return { driver: /^Driver:\s*(\S+)/m.exec(out)?.[1], running: /^Status:\s*running/m.test(out) };
  } catch {
    return { running: false };
  }
}

export function testBuilders(): TestBuilder[] {
  const builders: TestBuilder[] = [{ label: 'the default builder', name: undefined }];
  const wanted = process.env.WARMBUILD_TEST_BUILDER;
  if (!wanted) {
    process.stderr.write('\n[warmbuild tests] WARMBUILD_TEST_BUILDER is not set: SKIPPING the docker-container builder runs of the cache tests.\n\n');
    return [...builders, { label: 'a docker-container builder', name: undefined, skip: 'WARMBUILD_TEST_BUILDER is not set' }];
  }
  const state = inspect(wanted);
  const skip =
    state.driver !== 'docker-container'
      ? `builder ${wanted} is ${state.driver ? `a ${state.driver} builder` : 'not reachable'}, not a docker-container builder`
      : !state.running
        ? `builder ${wanted} is not running`
        : undefined;
  if (skip) process.stderr.write(`\n[warmbuild tests] ${skip}: SKIPPING the docker-container builder runs of the cache tests.\n\n`);
  return [...builders, { label: `docker-container builder ${wanted}`, name: wanted, ...(skip ? { skip } : {}) }];
}

export function builderArgs(builder: TestBuilder): string[] {
  return builder.name ? ['--builder', builder.name] : [];
}

/** Removes the cache mounts whose id has `fragment` (a test's namespace or cache id): never anyone else's. */
export async function pruneCacheMounts(builder: TestBuilder, fragment: string): Promise<void> {
  const pruned = await run('docker', [
    'buildx',
    'prune',
    ...builderArgs(builder),
    '-f',
    '--filter',
    'type=exec.cachemount',
    '--filter',
    `description~=${fragment}`,
  ]);
  if (pruned.code !== 0) throw new Error(`pruning ${fragment} failed: ${pruned.stderr}`);
}

/**
 * A cache mount made before a suite, outside everything the suite owns: the suite must leave it as it
 * found it (the promise that tests touch nothing of the user's).
 */
async function buildStdin(builder: TestBuilder, args: string[], dockerfile: string): Promise<{ code: number; stderr: string }> {
  const empty = mkdtempSync(path.join(tmpdir(), 'warmbuild-empty-'));
  try {
    return await run('docker', ['buildx', 'build', ...builderArgs(builder), '--progress=plain', ...args, '-o', 'type=cacheonly', '-f', '-', empty], {
      input: dockerfile,
    });
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
}

export async function createMarker(builder: TestBuilder): Promise<{ id: string; content: string }> {
  const id = `warmbuild-user-marker-${randomBytes(4).toString('hex')}`;
  const content = randomBytes(8).toString('hex');
  const r = await buildStdin(builder, [], `FROM busybox\nRUN --mount=type=cache,id=${id},target=/m echo ${content} >/m/marker\n`);
  if (r.code !== 0) throw new Error(`creating the marker cache failed: ${r.stderr.slice(-1000)}`);
  return { id, content };
}

export async function readMarker(builder: TestBuilder, id: string): Promise<string> {
  // A nonce, not --no-cache: with --no-cache BuildKit gives every cache mount a fresh, empty directory.
  const nonce = randomBytes(4).toString('hex');
  const r = await buildStdin(builder, [], `FROM busybox\nRUN --mount=type=cache,id=${id},target=/m echo "${nonce} marker=$(cat /m/marker)"\n`);
  return new RegExp(`^#\\d+ \\d+\\.\\d+ ${nonce} marker=(\\S*)$`, 'm').exec(r.stderr)?.[1] ?? '';
}
