import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testRule } from '../../../test/support/rule-tester.js';
import { parseConfig } from '../../config.js';
import { checkText, fixText } from '../../lint.js';
import { parseDockerfile } from '../../model/dockerfile.js';
import { checkFiles } from '../../runner.js';
import { rules } from '../index.js';
import { goBuildEmulated, meantForSeveralPlatforms } from './index.js';

const RUNTIME = 'FROM gcr.io/distroless/static-debian12\nCOPY --from=build /app /app\n';

testRule(goBuildEmulated, {
  valid: [
    { name: 'single-platform Dockerfile', code: `FROM golang:1.25 AS build\nRUN go build -o /app .\n${RUNTIME}` },
    {
      name: 'already cross-compiling',
      code: `FROM --platform=$BUILDPLATFORM golang:1.25 AS build\nARG TARGETOS TARGETARCH\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n${RUNTIME}`,
    },
    {
      name: '$BUILDOS/$BUILDARCH',
      code: `FROM --platform=\${BUILDOS}/\${BUILDARCH} golang:1.25 AS build\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build -o /app .\n${RUNTIME}`,
    },
    {
      name: 'emulation asked for explicitly',
      code: `FROM --platform=$TARGETPLATFORM golang:1.25 AS build\nARG TARGETARCH\nRUN go build -o /app .\n${RUNTIME}`,
    },
    {
      name: 'built FROM a cross-compiling stage',
      code: `FROM --platform=$BUILDPLATFORM golang:1.25 AS base\nRUN go mod download\nFROM base AS build\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build -o /app .\n${RUNTIME}`,
    },
    {
      name: 'config says single-platform',
      code: `FROM golang:1.25 AS build\nARG TARGETARCH\nRUN go build -o /app .\n${RUNTIME}`,
      facts: { multiPlatform: false },
    },
    // A final stage that compiles is a Go environment for the target (dev containers, CI tool images), not a builder.
    { name: 'single-stage image', code: 'FROM golang:1.25\nARG TARGETARCH\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\nCMD ["/app"]\n' },
    { name: 'the base of the final stage', code: 'FROM golang:1.25 AS base\nARG TARGETARCH\nRUN go install example.com/tool@v1\nFROM base AS dev\nCOPY . .\n' },
    {
      // ollama/ollama (corpus): FROM base-${TARGETARCH} picks among per-architecture stages.
      name: 'a stage picked by $TARGETARCH among earlier stages',
      code: `FROM --platform=$BUILDPLATFORM golang:1.25 AS base-amd64\nFROM --platform=$BUILDPLATFORM golang:1.25 AS base-arm64\nFROM base-\${TARGETARCH} AS build\nRUN go build -o /app .\n${RUNTIME}`,
    },
    { name: 'a stage that only tests', code: `FROM golang:1.25 AS test\nARG TARGETARCH\nRUN go test ./...\n${RUNTIME}` },
  ],
  invalid: [
    {
      // The shape of kubebuilder's scaffold, kubernetes/dashboard and livekit in the corpus: GOARCH from TARGETARCH, no --platform.
      name: 'GOARCH=$TARGETARCH on an emulated builder',
      code: `FROM golang:1.25 AS build\nARG TARGETARCH\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN CGO_ENABLED=0 GOARCH=$TARGETARCH go build -o /app .\n${RUNTIME}`,
      errors: [{ messageId: 'emulated', line: 1, column: 6, message: 'line 7' }],
      output: `FROM --platform=$BUILDPLATFORM golang:1.25 AS build\nARG TARGETARCH\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nARG TARGETOS\nCOPY . .\nRUN CGO_ENABLED=0 GOARCH=$TARGETARCH GOOS=$TARGETOS go build -o /app .\n${RUNTIME}`,
    },
    {
      name: 'config says multi-platform; ENV CGO_ENABLED=0',
      code: `FROM golang:1.25 AS build\nENV CGO_ENABLED=0\nCOPY . .\nRUN go build -o /app .\n${RUNTIME}`,
      facts: { multiPlatform: true },
      errors: [{ messageId: 'emulated', line: 1, column: 6 }],
      output: `FROM --platform=$BUILDPLATFORM golang:1.25 AS build\nENV CGO_ENABLED=0\nCOPY . .\nARG TARGETOS TARGETARCH\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n${RUNTIME}`,
    },
    {
      name: 'cgo may be on: a suggestion',
      code: `FROM golang:1.25 AS build\nARG TARGETPLATFORM\nRUN go build -o /app .\n${RUNTIME}`,
      errors: [{ messageId: 'emulated', line: 1, column: 6, message: 'cgo may be on' }],
      unsafeOutput: `FROM --platform=$BUILDPLATFORM golang:1.25 AS build\nARG TARGETPLATFORM\nARG TARGETOS TARGETARCH\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n${RUNTIME}`,
    },
    {
      name: 'alpine has no C compiler: safe',
      code: `FROM golang:1.25-alpine AS build\nARG TARGETOS TARGETARCH\nRUN --mount=type=cache,target=/root/.cache/go-build GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n${RUNTIME}`,
      errors: [{ messageId: 'emulated', line: 1, column: 6 }],
      output: `FROM --platform=$BUILDPLATFORM golang:1.25-alpine AS build\nARG TARGETOS TARGETARCH\nRUN --mount=type=cache,target=/root/.cache/go-build GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n${RUNTIME}`,
    },
    {
      name: 'alpine with gcc installed: no fix, cgo is probably used',
      // gogs: `apk add --virtual build-deps build-base ...` with one package per continuation line.
      code: `FROM golang:1.25-alpine AS build\nRUN apk add --no-cache \\\n  gcc \\\n  musl-dev\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build -o /app .\n${RUNTIME}`,
      errors: [{ messageId: 'emulatedNoFix', line: 1, column: 6, message: 'installs a C toolchain' }],
    },
    {
      // juanfont/headscale and tailscale in the corpus: GOARCH=$TARGETARCH go install, then COPY --from=build-env /go/bin/….
      name: 'go install: no fix, the binary would move to $GOPATH/bin/<os>_<arch>',
      code: `FROM golang:1.25-alpine AS build\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go install -v ./cmd/app\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /go/bin/app /app\n`,
      errors: [{ messageId: 'emulatedNoFix', line: 1, column: 6, message: 'go install' }],
    },
    {
      name: 'go test in the stage: no fix',
      code: `FROM golang:1.25 AS build\nARG TARGETARCH\nRUN CGO_ENABLED=0 go test ./... && CGO_ENABLED=0 go build -o /app .\n${RUNTIME}`,
      errors: [{ messageId: 'emulatedNoFix', line: 1, column: 6, message: 'go test' }],
    },
    {
      name: 'runs the binary it builds: no fix',
      code: `FROM golang:1.25 AS build\nARG TARGETARCH\nRUN CGO_ENABLED=0 go build -o /app . && /app --version\n${RUNTIME}`,
      errors: [{ messageId: 'emulatedNoFix', line: 1, column: 6, message: '/app' }],
    },
    {
      // rqlite: ENV CGO_ENABLED=1 with gcc and musl-dev on golang:alpine; cross-compiling would need a C cross-compiler.
      name: 'cgo on for certain: no fix',
      code: `FROM golang:1.25-alpine AS build\nRUN apk add --no-cache gcc musl-dev\nENV CGO_ENABLED=1\nARG TARGETARCH\nRUN go build -o /app .\n${RUNTIME}`,
      errors: [{ messageId: 'emulatedNoFix', line: 1, column: 6, message: 'CGO_ENABLED=1' }],
    },
    {
      // docker/model-runner: a second `go build -o model-runner` names the same output; that is not running it.
      name: 'the output named again by another build is not a run of it',
      code: `FROM golang:1.25 AS build\nENV CGO_ENABLED=0\nARG TARGETOS TARGETARCH\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o model-runner .\nFROM build AS other\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -tags=x -o model-runner .\n${RUNTIME}`,
      errors: [{ messageId: 'emulated', line: 1, column: 6 }],
      // ARGs are per stage: the stage built FROM the builder declares its own.
      output: `FROM --platform=$BUILDPLATFORM golang:1.25 AS build\nENV CGO_ENABLED=0\nARG TARGETOS TARGETARCH\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o model-runner .\nFROM build AS other\nARG TARGETOS TARGETARCH\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -tags=x -o model-runner .\n${RUNTIME}`,
    },
    {
      name: 'runs the binary in a later RUN, after a continuation: no fix',
      code: `FROM golang:1.25 AS build\nARG TARGETARCH\nRUN CGO_ENABLED=0 go build -o /app .\nRUN set -e; \\\n    /app --selftest\n${RUNTIME}`,
      errors: [{ messageId: 'emulatedNoFix', line: 1, column: 6, message: '/app' }],
    },
    {
      name: 'exec form: no fix',
      code: `FROM golang:1.25 AS build\nARG TARGETARCH\nENV CGO_ENABLED=0\nRUN ["go", "build", "-o", "/app", "."]\n${RUNTIME}`,
      errors: [{ messageId: 'emulatedNoFix', line: 1, column: 6, message: 'exec form' }],
    },
    {
      name: 'go generate: a suggestion',
      code: `FROM golang:1.25 AS build\nENV CGO_ENABLED=0\nARG TARGETOS TARGETARCH\nRUN go generate ./... && GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n${RUNTIME}`,
      errors: [{ messageId: 'emulated', line: 1, column: 6, message: 'go generate' }],
      unsafeOutput: `FROM --platform=$BUILDPLATFORM golang:1.25 AS build\nENV CGO_ENABLED=0\nARG TARGETOS TARGETARCH\nRUN go generate ./... && GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n${RUNTIME}`,
    },
    {
      // A Dockerfile that brings xx but forgot --platform on one builder (a shape of our own, not from the corpus).
      name: 'xx-go already targets $TARGETPLATFORM',
      code: `FROM --platform=$BUILDPLATFORM tonistiigi/xx AS xx\nFROM golang:1.25-alpine AS build\nCOPY --from=xx / /\nARG TARGETPLATFORM\nRUN CGO_ENABLED=0 xx-go build -o /app .\n${RUNTIME}`,
      errors: [{ messageId: 'emulated', line: 2, column: 6 }],
      output: `FROM --platform=$BUILDPLATFORM tonistiigi/xx AS xx\nFROM --platform=$BUILDPLATFORM golang:1.25-alpine AS build\nCOPY --from=xx / /\nARG TARGETPLATFORM\nRUN CGO_ENABLED=0 xx-go build -o /app .\n${RUNTIME}`,
    },
    {
      name: 'a stage with xx compiles through xx-go',
      code: `FROM --platform=$BUILDPLATFORM tonistiigi/xx AS xx\nFROM golang:1.25 AS build\nCOPY --from=xx / /\nRUN go mod download\nRUN CGO_ENABLED=0 go build -o /app .\n${RUNTIME}`,
      errors: [{ messageId: 'emulated', line: 2, column: 6 }],
      output: `FROM --platform=$BUILDPLATFORM tonistiigi/xx AS xx\nFROM --platform=$BUILDPLATFORM golang:1.25 AS build\nCOPY --from=xx / /\nRUN go mod download\nARG TARGETPLATFORM\nRUN CGO_ENABLED=0 xx-go build -o /app .\n${RUNTIME}`,
    },
    {
      name: 'the base stage moves with the stage built FROM it',
      code: `FROM golang:1.25 AS base\nENV CGO_ENABLED=0\nRUN go mod download\nFROM base AS build\nARG TARGETARCH\nRUN go build -o /app .\n${RUNTIME}`,
      errors: [{ messageId: 'emulated', line: 1, column: 6, message: 'Stage base' }],
      output: `FROM --platform=$BUILDPLATFORM golang:1.25 AS base\nENV CGO_ENABLED=0\nRUN go mod download\nFROM base AS build\nARG TARGETARCH\nARG TARGETOS\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n${RUNTIME}`,
    },
  ],
});

describe('meantForSeveralPlatforms', () => {
  it('reads the file unless the config decides', () => {
    const single = parseDockerfile('FROM golang:1.25\n# TARGETARCH in a comment is not a use\nRUN go build .\n');
    const multi = parseDockerfile('FROM golang:1.25\nRUN GOARCH=${TARGETARCH} go build .\n');
    expect(meantForSeveralPlatforms(single, undefined)).toBe(false);
    expect(meantForSeveralPlatforms(multi, undefined)).toBe(true);
    expect(meantForSeveralPlatforms(single, true)).toBe(true);
    expect(meantForSeveralPlatforms(multi, false)).toBe(false);
  });
});

describe('multiPlatform in the config', () => {
  it('is a boolean; anything else is an error with its line', () => {
    expect(parseConfig('multiPlatform: true\n', 'c.yaml').multiPlatform).toBe(true);
    expect(() => parseConfig('failLevel: info\nmultiPlatform: yes please\n', 'c.yaml')).toThrow(/c\.yaml:2: "multiPlatform": expected true or false/);
  });

  it('reaches the rule through the same loading as check and fix', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wb132-'));
    const dockerfile = path.join(dir, 'Dockerfile');
    writeFileSync(dockerfile, `FROM golang:1.25 AS build\nENV CGO_ENABLED=0\nRUN go build -o /app .\n${RUNTIME}`);
    const flagged = async (): Promise<boolean> => (await checkFiles([dockerfile]))[0]!.findings.some((f) => f.rule === 'go-build-emulated');
    expect(await flagged()).toBe(false);
    writeFileSync(path.join(dir, '.warmbuild.yaml'), 'multiPlatform: true\n');
    expect(await flagged()).toBe(true);
  });
});

/**
 * Every corpus hit, checked by hand (each is a builder stage that compiles Go under emulation in a
 * Dockerfile that reads the target platform, uses xx or cross-compiles elsewhere): file:line and the
 * fix it gets. A change in this list is a change in what the rule finds in real Dockerfiles.
 */
const CORPUS_HITS: Array<[string, 'safe' | 'suggestion' | 'none']> = [
  ['0108:114', 'safe'],
  ['0108:120', 'safe'],
  ['0114:10', 'none'],
  ['0120:1', 'safe'],
  ['0122:1', 'safe'],
  ['0123:1', 'safe'],
  ['0124:1', 'safe'],
  ['0125:1', 'safe'],
  ['0133:3', 'safe'],
  ['0153:10', 'none'],
  ['0154:10', 'none'],
  ['0167:15', 'none'],
  ['0177:1', 'none'],
  ['0213:3', 'none'],
  ['0215:7', 'none'],
  ['0240:4', 'safe'],
  ['0268:30', 'safe'],
  ['0270:30', 'safe'],
  ['0271:30', 'safe'],
  ['0272:56', 'safe'],
  ['0282:3', 'safe'],
  ['0286:4', 'none'],
  ['0287:2', 'none'],
  ['0300:20', 'safe'],
  ['0301:20', 'safe'],
  ['0302:2', 'none'],
  ['0303:1', 'suggestion'],
  ['0306:1', 'safe'],
  ['0317:1', 'none'],
  ['0318:1', 'none'],
  ['0319:1', 'none'],
  ['0369:2', 'safe'],
  ['0377:2', 'safe'],
  ['0402:1', 'none'],
  ['0406:1', 'none'],
  ['0424:39', 'none'],
  ['0447:6', 'safe'],
];

const CORPUS = path.resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'corpus', 'dockerfiles');
describe.skipIf(!existsSync(CORPUS))('go-build-emulated on the corpus', () => {
  it('flags exactly the hand-checked builders, none in a single-platform file, with the fix each was checked for', () => {
    const only = { rules: Object.fromEntries(rules.filter((r) => r !== goBuildEmulated).map((r) => [r.name, 'off' as const])) };
    const hits: Array<[string, string]> = [];
    for (const name of readdirSync(CORPUS)
      .filter((n) => n.endsWith('.Dockerfile'))
      .sort()) {
      const text = readFileSync(path.join(CORPUS, name), 'utf8');
      const findings = checkText(text, only);
      if (findings.length === 0) continue;
      expect(meantForSeveralPlatforms(parseDockerfile(text), undefined), name).toBe(true);
      const kind = fixText(text, only).changed ? 'safe' : fixText(text, { ...only, unsafe: true }).changed ? 'suggestion' : 'none';
      for (const f of findings) hits.push([`${name.replace('.Dockerfile', '')}:${f.line}`, kind]);
      // Fixed, the file is no longer flagged.
      const fixed = fixText(text, { ...only, unsafe: true }).output;
      if (kind !== 'none') expect(checkText(fixed, only), name).toEqual([]);
    }
    expect(hits).toEqual(CORPUS_HITS);
  });
});
