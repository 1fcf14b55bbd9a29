import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cacheMountFlag, exportDockerfile, importDockerfile, parseHelperProgress } from '../../src/cache/helper.js';
import { archiveName, type CacheUse, cacheUsesOf, goPathClean, identityKey } from '../../src/cache/identity.js';
import { type CacheManifest, decideImport, type ManifestEntry, mergeManifest, parseManifest, staleFiles } from '../../src/cache/manifest.js';
import { summaryLine } from '../../src/cache/report.js';
import { TarScanner } from '../../src/cache/tar.js';
import { parseAge, parseSize } from '../../src/cli/commands/cache.js';
import { UsageError } from '../../src/errors.js';
import { goSumModules } from '../../src/go/gosum.js';
import { parseDockerfile } from '../../src/model/dockerfile.js';
import { END, tarEntry } from '../support/tar.js';

function scan(archive: Buffer, chunk = 100): ReturnType<TarScanner['end']> {
  const scanner = new TarScanner();
  for (let i = 0; i < archive.length; i += chunk) scanner.push(archive.subarray(i, i + chunk));
  return scanner.end();
}

function uses(dockerfile: string, platforms = ['linux/amd64']): CacheUse[] {
  return cacheUsesOf(parseDockerfile(dockerfile), platforms).uses;
}

describe('cache identity, as BuildKit derives it (moby/buildkit frontend/dockerfile/dockerfile2llb/convert_runmount.go)', () => {
  it('without id=, the id is path.Clean of the target as written, even when the target is relative', () => {
    const found = uses(
      [
        'FROM golang:1.25',
        'WORKDIR /src',
        'RUN --mount=type=cache,target=rel go test ./...',
        'RUN --mount=type=cache,target=/root/.cache/go-build/ go build .',
      ].join('\n'),
    );
    expect(found.map((u) => [u.identity.id, u.target])).toEqual([
      ['rel', '/src/rel'],
      ['/root/.cache/go-build', '/root/.cache/go-build'],
    ]);
    expect(goPathClean('./a//b/')).toBe('a/b');
    expect(goPathClean('')).toBe('.');
  });

  it('uid and gid are decimal, mode octal: spellings of one value are one cache; another value is another cache', () => {
    const found = uses(
      [
        'FROM golang:1.25',
        'RUN --mount=type=cache,id=x,target=/a,uid=0065532,mode=755 true',
        // sharing and target only change how the cache is locked and named, not which cache it is
        'RUN --mount=type=cache,id=x,target=/b,uid=65532,mode=0755,sharing=locked true',
        'RUN --mount=type=cache,id=x,target=/c,uid=1000 true',
      ].join('\n'),
    );
    expect(found.map((u) => u.identity)).toEqual([
      { id: 'x', uid: 65532, mode: 0o755 },
      { id: 'x', uid: 1000 },
    ]);
    expect(identityKey(found[0]!.identity)).not.toBe(identityKey(found[1]!.identity));
    expect(uses('FROM golang:1.25\nRUN --mount=type=cache,id=x,target=/a true\nRUN --mount=type=cache,id=x,target=/b,sharing=private true')).toHaveLength(1);
  });

  it('ARG and ENV values are expanded; ids naming the target platform give one cache per platform', () => {
    const dockerfile = [
      'FROM --platform=$BUILDPLATFORM golang:1.25 AS build',
      'ARG TARGETARCH',
      'ENV C=/cache',
      'RUN --mount=type=cache,id=gocache-$TARGETARCH,target=${C}/go-build go build .',
      'RUN --mount=type=cache,target=/go/pkg/mod go mod download',
    ].join('\n');
    const found = uses(dockerfile, ['linux/amd64', 'linux/arm64']);
    expect(found.map((u) => [u.identity.id, u.perPlatform, u.platform])).toEqual([
      ['gocache-amd64', true, 'linux/amd64'],
      ['/go/pkg/mod', false, 'linux/amd64'],
      ['gocache-arm64', true, 'linux/arm64'],
    ]);
    expect(archiveName(found[0]!)).not.toBe(archiveName(found[2]!));
    expect(found[1]!.kind).toBe('gomodcache');
    expect(found[1]!.goVersion).toBe('1.25');
  });

  it('mounts a helper cannot reach are reported, not guessed', () => {
    const result = cacheUsesOf(
      parseDockerfile('FROM golang:1.25 AS a\nFROM a\nRUN --mount=type=cache,target=/x,from=a true\nRUN --mount=type=cache,target=/y,uid=bob true'),
      ['linux/amd64'],
    );
    expect(result.uses).toEqual([]);
    expect(result.skipped.map((s) => s.line)).toEqual([3, 4]);
  });

  it('the helper mount names the same cache, with $ and quotes kept literal', () => {
    expect(cacheMountFlag({ id: 'gobuild', uid: 1000, mode: 0o700 }, '/x')).toBe('--mount=type=cache,id=gobuild,target=/x,sharing=locked,uid=1000,mode=0700');
    expect(cacheMountFlag({ id: 'a$b,c' }, '/x')).toBe('--mount=type=cache,"id=a\\$b,c",target=/x,sharing=locked');
  });
});

describe('helper builds', () => {
  const [use] = uses('FROM golang:1.25\nRUN --mount=type=cache,target=/root/.cache/go-build,uid=1000 go build .');
  it('mount the very same cache, carry the nonce literally, and only run the bundled scripts', () => {
    const out = exportDockerfile('debian:trixie-slim', 'n1', [{ use: use!, file: 'k.tar', maxBytes: 10, expected: 'abc' }]);
    expect(out).toContain(
      '--mount=type=cache,id=/root/.cache/go-build,target=/warmbuild-cache,sharing=locked,uid=1000 : warmbuild-n1 k.tar; sh /warmbuild/context/export.sh k.tar 10 0 abc',
    );
    expect(out).toContain(': warmbuild-n1 cleanup; cd / && rm -rf');
    const imp = importDockerfile('debian:trixie-slim', 'n2', [{ use: use!, file: 'k.tar', sha256: 'f'.repeat(64) }]);
    expect(imp).toContain('--mount=type=bind,from=store,source=k.tar,target=/warmbuild/in.tar');
    expect(imp).toContain(`sh /warmbuild/scripts/import.sh k.tar ${'f'.repeat(64)}`);
  });

  it('progress markers and step times are read per archive', () => {
    const progress = [
      '#7 [export 2/3] RUN --mount=type=bind,target=/warmbuild/context --mount=type=cache,id=a : warmbuild-n1 a.tar; sh /warmbuild/context/export.sh a.tar 0 0',
      '#7 1.234 warmbuild-exported a.tar dropped=3',
      '#7 DONE 2.5s',
      '#8 [export 3/3] RUN --mount=type=cache,id=b : warmbuild-n1 b.tar; sh x',
      '#8 0.100 warmbuild-refused b.tar: tar failed: disk full',
      '#8 DONE 0.2s',
    ].join('\n');
    const outcomes = parseHelperProgress(progress, 'n1');
    expect(outcomes.get('a.tar')).toEqual({ status: 'exported', dropped: 3, seconds: 2.5 });
    expect(outcomes.get('b.tar')).toEqual({ status: 'refused', reason: 'tar failed: disk full', seconds: 0.2 });
    expect(parseHelperProgress(progress, 'other').get('a.tar')!.seconds).toBeUndefined();
  });
});

function entry(over: Partial<ManifestEntry>): ManifestEntry {
  return {
    file: 'k1.tar',
    identity: { id: '/go/pkg/mod' },
    target: '/go/pkg/mod',
    kind: 'gomodcache',
    platform: 'linux/amd64',
    perPlatform: false,
    goSum: 'old',
    goVersion: '1.25',
    bytes: 10,
    sha256: 'a'.repeat(64),
    files: 1,
    fingerprint: 'f',
    created: '2026-01-01T00:00:00Z',
    ...over,
  };
}

describe('manifest', () => {
  const manifest: CacheManifest = { tool: 'warmbuild', version: 2, entries: [entry({})] };

  it('rejects what warmbuild did not write, with a reason instead of throwing', () => {
    expect(parseManifest('{')).toBe('manifest.json is not valid JSON');
    expect(parseManifest('{"version":2}')).toBe('manifest.json is not a warmbuild manifest');
    expect(parseManifest('{"tool":"warmbuild","version":1,"entries":[]}')).toMatch(/version 1/);
    expect(parseManifest(JSON.stringify({ ...manifest, entries: [entry({ file: '../../etc/passwd' })] }))).toBe('manifest.json entry 1 is malformed');
    expect(parseManifest(JSON.stringify({ ...manifest, entries: [entry({ file: '.hidden.tar' })] }))).toBe('manifest.json entry 1 is malformed');
    expect(parseManifest(JSON.stringify({ ...manifest, entries: [entry({ bytes: -1 })] }))).toBe('manifest.json entry 1 is malformed');
    expect(parseManifest(JSON.stringify({ ...manifest, entries: [entry({}), entry({})] }))).toBe('manifest.json names k1.tar twice');
    expect(parseManifest(JSON.stringify(manifest))).toEqual(manifest);
  });

  it('two Dockerfiles share a store: an export replaces only the entries of its own caches', () => {
    const other = entry({ file: 'other.tar', identity: { id: 'other-project-gocache' }, kind: 'gocache' });
    const mine = entry({ file: 'k1.tar', sha256: 'b'.repeat(64) });
    const merged = mergeManifest({ tool: 'warmbuild', version: 2, entries: [entry({}), other] }, [mine]);
    expect(merged.entries).toEqual([other, mine]);
    expect(staleFiles({ tool: 'warmbuild', version: 2, entries: [entry({ file: 'renamed.tar' }), other] }, merged)).toEqual(['renamed.tar']);
  });

  it('import skips a build cache of another Go version, and says when go.sum changed', () => {
    const [gocache] = uses('FROM golang:1.26\nRUN --mount=type=cache,target=/root/.cache/go-build go build .');
    expect(decideImport(entry({ kind: 'gocache', goVersion: '1.25' }), gocache!, 'x')).toEqual({
      restore: false,
      reason: 'written by Go 1.25, the Dockerfile builds with Go 1.26: Go would not use it',
    });
    const [mod] = uses('FROM golang:1.26\nRUN --mount=type=cache,target=/go/pkg/mod go mod download');
    expect(decideImport(entry({ goVersion: '1.25' }), mod!, 'new')).toEqual({
      restore: true,
      note: 'go.sum changed since the export; restoring the older module cache',
    });
    expect(decideImport(entry({}), mod!, 'old')).toEqual({ restore: true });
  });
});

describe('go.sum names what the module cache keeps', () => {
  it('escapes upper case as the module cache does and counts /go.mod lines', () => {
    const goSum = [
      'github.com/BurntSushi/toml v1.3.2 h1:x=',
      'github.com/BurntSushi/toml v1.3.2/go.mod h1:y=',
      'golang.org/x/sys v0.1.0/go.mod h1:z=',
      '',
    ].join('\n');
    expect(goSumModules(goSum)).toEqual(['github.com/!burnt!sushi/toml@v1.3.2', 'golang.org/x/sys@v0.1.0']);
  });
});

describe('tar scanning (import refuses what a Go cache never holds)', () => {
  const good = Buffer.concat([tarEntry('./00/', '', { type: '5' }), tarEntry('./00/a-d', 'hello'), tarEntry('trim.txt', '123'), END]);

  it('counts files and fingerprints them as the export helper does (sorted "size path" lines)', () => {
    const result = scan(good, 77);
    expect(result.files).toBe(2);
    expect(result.fingerprint).toBe(createHash('sha256').update('3 trim.txt\n5 00/a-d\n').digest('hex'));
  });

  it.each([
    ['a symbolic link', tarEntry('00/x', '', { type: '2', link: '/etc/passwd' }), /symbolic link/],
    ['a hard link', tarEntry('00/x', '', { type: '1', link: '/etc/passwd' }), /hard link/],
    ['a FIFO', tarEntry('00/x', '', { type: '6' }), /FIFO/],
    ['a device', tarEntry('00/x', '', { type: '3' }), /device/],
    ['an absolute path', tarEntry('/etc/cron.d/x', 'x'), /absolute path/],
    ['a path that climbs out', tarEntry('00/../../x', 'x'), /leaves the cache/],
  ])('refuses %s', (_name, bad, message) => {
    expect(() => scan(Buffer.concat([tarEntry('ok', 'x'), bad, END]))).toThrow(message);
  });

  it('refuses truncated archives and non-tar bytes', () => {
    expect(() => scan(good.subarray(0, 700))).toThrow(/truncated/);
    expect(() => scan(Buffer.concat([Buffer.alloc(512, 0x41), END]))).toThrow(/malformed number|checksum/);
  });
});

describe('options and the summary line', () => {
  it('sizes and ages', () => {
    expect(parseSize('500MB')).toBe(500 * 1024 * 1024);
    expect(parseSize('2g')).toBe(2 * 1024 ** 3);
    expect(() => parseSize('lots')).toThrow('not a size');
    // A bad flag value is a usage error, like every other bad flag.
    expect(() => parseSize('lots')).toThrow(UsageError);
    expect(() => parseAge('soon')).toThrow(UsageError);
    expect(parseAge('7d')).toBe(7 * 86400);
    expect(() => parseAge('soon')).toThrow('not a duration');
  });

  it('one line a CI log reader understands', () => {
    const line = summaryLine({
      version: 1,
      operation: 'import',
      store: '/s',
      seconds: 2,
      unsupported: [],
      mounts: [
        { id: 'a', target: 'a', kind: 'gocache', file: 'a.tar', status: 'restored', bytes: 4_000_000, files: 3, seconds: 1 },
        { id: 'b', target: 'b', kind: 'other', file: 'b.tar', status: 'refused', reason: 'b.tar is a FIFO' },
      ],
    });
    expect(line).toBe('restored 1 of 2 caches, 3.8 MiB in 2.0 s (2.0 MB/s) from /s; 1 refused');
  });
});
