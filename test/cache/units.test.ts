import { describe, expect, it } from 'vitest';
import { exportDockerfile, importDockerfile } from '../../src/cache/helper.js';
import { cacheKey, cacheMountsOf, mountFlag } from '../../src/cache/identity.js';
import { parseManifest, selectEntries, type CacheManifest } from '../../src/cache/manifest.js';
import { parseSize } from '../../src/cache/run.js';
import { readTar, trimTar } from '../../src/cache/tar.js';
import { parseDockerfile } from '../../src/model/dockerfile.js';

function tarEntry(name: string, content: string, mtime: number): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write(`${mtime.toString(8).padStart(11, '0')}\0`, 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  const sum = header.reduce((n, b) => n + b, 0);
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const data = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  data.write(content);
  return Buffer.concat([header, data]);
}

describe('cache mounts of a Dockerfile', () => {
  const model = parseDockerfile(
    [
      'FROM golang:1.25',
      'WORKDIR /src',
      'RUN --mount=type=cache,target=/go/pkg/mod go mod download',
      'RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build,id=gobuild,uid=1000,sharing=private go build .',
      'RUN --mount=type=cache,target=rel go test ./...',
    ].join('\n'),
  );

  it('finds each distinct cache with its exact identity; relative targets resolve under WORKDIR', () => {
    expect(cacheMountsOf(model)).toEqual([
      { id: '/go/pkg/mod', target: '/go/pkg/mod' },
      { id: 'gobuild', target: '/root/.cache/go-build', uid: '1000', sharing: 'private' },
      { id: '/src/rel', target: '/src/rel' },
    ]);
    expect(cacheMountsOf(model, { ids: ['gobuild'] }).map((c) => c.id)).toEqual(['gobuild']);
    expect(cacheMountsOf(model, { targets: ['/go/pkg/mod'] }).map((c) => c.id)).toEqual(['/go/pkg/mod']);
  });

  it('keys change with the identity, the platform and go.sum', () => {
    const [mod, build] = cacheMountsOf(model);
    const key = cacheKey(mod!, 'linux/amd64', 'sha256:a');
    expect(key).toMatch(/^go_pkg_mod-[0-9a-f]{20}$/);
    expect(cacheKey(mod!, 'linux/arm64', 'sha256:a')).not.toBe(key);
    expect(cacheKey(mod!, 'linux/amd64', 'sha256:b')).not.toBe(key);
    expect(cacheKey(build!, 'linux/amd64', 'sha256:a')).not.toBe(key);
  });

  it('helper builds mount the very same cache and only run tar', () => {
    const [, build] = cacheMountsOf(model);
    expect(mountFlag(build!, '/x')).toBe('--mount=type=cache,id=gobuild,target=/x,uid=1000,sharing=private');
    const out = exportDockerfile('busybox', [{ identity: build!, file: 'k.tar' }]);
    expect(out).toContain('RUN --mount=type=cache,id=gobuild,target=/warmbuild-cache,uid=1000,sharing=private echo "$WARMBUILD_NONCE" >/dev/null && mkdir -p /out && tar -C /warmbuild-cache -cf /out/k.tar .');
    const imp = importDockerfile('busybox', [{ identity: build!, file: 'k.tar' }]);
    expect(imp).toContain('--mount=type=bind,from=store,source=k.tar,target=/warmbuild-in.tar');
    expect(imp).toContain('tar -C /warmbuild-cache -xpf /warmbuild-in.tar');
  });
});

describe('manifest', () => {
  const manifest: CacheManifest = {
    version: 1,
    created: '2026-01-01T00:00:00Z',
    platform: 'linux/amd64',
    goSum: 'sha256:old',
    entries: [{ key: 'k1', file: 'k1.tar', identity: { id: '/go/pkg/mod', target: '/go/pkg/mod' }, bytes: 10, sha256: 'x' }],
  };

  it('rejects malformed manifests with a reason instead of throwing', () => {
    expect(parseManifest('{')).toBe('manifest.json is not valid JSON');
    expect(parseManifest('{"version":2}')).toBe('unsupported manifest version 2');
    expect(parseManifest(JSON.stringify({ ...manifest, entries: [{ ...manifest.entries[0], file: '../../etc/passwd' }] }))).toBe('manifest.json has a malformed entry');
    expect(parseManifest(JSON.stringify(manifest))).toEqual(manifest);
  });

  it('restores the exact key, else the same mount and platform from an older go.sum', () => {
    const identity = { id: '/go/pkg/mod', target: '/go/pkg/mod' };
    expect(selectEntries(manifest, [{ identity, key: 'k1' }], 'linux/amd64')[0]!.exact).toBe(true);
    expect(selectEntries(manifest, [{ identity, key: 'k2' }], 'linux/amd64')[0]!.exact).toBe(false);
    expect(selectEntries(manifest, [{ identity, key: 'k2' }], 'linux/arm64')).toEqual([]);
  });
});

describe('Go build cache trimming', () => {
  it('keeps the most recently used entries within the size', () => {
    const archive = Buffer.concat([tarEntry('./00/old-a', 'x'.repeat(600), 1000), tarEntry('./00/new-a', 'y'.repeat(600), 3000), tarEntry('./01/mid-d', 'z'.repeat(600), 2000), Buffer.alloc(1024)]);
    const trimmed = trimTar(archive, 1300);
    expect(trimmed.dropped).toBe(1);
    expect(readTar(trimmed.archive).map((e) => e.name)).toEqual(['./00/new-a', './01/mid-d']);
    expect(trimTar(archive, 10_000).archive).toBe(archive);
    expect(() => readTar(archive.subarray(0, 700))).toThrow('truncated');
  });

  it('sizes', () => {
    expect(parseSize('500MB')).toBe(500 * 1024 * 1024);
    expect(parseSize('2g')).toBe(2 * 1024 ** 3);
    expect(() => parseSize('lots')).toThrow('not a size');
  });
});
