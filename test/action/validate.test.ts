import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/** action.yml and the example workflows pass a real linter: @action-validator/cli (GitHub's schemas). */

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const VALIDATOR = path.join(ROOT, 'node_modules', '.bin', 'action-validator');

async function validate(file: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(VALIDATOR, [file]);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('GitHub Actions files pass action-validator', () => {
  it.each(['action.yml', 'examples/ci/github-actions.yml'])('%s', async (file) => {
    const r = await validate(path.join(ROOT, file));
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  });

  it('the validator really rejects a broken action (so the checks above can fail)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'warmbuild-action-'));
    try {
      const file = path.join(dir, 'action.yml');
      writeFileSync(file, 'name: x\ndescription: y\nruns:\n  using: composite\n  steps:\n    - run: echo hi\n');
      const r = await validate(file);
      expect(r.code).not.toBe(0);
      expect(r.output).toMatch(/shell/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
