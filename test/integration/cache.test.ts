import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CacheReport } from '../../src/cache/report.js';
import { main } from '../../src/cli/main.js';
import { fixText } from '../../src/lint.js';
import { builderArgs, createMarker, pruneCacheMounts, readMarker, testBuilders } from '../support/builder.js';
import { build, compiledPackages, stepOutput, uniqueName } from '../support/buildkit.js';
import { hasDocker, run } from '../support/docker.js';
import { goSumLines, type Module, startProxy } from '../support/goproxy.js';
import { startRegistry } from '../support/registry.js';
import { END, tarEntry } from '../support/tar.js';

/**
 * `warmbuild cache` on real BuildKit. A fresh CI runner is simulated without deleting anything: the
 * warm machine builds in one BUILDKIT_CACHE_MOUNT_NS namespace, the "fresh runner" imports into and
 * builds in a namespace nobody used before: its cache mounts are empty, and every measured rebuild
 * follows an edit, so its compile step runs (a RUN with default cache ids would not come from the
 * layer cache in a new namespace anyway; one with explicit ids could, see docs/cache.md). Every
 * namespace starts with the suite's own prefix; cleanup prunes cache mounts with that prefix only.
 */

const EXAMPLE = path.resolve(import.meta.dirname, '..', '..', 'examples', 'hello-world');
const CLI = path.resolve(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');
const registry = hasDocker ? await startRegistry() : undefined;
if (hasDocker && !registry) {
  if (process.env.WARMBUILD_REQUIRE_DOCKER === '1') throw new Error('docker-registry is not installed: .ci/run installs it');
  process.stderr.write('\n[warmbuild tests] docker-registry is not installed: SKIPPING the registry round trip.\n\n');
}

const GREET: Module = {
  path: 'example.com/Greet',
  version: 'v1.0.0',
  files: {
    'go.mod': 'module example.com/Greet\n\ngo 1.21\n',
    'greet.go': 'package greet\n\nfunc Hello(name string) string { return "Hello, " + name + "!" }\n',
  },
};

async function cli(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  const code = await main(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false });
  return { code, stderr, stdout };
}

function report(stdout: string): CacheReport {
  return JSON.parse(stdout) as CacheReport;
}

for (const builder of testBuilders()) {
  describe.skipIf(!hasDocker || builder.skip !== undefined)(`warmbuild cache on ${builder.label}`, () => {
    const prefix = uniqueName('warmbuild-cache-test');
    const scratch = mkdtempSync(path.join(tmpdir(), 'warmbuild-cache-'));
    const project = path.join(scratch, 'app');
    const tag = uniqueName('warmbuild-cache-app');
    let marker: { id: string; content: string };
    let edits = 0;
    let namespaces = 0;
    const namespace = (role: string): string => `${prefix}-${role}-${++namespaces}`;
    const b = builderArgs(builder);

    beforeAll(async () => {
      marker = await createMarker(builder);
      cpSync(EXAMPLE, project, { recursive: true });
      const dockerfile = path.join(project, 'Dockerfile');
      writeFileSync(dockerfile, fixText(readFileSync(dockerfile, 'utf8')).output.replace('go build -o app', 'go build -v -o app'));
    });
    // BuildKit's default GC drops the least recently used cache mounts once all of them pass 512 MB, and
    // on a shared engine they do: reading the marker before each test keeps it recent, and records a
    // loss the moment a test causes one.
    const losses: string[] = [];
    beforeEach(async (test) => {
      if (marker && (await readMarker(builder, marker.id)) !== marker.content) losses.push(test.task.name);
    });
    afterAll(async () => {
      registry?.stop();
      rmSync(scratch, { recursive: true, force: true });
      await run('docker', ['image', 'rm', '-f', tag]);
      await pruneCacheMounts(builder, prefix);
      await pruneCacheMounts(builder, marker.id);
    });

    async function buildIn(ns: string, dir = project, extra: string[] = []): Promise<string> {
      const built = await build(dir, [
        ...b,
        '--build-arg',
        `BUILDKIT_CACHE_MOUNT_NS=${ns}`,
        ...extra,
        ...(builder.name ? ['-o', 'type=cacheonly'] : ['-t', tag]),
      ]);
      expect(built.code, built.stderr.slice(-2000)).toBe(0);
      return built.stderr;
    }

    async function editAndRebuild(ns: string): Promise<string[]> {
      const main = path.join(project, 'main.go');
      writeFileSync(main, `${readFileSync(main, 'utf8')}// edit ${++edits}\n`);
      return compiledPackages(stepOutput(await buildIn(ns), 'go build -v -o app'));
    }

    const cacheArgs = (ns: string, dockerfile = path.join(project, 'Dockerfile')): string[] => ['--dockerfile', dockerfile, '--namespace', ns, ...b];

    /** Warm build, export, import on a "fresh runner", edit: what the edit rebuild compiled. */
    async function roundTrip(store: string): Promise<string[]> {
      const warm = namespace('warm');
      await buildIn(warm);
      const exported = await cli(['cache', 'export', ...cacheArgs(warm), '--to', store, '--max-size', '2GB', '--json', '-']);
      expect(exported.code, exported.stderr).toBe(0);
      expect(report(exported.stdout).mounts.map((m) => m.status)).toEqual(['exported', 'exported']);
      expect(exported.stderr).toMatch(/exported 2 of 2 caches, [\d.]+ MiB in [\d.]+ s \([\d.]+ MB\/s\)/);
      const fresh = namespace('fresh');
      const imported = await cli(['cache', 'import', ...cacheArgs(fresh), '--from', store, '--json', '-']);
      expect(imported.code).toBe(0);
      expect(
        report(imported.stdout).mounts.map((m) => m.status),
        imported.stderr,
      ).toEqual(['restored', 'restored']);
      expect(imported.stderr).toMatch(/restored 2 of 2 caches/);
      return editAndRebuild(fresh);
    }

    it('through a local directory: on a fresh runner the restored edit rebuild compiles only the edited package', async () => {
      const store = path.join(scratch, 'store');
      expect(await roundTrip(store)).toEqual(['example.com/hello']);
      const manifest = JSON.parse(readFileSync(path.join(store, 'manifest.json'), 'utf8'));
      expect(manifest.entries.map((e: { target: string }) => e.target).sort()).toEqual(['/go/pkg/mod', '/root/.cache/go-build']);
    }, 600_000);

    it.skipIf(!registry || builder.name !== undefined)(
      'through an OCI image in a real registry on 127.0.0.1',
      async () => {
        expect(await roundTrip(`docker-image://${registry!.host}/warmbuild/cache:${prefix}`)).toEqual(['example.com/hello']);
        // the registry is the store: neither the engine nor the builder keeps a copy of the store image
        const left = await run('docker', ['buildx', 'du', ...b, '--verbose', '--filter', `description~=warmbuild/cache:${prefix}`]);
        expect(left.stdout).not.toMatch(/Description/);
        expect((await run('docker', ['images', '-q', `${registry!.host}/warmbuild/cache:${prefix}`])).stdout.trim()).toBe('');
      },
      600_000,
    );

    it('export skips what did not change since the store was written', async () => {
      const warm = namespace('warm');
      await buildIn(warm);
      const store = path.join(scratch, 'unchanged');
      expect((await cli(['cache', 'export', ...cacheArgs(warm), '--to', store])).code).toBe(0);
      const again = await cli(['cache', 'export', ...cacheArgs(warm), '--to', store, '--json', '-']);
      expect(report(again.stdout).mounts.map((m) => m.status)).toEqual(['unchanged', 'unchanged']);
      expect(again.stderr).toMatch(/exported 0 of 2 caches.*; 2 unchanged/);
    }, 600_000);

    it("two Dockerfiles sharing a store keep each other's caches", async () => {
      const other = path.join(scratch, 'other');
      cpSync(project, other, { recursive: true });
      const otherDockerfile = path.join(other, 'Dockerfile');
      writeFileSync(
        otherDockerfile,
        readFileSync(otherDockerfile, 'utf8').replaceAll(
          '--mount=type=cache,target=/root/.cache/go-build',
          '--mount=type=cache,id=other-gocache,target=/root/.cache/go-build',
        ),
      );
      const warm = namespace('warm');
      await buildIn(warm);
      await buildIn(warm, other);
      const store = path.join(scratch, 'shared');
      expect((await cli(['cache', 'export', ...cacheArgs(warm), '--to', store])).code).toBe(0);
      const first = readdirSync(store).sort();
      const second = await cli(['cache', 'export', ...cacheArgs(warm, otherDockerfile), '--to', store]);
      expect(second.code, second.stderr).toBe(0);
      const manifest = JSON.parse(readFileSync(path.join(store, 'manifest.json'), 'utf8'));
      expect(manifest.entries.map((e: { identity: { id: string } }) => e.identity.id).sort()).toEqual([
        '/go/pkg/mod',
        '/root/.cache/go-build',
        'other-gocache',
      ]);
      for (const name of first) expect(existsSync(path.join(store, name)), name).toBe(true);
      const fresh = namespace('fresh');
      const imported = await cli(['cache', 'import', ...cacheArgs(fresh), '--from', store]);
      expect(imported.stderr).toMatch(/restored 2 of 2 caches/);
      expect(await editAndRebuild(fresh)).toEqual(['example.com/hello']);
    }, 600_000);

    it('one bad archive among good ones: the good ones are restored, each refusal says which archive and why, and the build runs', async () => {
      const warm = namespace('warm');
      await buildIn(warm);
      const good = path.join(scratch, 'attacked-good');
      expect((await cli(['cache', 'export', ...cacheArgs(warm), '--to', good])).code).toBe(0);
      const manifestOf = (dir: string) =>
        JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as {
          entries: Array<{ file: string; kind: string; bytes: number; sha256: string; target: string }>;
        };
      const moduleFile = manifestOf(good).entries.find((e) => e.kind === 'gomodcache')!.file;

      /** A copy of the good store with the module archive replaced by `plant`. */
      const attacked = (name: string, plant: (file: string, dir: string) => void, manifest?: (m: ReturnType<typeof manifestOf>) => void): string => {
        const dir = path.join(scratch, `attacked-${name}`);
        cpSync(good, dir, { recursive: true });
        const file = path.join(dir, moduleFile);
        rmSync(file);
        plant(file, dir);
        if (manifest) {
          const m = manifestOf(dir);
          manifest(m);
          writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(m));
        }
        return dir;
      };
      const crafted = (archive: Buffer) => (m: ReturnType<typeof manifestOf>) => {
        const e = m.entries.find((x) => x.file === moduleFile)!;
        e.bytes = archive.length;
        e.sha256 = createHash('sha256').update(archive).digest('hex');
      };
      const climbing = Buffer.concat([tarEntry('ok', 'x'), tarEntry('../../../../etc/warmbuild-planted', 'x'), END]);
      const linking = Buffer.concat([tarEntry('cache/x', '', { type: '2', link: '/etc/shadow' }), END]);
      const cases: Array<[string, string, RegExp]> = [
        ['a FIFO in the store (import used to hang)', attacked('fifo', (f) => execFileSync('mkfifo', [f])), /is a FIFO, not a regular file/],
        [
          'a symlink to /dev/zero (import used to eat memory)',
          attacked('devzero', (f) => symlinkSync('/dev/zero', f)),
          /is a symbolic link, not a regular file/,
        ],
        ['a symlink out of the store', attacked('symlink', (f) => symlinkSync('/etc/passwd', f)), /is a symbolic link/],
        [
          'a truncated archive',
          attacked('truncated', (f) => {
            cpSync(path.join(good, moduleFile), f);
            truncateSync(f, 1000);
          }),
          /is 1000 bytes, the manifest says \d+ \(truncated or altered\)/,
        ],
        [
          'a checksum mismatch',
          attacked('altered', (f) => {
            const bytes = readFileSync(path.join(good, moduleFile));
            bytes[600] = bytes[600]! ^ 1;
            writeFileSync(f, bytes);
          }),
          /does not match the manifest's checksum/,
        ],
        ['a ../ path', attacked('climb', (f) => writeFileSync(f, climbing), crafted(climbing)), /leaves the cache/],
        ['a symlink inside the archive', attacked('tarlink', (f) => writeFileSync(f, linking), crafted(linking)), /holds a symbolic link/],
      ];
      for (const [name, dir, why] of cases) {
        const fresh = namespace('attacked');
        const r = await cli(['cache', 'import', ...cacheArgs(fresh), '--from', dir, '--json', '-', '--timeout', '120']);
        expect(r.code, name).toBe(0);
        const mounts = report(r.stdout).mounts;
        expect(
          mounts.find((m) => m.kind === 'gomodcache'),
          name,
        ).toMatchObject({ status: 'refused', file: moduleFile, reason: expect.stringMatching(why) });
        expect(mounts.find((m) => m.kind === 'gocache')?.status, name).toBe('restored');
        expect(r.stderr, name).toMatch(new RegExp(`${moduleFile.replace(/\./g, '\\.')}`));
        expect(r.stderr, name).toMatch(/restored 1 of 2 caches.*; 1 refused/);
      }
      // A manifest naming another target is contained: the archive only ever reaches the cache its identity names.
      const retargeted = attacked(
        'retarget',
        (f) => cpSync(path.join(good, moduleFile), f),
        (m) => void (m.entries.find((e) => e.file === moduleFile)!.target = '/etc'),
      );
      const fresh = namespace('attacked');
      const r = await cli(['cache', 'import', ...cacheArgs(fresh), '--from', retargeted]);
      expect(r.stderr).toMatch(/restored 2 of 2 caches/);
      expect(await editAndRebuild(fresh)).toEqual(['example.com/hello']);
      expect(existsSync('/etc/warmbuild-planted')).toBe(false);
    }, 900_000);

    it('a corrupt or missing store warns and never fails', async () => {
      const store = path.join(scratch, 'corrupt');
      mkdirSync(store);
      writeFileSync(path.join(store, 'manifest.json'), '{"tool": "warmbuild", "version": 2, "entries": "nope"');
      let r = await cli(['cache', 'import', ...cacheArgs(namespace('fresh')), '--from', store]);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/not valid JSON; the build runs cold/);
      rmSync(path.join(store, 'manifest.json'));
      symlinkSync('/dev/zero', path.join(store, 'manifest.json'));
      r = await cli(['cache', 'import', ...cacheArgs(namespace('fresh')), '--from', store]);
      expect(r.stderr).toMatch(/manifest.json is a symbolic link, not a regular file: refused/);
      r = await cli(['cache', 'import', ...cacheArgs(namespace('fresh')), '--from', path.join(scratch, 'nowhere')]);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/is not a directory: nothing restored/);
    }, 300_000);

    it('non-root (USER 65532, uid/gid on the mounts) and cross-compiling for two platforms: each platform restores its own cache, the read-only module cache without EACCES', async () => {
      const proxy = await startProxy([GREET]);
      try {
        const app = path.join(scratch, 'nonroot');
        mkdirSync(app);
        writeFileSync(path.join(app, 'go.mod'), 'module example.com/nonroot\n\ngo 1.21\n\nrequire example.com/Greet v1.0.0\n');
        writeFileSync(path.join(app, 'go.sum'), goSumLines(GREET));
        writeFileSync(
          path.join(app, 'main.go'),
          'package main\n\nimport (\n\t"fmt"\n\n\tgreet "example.com/Greet"\n)\n\nfunc main() { fmt.Println(greet.Hello("cache")) }\n',
        );
        const mods = '--mount=type=cache,id=nonroot-gomod,target=/home/app/go/pkg/mod,uid=65532,gid=65532';
        const gocache = '--mount=type=cache,id=nonroot-gocache-$TARGETARCH,target=/home/app/.cache/go-build,uid=65532,gid=65532';
        writeFileSync(
          path.join(app, 'Dockerfile'),
          [
            'FROM --platform=$BUILDPLATFORM golang:1.25-trixie AS build',
            'ARG TARGETOS TARGETARCH GOPROXY',
            'ENV HOME=/home/app GOPATH=/home/app/go GOPROXY=$GOPROXY GOSUMDB=off',
            'USER 65532:65532',
            `RUN ${mods} --mount=type=bind,target=/src,readonly cd /src && go mod download`,
            `RUN ${mods} ${gocache} --mount=type=bind,target=/src,readonly cd /src && GOOS=$TARGETOS GOARCH=$TARGETARCH go build -v -o /tmp/app .`,
            '',
          ].join('\n'),
        );
        const platforms = 'linux/amd64,linux/arm64';
        const buildFor = async (ns: string, platform: string): Promise<string[]> => {
          const built = await build(app, [
            ...b,
            '--network=host',
            ...(builder.name ? ['--allow', 'network.host'] : []),
            '--platform',
            platform,
            '--build-arg',
            `GOPROXY=${proxy.url}`,
            '--build-arg',
            `BUILDKIT_CACHE_MOUNT_NS=${ns}`,
            '-o',
            'type=cacheonly',
          ]);
          expect(built.code, built.stderr.slice(-2000)).toBe(0);
          expect(built.stderr).not.toMatch(/permission denied/i);
          return compiledPackages(stepOutput(built.stderr, 'go build -v -o /tmp/app'));
        };
        const warm = namespace('warm');
        for (const p of platforms.split(',')) await buildFor(warm, p);
        const store = path.join(scratch, 'nonroot-store');
        const exported = await cli([
          'cache',
          'export',
          '--dockerfile',
          path.join(app, 'Dockerfile'),
          '--namespace',
          warm,
          ...b,
          '--platform',
          platforms,
          '--to',
          store,
          '--json',
          '-',
        ]);
        expect(exported.code, exported.stderr).toBe(0);
        const mounts = report(exported.stdout).mounts;
        expect(mounts.map((m) => [m.id, m.platform ?? 'any', m.status])).toEqual([
          ['nonroot-gomod', 'any', 'exported'],
          ['nonroot-gocache-amd64', 'linux/amd64', 'exported'],
          ['nonroot-gocache-arm64', 'linux/arm64', 'exported'],
        ]);
        expect(mounts[0]!.files).toBeGreaterThan(0);
        const fresh = namespace('fresh');
        const imported = await cli([
          'cache',
          'import',
          '--dockerfile',
          path.join(app, 'Dockerfile'),
          '--namespace',
          fresh,
          ...b,
          '--platform',
          platforms,
          '--from',
          store,
        ]);
        expect(imported.stderr).toMatch(/restored 3 of 3 caches/);
        proxy.requests.length = 0;
        writeFileSync(path.join(app, 'main.go'), `${readFileSync(path.join(app, 'main.go'), 'utf8')}// edit\n`);
        for (const p of platforms.split(',')) expect(await buildFor(fresh, p), p).toEqual(['example.com/nonroot']);
        // The module cache came from the store: nothing was downloaded on the fresh runner.
        expect(proxy.requests.filter((u) => u.endsWith('.zip'))).toEqual([]);
      } finally {
        proxy.server.close();
      }
    }, 900_000);

    it('SIGTERM (a CI cancel) stops the export, exits 143 and leaves neither staged files nor a manifest', async () => {
      const warm = namespace('warm');
      await buildIn(warm);
      const store = path.join(scratch, 'cancelled');
      const child = spawn('node', [CLI, 'cache', 'export', ...cacheArgs(warm), '--to', store], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      // The staging directory exists from before the helper build starts until the archives are committed.
      while (!existsSync(store) || !readdirSync(store).some((n) => n.startsWith('.warmbuild-staging-'))) await new Promise((r) => setTimeout(r, 10));
      child.kill('SIGTERM');
      expect(await exited, stderr).toBe(143);
      expect(stderr).toMatch(/interrupted \(SIGTERM\); the helper build was stopped and staged files removed/);
      expect(readdirSync(store)).toEqual([]);
    }, 300_000);

    it('the marker cache mount created before the suite survives it', async () => {
      await pruneCacheMounts(builder, prefix);
      expect(losses, 'the marker was gone before these tests').toEqual([]);
      expect(await readMarker(builder, marker.id)).toBe(marker.content);
    }, 300_000);
  });
}
