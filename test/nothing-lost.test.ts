import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collectContext } from '../src/adapters/context.js';
import type { IO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { parseDockerfile } from '../src/model/dockerfile.js';
import { analyzeDockerfile } from '../src/model/semantic.js';
import { checkstyle } from '../src/reporters/machine.js';
import { checkFiles, fixFiles } from '../src/runner.js';

/** Regression tests for the promises an adversarial audit broke: each is named after its promise. */

const ROOT = path.resolve(import.meta.dirname, '..');
const VITE_NODE = path.join(ROOT, 'node_modules', '.bin', 'vite-node');
/** The built CLI: signals, pipes and other users need the real entry point (`npm test` builds it first). */
const CLI_JS = path.join(ROOT, 'dist', 'cli', 'main.js');
const CLI = `node ${CLI_JS}`;

function newestSource(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? newestSource(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).mtimeMs,
    ),
  );
}

beforeAll(() => {
  const built = (() => {
    try {
      return statSync(CLI_JS).mtimeMs;
    } catch {
      return 0;
    }
  })();
  if (built < newestSource(path.join(ROOT, 'src'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
}, 120_000);
const SLOW = 'FROM golang:1.25 AS build\nWORKDIR /src\nRUN go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app\n';
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: IO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false };
  return { code: await main(args, io), stdout, stderr };
}

/** The CLI as its own process (signals, pipes, another user), run from the sources. */
function cliProcess(args: string[], options: { uid?: number; shell?: string } = {}): { code: number | null; stdout: string; stderr: string } {
  const command = options.shell ?? `${CLI} ${args.map((a) => `'${a}'`).join(' ')}`;
  const r = spawnSync('bash', ['-c', command], {
    encoding: 'utf8',
    timeout: 60_000,
    cwd: ROOT,
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'warmbuild-nothing-lost-'));
});
afterEach(() => {
  chmodTree(dir);
  rmSync(dir, { recursive: true, force: true });
});

function chmodTree(root: string): void {
  try {
    chmodSync(root, 0o755);
    for (const e of readdirSync(root, { withFileTypes: true })) if (e.isDirectory()) chmodTree(path.join(root, e.name));
  } catch {
    // already gone
  }
}

const temps = (d: string): string[] => readdirSync(d).filter((f) => f.endsWith('.tmp'));

describe('special files and limits: only regular files are read', () => {
  it('check refuses a FIFO Dockerfile with a clear error instead of hanging', async () => {
    const fifo = path.join(dir, 'Dockerfile');
    execFileSync('mkfifo', [fifo]);
    const [result] = await checkFiles([fifo], { context: false });
    expect(result!.error).toBe(`${fifo}: a FIFO, not a regular file`);
  });

  it('check refuses a Dockerfile that links to /dev/zero instead of exhausting memory', async () => {
    const link = path.join(dir, 'Dockerfile');
    symlinkSync('/dev/zero', link);
    const [result] = await checkFiles([link], { context: false });
    expect(result!.error).toBe(`${link}: a character device, not a regular file`);
  });

  it('check refuses a Dockerfile over the size cap instead of reading it', async () => {
    const file = path.join(dir, 'Dockerfile');
    writeFileSync(file, SLOW);
    truncateSync(file, 65 * 1024 * 1024);
    const [result] = await checkFiles([file], { context: false });
    expect(result!.error).toBe(`${file}: larger than 64 MiB, not read`);
  });

  it('a go.mod that links to /dev/zero, or a FIFO Makefile, is not read from the context, and the rest is', async () => {
    symlinkSync('/dev/zero', path.join(dir, 'go.mod'));
    execFileSync('mkfifo', [path.join(dir, 'Makefile')]);
    writeFileSync(path.join(dir, 'go.work'), 'go 1.25\n');
    const context = await collectContext(analyzeDockerfile(parseDockerfile(SLOW)), dir);
    expect(Object.keys(context!.files)).toEqual(['go.work']);
  });

  it('a FIFO .dockerignore is not read (check does not wait on it), and the rest of the context is', async () => {
    writeFileSync(path.join(dir, 'go.work'), 'go 1.25\n');
    execFileSync('mkfifo', [path.join(dir, '.dockerignore')]);
    const context = await collectContext(analyzeDockerfile(parseDockerfile(SLOW)), dir);
    expect(context!.files).toEqual({ 'go.work': 'go 1.25\n' });
    expect(context!.dockerignore).toBeUndefined();
  });

  it('context symlinks are followed only within the context', async () => {
    const outside = path.join(dir, 'outside');
    const context = path.join(dir, 'context');
    mkdirSync(outside);
    mkdirSync(path.join(context, 'sub'), { recursive: true });
    writeFileSync(path.join(outside, 'go.mod'), 'module example.com/outside\n');
    writeFileSync(path.join(context, 'sub', 'go.work'), 'go 1.25\n');
    symlinkSync(path.join(outside, 'go.mod'), path.join(context, 'go.mod'));
    symlinkSync('sub/go.work', path.join(context, 'go.work'));
    const collected = await collectContext(analyzeDockerfile(parseDockerfile(SLOW)), context);
    expect(collected!.files).toEqual({ 'go.work': 'go 1.25\n' });
  });
});

describe('unreadable subdirectories are reported per path while the rest is checked', () => {
  it.skipIf(!isRoot)(
    'check over a tree with a directory it cannot list reports that directory and checks the others (as another user)',
    () => {
      for (const name of ['a', 'locked', 'c']) mkdirSync(path.join(dir, name));
      for (const name of ['a', 'c']) writeFileSync(path.join(dir, name, 'Dockerfile'), SLOW);
      chmodSync(dir, 0o755);
      chmodSync(path.join(dir, 'locked'), 0o700);
      const r = cliProcess(['check', dir, '--no-context', '--format', 'json'], { uid: NOBODY });
      const report = JSON.parse(r.stdout) as { files: { path: string; error?: string; findings: unknown[] }[] };
      expect(report.files.map((f) => [f.path, f.error ?? `${f.findings.length > 0 ? 'findings' : 'clean'}`])).toEqual([
        [path.join(dir, 'a', 'Dockerfile'), 'findings'],
        [path.join(dir, 'c', 'Dockerfile'), 'findings'],
        [path.join(dir, 'locked'), 'permission denied (directory not searched)'],
      ]);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(r.code).toBe(2);
    },
    60_000,
  );
});

describe('writes keep ownership and are all-or-nothing per file', () => {
  it.skipIf(!isRoot)('fix keeps the owner, group and mode of the file it rewrites (run as root)', async () => {
    const file = path.join(dir, 'Dockerfile');
    writeFileSync(file, SLOW);
    chownSync(file, 1234, 5678);
    chmodSync(file, 0o640);
    const [result] = await fixFiles([file], { context: false });
    expect(result!.fix?.changed).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toBe(SLOW);
    const stat = statSync(file);
    expect({ uid: stat.uid, gid: stat.gid, mode: stat.mode & 0o7777 }).toEqual({ uid: 1234, gid: 5678, mode: 0o640 });
    expect(temps(dir)).toEqual([]);
  });

  it('fix keeps the mode of the file, not the umask default', async () => {
    const file = path.join(dir, 'Dockerfile');
    writeFileSync(file, SLOW);
    chmodSync(file, 0o604);
    await fixFiles([file], { context: false });
    expect(statSync(file).mode & 0o7777).toBe(0o604);
  });

  it.skipIf(!isRoot)(
    'fix reports a file it cannot write, leaves it whole, fixes the others and says exactly which (as another user)',
    () => {
      for (const name of ['a', 'b', 'c']) mkdirSync(path.join(dir, name));
      for (const name of ['a', 'b', 'c']) writeFileSync(path.join(dir, name, 'Dockerfile'), SLOW);
      chownSync(dir, NOBODY, NOBODY);
      for (const name of ['a', 'c']) {
        chownSync(path.join(dir, name), NOBODY, NOBODY);
        chownSync(path.join(dir, name, 'Dockerfile'), NOBODY, NOBODY);
      }
      // b is root's: nobody can read it but neither write it nor create a temporary file next to it.
      chmodSync(path.join(dir, 'b'), 0o755);
      chmodSync(path.join(dir, 'b', 'Dockerfile'), 0o644);
      const r = cliProcess(['fix', dir, '--no-context'], { uid: NOBODY });
      expect(
        r.stderr
          .split('\n')
          .filter((l) => l.startsWith('fixed '))
          .map((l) => l.replace(/: \d+ fixes?$/, '')),
      ).toEqual([`fixed ${path.join(dir, 'a', 'Dockerfile')}`, `fixed ${path.join(dir, 'c', 'Dockerfile')}`]);
      expect(r.stdout).toContain(`${path.join(dir, 'b', 'Dockerfile')}: permission denied (not fixed)`);
      expect(r.stderr + r.stdout).not.toMatch(/internal error|\n\s+at /);
      expect(r.code).toBe(2);
      expect(readFileSync(path.join(dir, 'b', 'Dockerfile'), 'utf8')).toBe(SLOW);
      expect(readFileSync(path.join(dir, 'c', 'Dockerfile'), 'utf8')).not.toBe(SLOW);
      for (const name of ['a', 'b', 'c']) expect(temps(path.join(dir, name))).toEqual([]);
    },
    60_000,
  );

  it('the next run removes the temporary files a killed run left, and only those', async () => {
    const file = path.join(dir, 'Dockerfile');
    writeFileSync(file, SLOW);
    const dead = spawnSync('true').pid!;
    const stale = path.join(dir, `.Dockerfile.warmbuild-${dead}-0123abcd.tmp`);
    const live = path.join(dir, `.Dockerfile.warmbuild-${process.ppid}-0123abcd.tmp`);
    const foreign = path.join(dir, '.Dockerfile.swp.tmp');
    for (const f of [stale, live, foreign]) writeFileSync(f, 'partial');
    await fixFiles([file], { context: false });
    expect(temps(dir).sort()).toEqual([path.basename(foreign), path.basename(live)].sort());
  });

  it('no temporary file survives SIGTERM in the middle of a write', async () => {
    const file = path.join(dir, 'Dockerfile');
    writeFileSync(file, SLOW);
    const script = path.join(dir, 'write.ts');
    // A big write, interrupted as soon as the temporary file exists.
    writeFileSync(
      script,
      `import { watch } from 'node:fs';\nimport { writeAtomic } from '${path.join(ROOT, 'src', 'adapters', 'fs.ts')}';\n` +
        `watch(${JSON.stringify(dir)}, (_e, name) => { if (String(name).endsWith('.tmp')) process.kill(process.pid, 'SIGTERM'); });\n` +
        `await writeAtomic(${JSON.stringify(file)}, 'x'.repeat(256 * 1024 * 1024));\n`,
    );
    const child = spawn(VITE_NODE, [script], { cwd: ROOT, stdio: 'ignore' });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, s) => resolve(s)));
    expect(signal).toBe('SIGTERM');
    expect(temps(dir)).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe(SLOW);
  }, 60_000);
});

describe('errors: I/O errors are one line with the path and the reason', () => {
  it.skipIf(!isRoot)(
    'an unreadable Dockerfile is reported with the system reason, not as an internal error (as another user)',
    () => {
      const file = path.join(dir, 'Dockerfile');
      writeFileSync(file, SLOW);
      chmodSync(dir, 0o755);
      chmodSync(file, 0o600);
      const r = cliProcess(['check', file, '--no-context'], { uid: NOBODY });
      expect(r.stdout).toContain(`${file}: permission denied`);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(r.code).toBe(2);
    },
    60_000,
  );

  it('a FIFO config file is one line with its path and the reason', async () => {
    const file = path.join(dir, 'Dockerfile');
    writeFileSync(file, SLOW);
    execFileSync('mkfifo', [path.join(dir, 'warmbuild.yaml')]);
    const r = await cli(['check', file, '--no-context', '--config', path.join(dir, 'warmbuild.yaml')]);
    expect(r.stderr).toBe(`warmbuild: ${path.join(dir, 'warmbuild.yaml')}: a FIFO, not a regular file\n`);
    expect(r.code).toBe(2);
  });
});

describe('signals and streams', () => {
  it('check | head ends quietly with the exit code of the findings', () => {
    for (let i = 0; i < 300; i++) writeFileSync(path.join(dir, `${i}.Dockerfile`), SLOW);
    const r = cliProcess([], { shell: `${CLI} check ${dir} --no-context | head -c 100 >/dev/null; exit \${PIPESTATUS[0]}` });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
  }, 60_000);

  it('a full stdout is one line on stderr and exit code 2', () => {
    writeFileSync(path.join(dir, 'Dockerfile'), SLOW);
    const r = cliProcess([], { shell: `${CLI} check ${dir} --no-context >/dev/full` });
    expect(r.stderr).toBe('warmbuild: cannot write the output: no space left on device\n');
    expect(r.code).toBe(2);
  }, 60_000);
});

describe('checkstyle', () => {
  it('is well-formed XML with control characters in a message and a path', async () => {
    const file = path.join(dir, 'Docker\u0001file');
    writeFileSync(file, 'FROM golang:1.25 AS build\nUSER a\u0002b\u001b[31m\nRUN go build -o /out/app .\nFROM scratch\n');
    const results = await checkFiles([file], { context: false });
    expect(results[0]!.findings.some((f) => f.message.includes('\u0002'))).toBe(true);
    const out = checkstyle(results);
    // XML 1.0 Char production, and every attribute value free of markup.
    expect(out).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
    for (const line of out.split('\n').slice(2, -2))
      expect(line).toMatch(
        /^\s*<(\/file|file( \w+="[^"<&]*(&(amp|lt|gt|quot|apos|#\d+);[^"<&]*)*")+|error( \w+="[^"<&]*(&(amp|lt|gt|quot|apos|#\d+);[^"<&]*)*")+\/)>$/,
      );
    expect(out).toContain('a\\u0002b\\u001b[31m');
  });
});
