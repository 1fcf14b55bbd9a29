import { execFileSync, spawn } from 'node:child_process';

/**
 * Tests that need a real engine use `describeDocker`. Without an engine they are skipped with a
 * visible message, unless WARMBUILD_REQUIRE_DOCKER=1 (CI), where a missing engine fails the run.
 */
export function dockerAvailable(): boolean {
  try {
    execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'pipe', timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

const available = dockerAvailable();
if (!available) {
  if (process.env.WARMBUILD_REQUIRE_DOCKER === '1') throw new Error('WARMBUILD_REQUIRE_DOCKER=1 but no Docker engine answers');
  process.stderr.write('\n[warmbuild tests] No Docker engine answers: SKIPPING the tests that need real BuildKit builds.\n\n');
}
export const hasDocker = available;

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Runs tasks with at most `limit` in flight. */
export async function pool<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}
