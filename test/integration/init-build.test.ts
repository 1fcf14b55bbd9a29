import { closeSync, cpSync, mkdtempSync, openSync, readdirSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { uniqueName } from '../support/buildkit.js';
import { hasDocker, run } from '../support/docker.js';

const PROJECTS = path.resolve(import.meta.dirname, '..', 'projects', 'init');

interface Fixture {
  name: string;
  /** Target stage → what its binary prints. */
  expect: Record<string, string>;
  /** Arguments of `docker run` after the image (the image's own CMD when absent). */
  run?: string[];
  buildArgs?: string[];
  /** cgo cannot cross-compile without a C cross toolchain, which builds here cannot download. */
  crossCompiles: boolean;
}

const FIXTURES: Fixture[] = [
  { name: 'root', expect: { rootapp: 'rootapp 1.2.3' }, buildArgs: ['--build-arg', 'VERSION=1.2.3'], crossCompiles: true },
  { name: 'multi', expect: { alpha: 'multi: alpha', beta: 'multi: beta', gamma: 'multi: gamma' }, crossCompiles: true },
  { name: 'vendored', expect: { vendored: 'Hello, vendored!' }, crossCompiles: true },
  { name: 'cgo', expect: { cgoapp: 'cgo 42' }, crossCompiles: false },
  { name: 'workspace', expect: { app: 'workspace ok' }, crossCompiles: true },
  { name: 'replace', expect: { replaced: 'replace ok' }, crossCompiles: true },
  { name: 'embed', expect: { embedded: 'embedded ok' }, crossCompiles: true },
  // The project's Makefile sets the tags and -X values; init carries them over (issue 13 item 8).
  {
    name: 'make-version',
    expect: { makeversion: 'makeversion 1.4.3 (commit v1.4.3-0-gabc1234, feature on, runtime host)' },
    run: ['--version'],
    buildArgs: ['--build-arg', 'COMMIT=v1.4.3-0-gabc1234'],
    crossCompiles: true,
  },
  // runc's shape: the version is //go:embed-ded from VERSION and must not be overridden; the Makefile exports CGO_ENABLED=1.
  { name: 'embed-version', expect: { embedversion: 'embedversion version 1.4.3' }, run: ['--version'], crossCompiles: false },
  // The project's Dockerfile runs `make` under ENV CONTAINER_BUILD=1 and passes --no-autoupdate; CMD is "version".
  { name: 'entrypoint', expect: { entry: 'entry DEV built unknown runtime=virtual args=--no-autoupdate version' }, crossCompiles: false },
];

const quiet = { stdout: () => undefined, stderr: () => undefined, isTTY: false };

/** e_machine of an ELF file: 62 is x86-64, 183 is AArch64. */
function elfMachine(file: string): number {
  const fd = openSync(file, 'r');
  const header = Buffer.alloc(20);
  readSync(fd, header, 0, 20, 0);
  closeSync(fd);
  expect(header.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
  return header.readUInt16LE(18);
}

describe.skipIf(!hasDocker)('warmbuild init on real BuildKit', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'warmbuild-init-'));
  const namespace = uniqueName('warmbuild-init-test');
  const images: string[] = [];
  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    if (images.length > 0) await run('docker', ['image', 'rm', '-f', ...images]);
    await run('docker', ['buildx', 'prune', '-f', '--filter', 'type=exec.cachemount', '--filter', `description~=${namespace}`]);
  });

  for (const fixture of FIXTURES) {
    it(`${fixture.name}: generates a Dockerfile warmbuild check accepts, that builds and runs${fixture.crossCompiles ? ', and cross-compiles to arm64' : ''}`, async () => {
      const dir = path.join(scratch, fixture.name);
      cpSync(path.join(PROJECTS, fixture.name), dir, { recursive: true });
      // No frontend image can be pulled here: the built-in Dockerfile frontend parses the file.
      // --force: some fixtures carry the project's own Dockerfile, which init reads and replaces.
      expect(await main(['init', dir, '--builder-image', 'golang:1.25-trixie', '--syntax', 'none', '--force'], quiet)).toBe(0);
      expect(await main(['check', path.join(dir, 'Dockerfile')], quiet)).toBe(0);

      const common = ['--build-arg', `BUILDKIT_CACHE_MOUNT_NS=${namespace}`, ...(fixture.buildArgs ?? [])];
      for (const [target, output] of Object.entries(fixture.expect)) {
        const tag = uniqueName(`warmbuild-init-${fixture.name}-${target}`);
        images.push(tag);
        const built = await run('docker', ['buildx', 'build', '--progress=plain', '--load', '--target', target, '-t', tag, ...common, dir]);
        expect(built.code, built.stderr.slice(-3000)).toBe(0);
        const ran = await run('docker', ['run', '--rm', tag, ...(fixture.run ?? [])]);
        expect(ran.stdout.trim()).toBe(output);
      }

      if (!fixture.crossCompiles) return;
      const out = path.join(scratch, `${fixture.name}-arm64`);
      const cross = await run('docker', [
        'buildx',
        'build',
        '--progress=plain',
        '--platform',
        'linux/arm64',
        '--target',
        'binaries',
        '--output',
        `type=local,dest=${out}`,
        ...common,
        dir,
      ]);
      expect(cross.code, cross.stderr.slice(-3000)).toBe(0);
      const binaries = readdirSync(out).sort();
      expect(binaries).toEqual(Object.keys(fixture.expect).sort());
      for (const binary of binaries) expect(elfMachine(path.join(out, binary))).toBe(183);
    }, 600_000);
  }
});
