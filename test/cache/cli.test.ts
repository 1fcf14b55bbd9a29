import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

/** `warmbuild cache` usage errors: one line naming the problem, exit 2, nothing started. */

async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await main(args, { stdout: () => undefined, stderr: (t) => void (stderr += t), isTTY: false });
  return { code, stderr };
}

describe('warmbuild cache usage errors', () => {
  it.each([
    [['cache'], /usage: warmbuild cache export --to/],
    [['cache', 'push'], /usage: warmbuild cache export --to/],
    [['cache', 'export'], /cache export needs --to DIR or --to docker-image:\/\/REF/],
    [['cache', 'import'], /cache import needs --from DIR or --from docker-image:\/\/REF/],
    [['cache', 'export', '--to', '/tmp/x', '--max-size', 'lots'], /--max-size: not a size: lots/],
    [['cache', 'export', '--to', '/tmp/x', '--max-age', 'soon'], /--max-age: not a duration: soon/],
    [['cache', 'import', '--from', '/tmp/x', '--timeout', '0'], /--timeout must be a positive number of seconds/],
    [['cache', 'import', '--from', '/tmp/x', 'extra'], /unexpected argument extra/],
    [['cache', 'export', '--to', '/tmp/x', '--dockerfile', '/nonexistent/Dockerfile'], /\/nonexistent\/Dockerfile: no such file or directory/],
  ])('%j', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(message);
  });
});
