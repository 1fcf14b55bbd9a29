import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkText } from '../../src/lint.js';
import { fixFiles } from '../../src/runner.js';
import { build, uniqueName } from '../support/buildkit.js';
import { hasDocker, run } from '../support/docker.js';
import { withLocalImages } from '../support/local-images.js';

const FIXTURES = path.resolve(import.meta.dirname, '..', 'fixtures');
const PROJECT = path.join(FIXTURES, 'project');

interface BuildCase {
  name: string;
  dockerfile: string;
  /** Files to drop from the fixture project for this case. */
  without?: string[];
  /** Text the fixed Dockerfile must hold. */
  fixedContains?: string;
}

const fixture = (name: string): BuildCase => ({ name, dockerfile: readFileSync(path.join(FIXTURES, `${name}.Dockerfile`), 'utf8') });

/**
 * Every fix builds: `warmbuild fix --unsafe` (the runner, with the real build context) applied to each
 * fixture that builds here, and to the audit's cases, gives a Dockerfile BuildKit builds. Not here:
 * ignores-and-unknowns (`apk add go` needs a registry; `make tools` a Makefile the fixture has not).
 */
const cases: BuildCase[] = [
  fixture('seed'),
  fixture('crlf-bom-backtick'),
  fixture('nonroot-and-moved-caches'),
  {
    name: 'no go.sum in the context: the manifests copied are go.mod alone',
    without: ['go.sum'],
    dockerfile:
      'FROM golang:1.25 AS build\nWORKDIR /src\nCOPY . .\nRUN go mod download\nRUN go build -o /out/app .\nFROM busybox\nCOPY --from=build /out/app /app\n',
  },
  {
    name: 'go mod init in the stage: no manifest copy',
    without: ['go.mod', 'go.sum'],
    dockerfile:
      'FROM golang:1.25 AS build\nWORKDIR /src\nCOPY . .\nRUN go mod init example.com/fixture && go mod tidy\nRUN go build -o /out/app .\nFROM busybox\nCOPY --from=build /out/app /app\n',
  },
  {
    name: 'a named non-root USER: no root-owned cache mount',
    dockerfile:
      'FROM golang:1.25 AS build\nRUN useradd -m app\nUSER app\nENV HOME=/home/app\nWORKDIR /home/app/src\nCOPY --chown=app . .\nRUN go mod download\nRUN go build -o /tmp/app .\nFROM busybox\nCOPY --from=build /tmp/app /app\n',
  },
  {
    // BuildKit expands the id's build args in the mount: the ARGs the fix declares must be in scope.
    name: 'multi-platform, emulated on purpose: a per-platform Go build cache id',
    dockerfile:
      'FROM --platform=$TARGETPLATFORM golang:1.25 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\nFROM busybox\nCOPY --from=build /out/app /app\n',
    fixedContains: 'id=/root/.cache/go-build-${TARGETOS}-${TARGETARCH},target=/root/.cache/go-build',
  },
];

describe.skipIf(!hasDocker)('fix --unsafe output builds on real BuildKit', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'warmbuild-fixtures-build-'));
  const namespace = uniqueName('warmbuild-fixtures-build');
  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await run('docker', ['buildx', 'prune', '-f', '--filter', 'type=exec.cachemount', '--filter', `description~=${namespace}`]);
  });

  it.each(cases.map((c, i) => [i, c.name, c] as const))(
    'case %i: %s',
    async (i, _name, c) => {
      const dir = path.join(scratch, `case-${i}`);
      cpSync(PROJECT, dir, { recursive: true });
      for (const file of c.without ?? []) rmSync(path.join(dir, file));
      const dockerfile = path.join(dir, 'Dockerfile');
      writeFileSync(dockerfile, c.dockerfile);
      const [result] = await fixFiles([dockerfile], { unsafe: true });
      expect(result!.error).toBeUndefined();
      const fixed = readFileSync(dockerfile, 'utf8');
      if (c.fixedContains) expect(fixed).toContain(c.fixedContains);
      // The fixed file has no error-level finding its input lacked.
      const errors = (text: string): string[] =>
        checkText(text)
          .filter((f) => f.severity === 'error')
          .map((f) => f.code);
      for (const code of errors(fixed)) expect(errors(c.dockerfile), `new ${code} in\n${fixed}`).toContain(code);
      writeFileSync(dockerfile, withLocalImages(fixed));
      const built = await build(dir, ['--build-arg', `BUILDKIT_CACHE_MOUNT_NS=${namespace}`, '--output', 'type=cacheonly']);
      expect(built.code, `${built.stderr.slice(-3000)}\n${fixed}`).toBe(0);
    },
    300_000,
  );
});
