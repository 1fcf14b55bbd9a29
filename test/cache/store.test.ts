import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectoryStore, readManifestText, verifyArchive } from '../../src/adapters/store.js';
import type { CacheManifest } from '../../src/cache/manifest.js';
import { main } from '../../src/cli/main.js';
import { END, tarEntry } from '../support/tar.js';

/** Store promises that hold before any build runs: no Docker needed. */

const dirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'warmbuild-store-test-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await main(args, { stdout: () => undefined, stderr: (t) => void (stderr += t), isTTY: false });
  return { code, stderr };
}

function manifestWith(files: string[]): CacheManifest {
  return {
    tool: 'warmbuild',
    version: 2,
    entries: files.map((file, i) => ({
      file,
      identity: { id: `c${i}` },
      target: `/c${i}`,
      kind: 'other',
      platform: 'linux/amd64',
      perPlatform: false,
      goSum: '',
      bytes: 1,
      sha256: 'a'.repeat(64),
      files: 0,
      fingerprint: '',
      created: '',
    })),
  };
}

describe('export writes only into an empty directory or a warmbuild store', () => {
  it("--to . with the user's *.tar files: refused with exit 2, every file kept", async () => {
    const dir = scratch();
    writeFileSync(path.join(dir, 'Dockerfile'), 'FROM golang:1.25\nRUN --mount=type=cache,target=/root/.cache/go-build go build .\n');
    writeFileSync(path.join(dir, 'holiday-photos.tar'), 'precious');
    writeFileSync(path.join(dir, 'backup.tar'), 'precious too');
    const r = await cli(['cache', 'export', '--dockerfile', path.join(dir, 'Dockerfile'), '--to', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is neither empty nor a warmbuild cache store \(no manifest.json\): refusing to write into it/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(dir).sort()).toEqual(['Dockerfile', 'backup.tar', 'holiday-photos.tar']);
    expect(readFileSync(path.join(dir, 'backup.tar'), 'utf8')).toBe('precious too');
  });

  it("a directory whose manifest.json is not warmbuild's is refused too", async () => {
    const dir = scratch();
    writeFileSync(path.join(dir, 'manifest.json'), '{"name": "someone else"}');
    await expect(new DirectoryStore(dir).beginExport()).rejects.toThrow(/not a warmbuild manifest: refusing to write into it/);
  });

  it('deletes only files the previous manifest named, never a file it did not write', async () => {
    const dir = scratch();
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifestWith(['old.tar', 'kept.tar'])));
    for (const f of ['old.tar', 'kept.tar', 'user.tar']) writeFileSync(path.join(dir, f), f);
    const session = await new DirectoryStore(dir).beginExport();
    // an entry is skipped as unchanged only while its archive is still there, whole
    expect(await session.holds('kept.tar', 'kept.tar'.length)).toBe(true);
    expect(await session.holds('kept.tar', 1)).toBe(false);
    expect(await session.holds('gone.tar', 1)).toBe(false);
    mkdirSync(path.join(session.staging, 'out'));
    writeFileSync(path.join(session.staging, 'out', 'new.tar'), 'new');
    await session.commit(manifestWith(['kept.tar', 'new.tar']), path.join(session.staging, 'out'), ['new.tar'], ['old.tar']);
    expect(readdirSync(dir).sort()).toEqual(['kept.tar', 'manifest.json', 'new.tar', 'user.tar']);
  });

  it('a planted manifest.json symlink is replaced, not written through', async () => {
    const dir = scratch();
    const victim = path.join(scratch(), 'victim.json');
    writeFileSync(victim, JSON.stringify(manifestWith([])));
    symlinkSync(victim, path.join(dir, 'manifest.json'));
    await expect(new DirectoryStore(dir).beginExport()).rejects.toThrow(/manifest.json is a symbolic link, not a regular file: refusing/);
    expect(readFileSync(victim, 'utf8')).toBe(JSON.stringify(manifestWith([])));
  });
});

describe("import reads only regular files within the manifest's sizes", () => {
  const archive = Buffer.concat([tarEntry('00/a-d', 'hello'), END]);
  const expected = { bytes: archive.length, sha256: createHash('sha256').update(archive).digest('hex') };

  it('a FIFO in the store is refused at once (import used to hang on it)', async () => {
    const dir = scratch();
    execFileSync('mkfifo', [path.join(dir, 'k.tar')]);
    execFileSync('mkfifo', [path.join(dir, 'manifest.json')]);
    expect(await verifyArchive(dir, 'k.tar', expected)).toEqual({ refused: 'k.tar is a FIFO, not a regular file' });
    expect(await readManifestText(dir)).toEqual({ refused: 'manifest.json is a FIFO, not a regular file' });
  });

  it('a symlink to /dev/zero is refused without reading it (import used to grow memory without bound)', async () => {
    const dir = scratch();
    symlinkSync('/dev/zero', path.join(dir, 'k.tar'));
    expect(await verifyArchive(dir, 'k.tar', expected)).toEqual({ refused: 'k.tar is a symbolic link, not a regular file' });
  });

  it('a file larger than the manifest says is refused before it is read', async () => {
    const dir = scratch();
    writeFileSync(path.join(dir, 'k.tar'), Buffer.concat([archive, Buffer.alloc(512)]));
    expect(await verifyArchive(dir, 'k.tar', expected)).toEqual({
      refused: `k.tar is ${archive.length + 512} bytes, more than the ${archive.length} the manifest allows`,
    });
    mkdirSync(path.join(dir, 'd.tar'));
    expect(await verifyArchive(dir, 'd.tar', expected)).toEqual({ refused: 'd.tar is a directory, not a regular file' });
  });

  it('a valid archive gives its file count and fingerprint', async () => {
    const dir = scratch();
    writeFileSync(path.join(dir, 'k.tar'), archive);
    expect(await verifyArchive(dir, 'k.tar', expected)).toMatchObject({ files: 1, bytes: archive.length, sha256: expected.sha256 });
  });
});

describe('import decides before it restores anything', () => {
  async function importFrom(entry: Partial<CacheManifest['entries'][number]>, extra: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
    const dir = scratch();
    writeFileSync(path.join(dir, 'Dockerfile'), 'FROM golang:1.25-trixie\nRUN --mount=type=cache,target=/root/.cache/go-build go build .\n');
    const store = path.join(dir, 'store');
    mkdirSync(store);
    const base = manifestWith(['k.tar']).entries[0]!;
    writeFileSync(
      path.join(store, 'manifest.json'),
      JSON.stringify({
        tool: 'warmbuild',
        version: 2,
        entries: [
          {
            ...base,
            identity: { id: '/root/.cache/go-build' },
            target: '/root/.cache/go-build',
            kind: 'gocache',
            goVersion: '1.25',
            bytes: 5 * 1024 * 1024,
            ...entry,
          },
        ],
      }),
    );
    let stderr = '';
    let stdout = '';
    const code = await main(['cache', 'import', '--dockerfile', path.join(dir, 'Dockerfile'), '--from', store, '--json', '-', ...extra], {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      isTTY: false,
    });
    return { code, stderr, stdout };
  }

  it("skips, and says so, when the store is bigger than the user's --max-size", async () => {
    const r = await importFrom({}, ['--max-size', '1MB']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).mounts[0]).toMatchObject({ status: 'skipped', reason: 'the store holds 5.0 MiB, over the --max-size of 1.0 MiB' });
    expect(r.stderr).toMatch(/restored 0 of 1 cache.*; 1 skipped/);
  });

  it('skips a Go build cache written by another Go version', async () => {
    const r = await importFrom({ goVersion: '1.24' }, []);
    expect(JSON.parse(r.stdout).mounts[0]).toMatchObject({
      status: 'skipped',
      reason: 'written by Go 1.24, the Dockerfile builds with Go 1.25: Go would not use it',
    });
  });
});
