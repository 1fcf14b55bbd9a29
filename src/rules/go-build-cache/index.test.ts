import { describe, expect, it } from 'vitest';
import { type InvalidCase, testRule } from '../../../test/support/rule-tester.js';
import { cacheUsesOf } from '../../cache/identity.js';
import { fixText } from '../../lint.js';
import { parseDockerfile } from '../../model/dockerfile.js';
import { goBuildCache } from './index.js';

const MOUNT = '--mount=type=cache,target=/root/.cache/go-build';
const PER_PLATFORM_MOUNT = '--mount=type=cache,id=/root/.cache/go-build-${TARGETOS}-${TARGETARCH},target=/root/.cache/go-build';

/** Each case's RUN sits in a builder stage: a runtime stage follows, as in real multi-stage files. */
const RUNTIME = 'FROM busybox\nCOPY --from=0 /app /app\n';
function builderStages(cases: InvalidCase[]): InvalidCase[] {
  return cases.map((c) => ({
    ...c,
    code: c.code + RUNTIME,
    ...(c.output !== undefined ? { output: c.output + RUNTIME } : {}),
    ...(c.unsafeOutput !== undefined ? { unsafeOutput: c.unsafeOutput + RUNTIME } : {}),
  }));
}

testRule(goBuildCache, {
  valid: [
    { name: 'busybox stage has no Go', code: `FROM busybox\nRUN echo go build\n` },
    { name: 'mounted', code: `FROM golang:1.25\nRUN ${MOUNT} go build -o /app .\n` },
    { name: 'parent directory mounted', code: 'FROM golang:1.25\nRUN --mount=type=cache,target=/root/.cache go build .\n' },
    { name: 'moved GOCACHE mounted', code: 'FROM golang:1.25\nENV GOCACHE=/cache/go\nRUN --mount=type=cache,target=/cache/go go build .\n' },
    { name: 'relative target under WORKDIR', code: 'FROM golang:1.25\nWORKDIR /root\nRUN --mount=type=cache,target=.cache/go-build go build .\n' },
    { name: 'make is never guessed as Go', code: 'FROM golang:1.25\nRUN make build\n' },
    { name: 'a script is never guessed as Go', code: 'FROM golang:1.25\nRUN ./hack/build.sh && sh scripts/release.sh\n' },
    { name: 'go commands that compile nothing', code: 'FROM golang:1.25\nRUN go version && go env && go mod download\n' },
    { name: 'the word go as an argument', code: 'FROM golang:1.25\nRUN echo go build && apt-get install -y go\n' },
    { name: 'an ONBUILD RUN with its mount', code: `FROM golang:1.25\nONBUILD RUN ${MOUNT} go build .\n` },
    { name: 'xx-go --wrap compiles nothing', code: 'FROM golang:1.25\nRUN xx-go --wrap\n' },
    { name: 'xx-go mod download is not a compile', code: 'FROM golang:1.25\nRUN xx-go mod download\n' },
    // Since Go 1.18 `go get` only edits go.mod; before, -d (download only) kept it from building.
    { name: 'go get on Go 1.18 and later builds nothing', code: 'FROM golang:1.18\nRUN go get github.com/x/tool@v1.2.3\nFROM golang\nRUN go get ./...\n' },
    {
      name: 'go get -d on an old Go downloads only',
      code: 'FROM golang:1.6-alpine\nRUN go get -v -d\nFROM golang:1.14\nRUN GO111MODULE=off go get -d github.com/x/tool\n',
    },
    { name: 'go get where the Go version is unknown', code: 'FROM debian:trixie-slim\nRUN go get github.com/x/tool\n' },
  ],
  invalid: builderStages([
    {
      // The trigger runs in every build FROM this image, right after its FROM: the mount goes on the ONBUILD RUN.
      name: 'ONBUILD RUN go build',
      code: 'FROM golang:1.25\nONBUILD RUN go build -o /app .\n',
      errors: [{ messageId: 'missing', line: 2, column: 13, message: '`go build` compiles' }],
      output: `FROM golang:1.25\nONBUILD RUN ${MOUNT} go build -o /app .\n`,
    },
    {
      // tonistiigi/xx, as in the corpus' cross-compiling Dockerfiles (e.g. aceberg/AnyAppStart).
      name: 'xx-go build, after xx-go --wrap too',
      // Single-platform by the config: xx alone would make the file multi-platform (see the per-platform cases).
      facts: { multiPlatform: false },
      code: 'FROM golang:1.25\nRUN xx-go --wrap && xx-go build -o /app . && xx-verify /app\n',
      errors: [{ messageId: 'missing', line: 2, column: 21 }],
      output: `FROM golang:1.25\nRUN ${MOUNT} xx-go --wrap && xx-go build -o /app . && xx-verify /app\n`,
    },
    {
      // Before Go 1.18 `go get` builds and installs what it fetches (prometheus-operator's old
      // scripts/tooling Dockerfile on golang:1.14; kotts on golang:1.16): GOCACHE fills like a go install.
      name: 'go get on a Go older than 1.18 builds and installs',
      code: 'FROM golang:1.14 AS tools\nRUN GO111MODULE=on go get github.com/x/tool/cmd/tool@v1.2.3\nFROM tools\nRUN go get\n',
      errors: [
        { messageId: 'missing', line: 2, column: 20, message: '`go get` compiles' },
        { messageId: 'missing', line: 4, column: 5 },
      ],
      output: `FROM golang:1.14 AS tools\nRUN ${MOUNT} GO111MODULE=on go get github.com/x/tool/cmd/tool@v1.2.3\nFROM tools\nRUN ${MOUNT} go get\n`,
    },
    {
      // GOPATH mode builds on any Go version (concourse's dlv Dockerfile: ENV GO111MODULE=off on its own image).
      name: 'go get in GOPATH mode builds and installs',
      code: 'FROM golang:1.25\nENV GO111MODULE=off\nRUN go get -u github.com/x/tool/cmd/tool\n',
      errors: [{ messageId: 'missing', line: 3, column: 5 }],
      output: `FROM golang:1.25\nENV GO111MODULE=off\nRUN ${MOUNT} go get -u github.com/x/tool/cmd/tool\n`,
    },
    {
      name: 'go env -w GOCACHE moves the cache for the RUNs after it',
      code: 'FROM golang:1.25\nRUN go env -w GOCACHE=/cache/go-build GOFLAGS=-mod=mod\nRUN go build -o /app .\n',
      errors: [{ messageId: 'missing', line: 3, column: 5, message: '(/cache/go-build)' }],
      output: 'FROM golang:1.25\nRUN go env -w GOCACHE=/cache/go-build GOFLAGS=-mod=mod\nRUN --mount=type=cache,target=/cache/go-build go build -o /app .\n',
    },
    {
      name: 'an ENV GOCACHE wins over go env -w, as Go reads the environment first',
      code: 'FROM golang:1.25\nRUN go env -w GOCACHE=/cache/go-build\nENV GOCACHE=/env/cache\nRUN go build -o /app .\n',
      errors: [{ messageId: 'missing', line: 4, column: 5, message: '(/env/cache)' }],
      output: 'FROM golang:1.25\nRUN go env -w GOCACHE=/cache/go-build\nENV GOCACHE=/env/cache\nRUN --mount=type=cache,target=/env/cache go build -o /app .\n',
    },
    {
      name: 'seed Dockerfile',
      code: 'FROM golang:1.25-trixie as builder\nWORKDIR /app\nCOPY . .\nRUN go build -o app\n',
      errors: [{ messageId: 'missing', line: 4, column: 5, message: '/root/.cache/go-build' }],
      output: `FROM golang:1.25-trixie as builder\nWORKDIR /app\nCOPY . .\nRUN ${MOUNT} go build -o app\n`,
    },
    {
      name: 'after && with env prefix',
      code: 'FROM golang:1.25\nRUN apt-get update && CGO_ENABLED=0 go build .\n',
      errors: [{ messageId: 'missing', line: 2, column: 37 }],
      output: `FROM golang:1.25\nRUN ${MOUNT} apt-get update && CGO_ENABLED=0 go build .\n`,
    },
    {
      name: 'go test after || and ; and in a pipe',
      code: 'FROM golang:1.25\nRUN false || true; go test ./... | tee /out\n',
      errors: [{ messageId: 'missing', line: 2, column: 20 }],
      output: `FROM golang:1.25\nRUN ${MOUNT} false || true; go test ./... | tee /out\n`,
    },
    {
      name: 'continuation, go by absolute path, mount joins existing own-line flags',
      code: 'FROM golang:1.25\nRUN --mount=type=bind,target=. \\\n    --mount=type=cache,target=/go/pkg/mod \\\n    /usr/local/go/bin/go install \\\n      ./cmd/...\n',
      errors: [{ messageId: 'missing', line: 4, column: 5 }],
      output: `FROM golang:1.25\nRUN --mount=type=bind,target=. \\\n    --mount=type=cache,target=/go/pkg/mod \\\n    ${MOUNT} \\\n    /usr/local/go/bin/go install \\\n      ./cmd/...\n`,
    },
    {
      name: 'flags on the RUN line stay on the RUN line',
      code: 'FROM golang:1.25\nRUN --mount=type=bind,target=. \\\n  go vet ./...\n',
      errors: [{ messageId: 'missing', line: 3, column: 3 }],
      output: `FROM golang:1.25\nRUN --mount=type=bind,target=. ${MOUNT} \\\n  go vet ./...\n`,
    },
    {
      name: 'command on the line after RUN',
      code: 'FROM golang:1.25\nRUN \\\n  go generate ./... && go build .\n',
      errors: [{ messageId: 'missing', line: 3, column: 3 }],
      output: `FROM golang:1.25\nRUN \\\n  ${MOUNT} \\\n  go generate ./... && go build .\n`,
    },
    {
      name: 'sh -c',
      code: "FROM golang:1.25\nRUN sh -c 'cd /src && go run ./tools/gen'\n",
      errors: [{ messageId: 'missing', line: 2, column: 23 }],
      output: `FROM golang:1.25\nRUN ${MOUNT} sh -c 'cd /src && go run ./tools/gen'\n`,
    },
    {
      name: 'exec form',
      code: 'FROM golang:1.25\nRUN ["go", "build", "-o", "/app", "."]\n',
      errors: [{ messageId: 'missing', line: 2, column: 5 }],
      output: `FROM golang:1.25\nRUN ${MOUNT} ["go", "build", "-o", "/app", "."]\n`,
    },
    {
      name: 'heredoc body',
      code: 'FROM golang:1.25\nRUN <<EOF\nset -e\ngo list -export ./...\nEOF\n',
      errors: [{ messageId: 'missing', line: 4, column: 1 }],
      output: `FROM golang:1.25\nRUN ${MOUNT} <<EOF\nset -e\ngo list -export ./...\nEOF\n`,
    },
    {
      name: 'ENV moves GOCACHE, through an ARG default',
      code: 'FROM golang:1.25\nENV GOCACHE=/cache/go-build\nRUN go build .\n',
      errors: [{ messageId: 'missing', line: 3, column: 5, message: '/cache/go-build' }],
      output: 'FROM golang:1.25\nENV GOCACHE=/cache/go-build\nRUN --mount=type=cache,target=/cache/go-build go build .\n',
    },
    {
      name: 'XDG_CACHE_HOME moves GOCACHE',
      code: 'FROM golang:1.25\nENV XDG_CACHE_HOME=/xdg\nRUN go build .\n',
      errors: [{ messageId: 'missing', line: 3, column: 5, message: '/xdg/go-build' }],
      output: 'FROM golang:1.25\nENV XDG_CACHE_HOME=/xdg\nRUN --mount=type=cache,target=/xdg/go-build go build .\n',
    },
    {
      name: 'a command prefix moves GOCACHE',
      code: 'FROM golang:1.25\nRUN GOCACHE=/tmp/gc go build .\n',
      errors: [{ messageId: 'missing', line: 2, column: 21, message: '/tmp/gc' }],
      output: 'FROM golang:1.25\nRUN --mount=type=cache,target=/tmp/gc GOCACHE=/tmp/gc go build .\n',
    },
    {
      name: 'numeric non-root USER gets an owned cache',
      code: 'FROM golang:1.25\nUSER 1000:1000\nENV HOME=/home/app\nRUN go build .\n',
      errors: [{ messageId: 'missing', line: 4, column: 5 }],
      output: 'FROM golang:1.25\nUSER 1000:1000\nENV HOME=/home/app\nRUN --mount=type=cache,target=/home/app/.cache/go-build,uid=1000,gid=1000 go build .\n',
    },
    {
      name: 'stage built FROM a golang stage inherits its defaults',
      code: 'FROM golang:1.25 AS base\nENV GOCACHE=/gc\nFROM base AS test\nRUN go test ./...\n',
      errors: [{ messageId: 'missing', line: 4, column: 5, message: '/gc' }],
      output: 'FROM golang:1.25 AS base\nENV GOCACHE=/gc\nFROM base AS test\nRUN --mount=type=cache,target=/gc go test ./...\n',
    },
    {
      name: 'unknown base image: a suggestion only',
      code: 'FROM alpine:3.20\nRUN apk add go && go build .\n',
      errors: [{ messageId: 'missingUncertain', line: 2, column: 19 }],
      unsafeOutput: `FROM alpine:3.20\nRUN ${MOUNT} apk add go && go build .\n`,
    },
    {
      name: 'every fix builds: a named non-root USER gets no root-owned cache mount',
      code: 'FROM golang:1.25 AS build\nUSER app\nENV HOME=/home/app\nRUN go build -o /tmp/app .\nFROM scratch\n',
      errors: [{ messageId: 'namedUser', line: 4, column: 5, message: 'uid=<uid of app>' }],
    },
    {
      name: 'GOCACHE from an ARG without default: no fix',
      code: 'FROM golang:1.25\nARG CACHE\nENV GOCACHE=$CACHE\nRUN go build .\n',
      errors: [{ messageId: 'unknown', line: 4, column: 5 }],
    },
    // Per-platform build caches (go-build-emulated's README, "Per-platform cache identity").
    {
      name: 'multi-platform, emulated, cgo maybe on: a per-platform id, and the ARG it names',
      code: 'FROM golang:1.25 AS build\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build -o /app .\n',
      errors: [{ messageId: 'missing', line: 3, column: 24 }],
      output: `FROM golang:1.25 AS build\nARG TARGETARCH\nARG TARGETOS\nRUN ${PER_PLATFORM_MOUNT} GOARCH=$TARGETARCH go build -o /app .\n`,
    },
    {
      name: 'multi-platform, emulated on purpose (--platform=$TARGETPLATFORM), cgo off: still per platform',
      code: 'FROM --platform=$TARGETPLATFORM golang:1.25 AS build\nRUN CGO_ENABLED=0 go build -o /app .\n',
      errors: [{ messageId: 'missing', line: 2, column: 19 }],
      output: `FROM --platform=$TARGETPLATFORM golang:1.25 AS build\nARG TARGETOS TARGETARCH\nRUN ${PER_PLATFORM_MOUNT} CGO_ENABLED=0 go build -o /app .\n`,
    },
    {
      name: 'the config says multi-platform: per platform although the file does not tell',
      facts: { multiPlatform: true },
      code: 'FROM golang:1.25 AS build\nRUN go build -o /app .\n',
      errors: [{ messageId: 'missing', line: 2, column: 5 }],
      output: `FROM golang:1.25 AS build\nARG TARGETOS TARGETARCH\nRUN ${PER_PLATFORM_MOUNT} go build -o /app .\n`,
    },
    {
      name: 'the config says single-platform: one shared cache although the file names TARGETARCH',
      facts: { multiPlatform: false },
      code: 'FROM golang:1.25 AS build\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build -o /app .\n',
      errors: [{ messageId: 'missing', line: 3, column: 24 }],
      output: `FROM golang:1.25 AS build\nARG TARGETARCH\nRUN ${MOUNT} GOARCH=$TARGETARCH go build -o /app .\n`,
    },
    {
      name: 'multi-platform, cross-compiled, cgo off: one shared cache (Go keys entries on GOOS/GOARCH)',
      code: 'FROM --platform=$BUILDPLATFORM golang:1.25 AS build\nARG TARGETOS TARGETARCH\nRUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n',
      errors: [{ messageId: 'missing', line: 3, column: 53 }],
      output: `FROM --platform=$BUILDPLATFORM golang:1.25 AS build\nARG TARGETOS TARGETARCH\nRUN ${MOUNT} CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n`,
    },
    {
      name: 'multi-platform, cross-compiled with cgo on: per platform, the ARGs already declared',
      code: 'FROM --platform=$BUILDPLATFORM golang:1.25 AS build\nARG TARGETOS TARGETARCH\nRUN CGO_ENABLED=1 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n',
      errors: [{ messageId: 'missing', line: 3, column: 53 }],
      output: `FROM --platform=$BUILDPLATFORM golang:1.25 AS build\nARG TARGETOS TARGETARCH\nRUN ${PER_PLATFORM_MOUNT} CGO_ENABLED=1 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n`,
    },
    {
      // Go turns cgo off when it cross-compiles, unless CGO_ENABLED says otherwise (the shape of cilium/tetragon's gops stage).
      name: 'multi-platform, cross-compiled, cgo not set: one shared cache',
      code: 'FROM --platform=$BUILDPLATFORM golang:1.25-alpine AS build\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build -o /app .\n',
      errors: [{ messageId: 'missing', line: 3, column: 24 }],
      output: `FROM --platform=$BUILDPLATFORM golang:1.25-alpine AS build\nARG TARGETARCH\nRUN ${MOUNT} GOARCH=$TARGETARCH go build -o /app .\n`,
    },
    {
      name: 'multi-platform, cross-compiled through xx-go, cgo not set: per platform (xx sets up a C cross-compiler)',
      code: 'FROM --platform=$BUILDPLATFORM golang:1.25 AS build\nARG TARGETPLATFORM\nRUN xx-go build -o /app .\n',
      errors: [{ messageId: 'missing', line: 3, column: 5 }],
      output: `FROM --platform=$BUILDPLATFORM golang:1.25 AS build\nARG TARGETPLATFORM\nARG TARGETOS TARGETARCH\nRUN ${PER_PLATFORM_MOUNT} xx-go build -o /app .\n`,
    },
    {
      name: 'multi-platform, a build-platform tool in a cross-compiling stage: one shared cache',
      code: 'FROM --platform=$BUILDPLATFORM golang:1.25 AS build\nRUN go build -o /usr/local/bin/gen ./tools/gen\nARG TARGETOS TARGETARCH\n',
      errors: [{ messageId: 'missing', line: 2, column: 5 }],
      output: `FROM --platform=$BUILDPLATFORM golang:1.25 AS build\nRUN ${MOUNT} go build -o /usr/local/bin/gen ./tools/gen\nARG TARGETOS TARGETARCH\n`,
    },
    {
      // go-build-emulated's safe fix moves this stage to $BUILDPLATFORM in the same fix: it ends up cross-compiled and cgo-free.
      name: 'multi-platform, emulated, cgo off for certain: shared, as go-build-emulated cross-compiles it',
      code: 'FROM golang:1.25 AS build\nARG TARGETARCH\nRUN CGO_ENABLED=0 GOARCH=$TARGETARCH go build -o /app .\n',
      errors: [{ messageId: 'missing', line: 3, column: 38 }],
      output: `FROM golang:1.25 AS build\nARG TARGETARCH\nRUN ${MOUNT} CGO_ENABLED=0 GOARCH=$TARGETARCH go build -o /app .\n`,
    },
    {
      name: 'multi-platform, emulated, a numeric USER: the per-platform mount is owned by it',
      code: 'FROM golang:1.25 AS build\nUSER 1000\nENV HOME=/home/app\nARG TARGETOS TARGETARCH\nRUN go build -o /tmp/app .\n',
      errors: [{ messageId: 'missing', line: 5, column: 5 }],
      output:
        'FROM golang:1.25 AS build\nUSER 1000\nENV HOME=/home/app\nARG TARGETOS TARGETARCH\nRUN --mount=type=cache,id=/home/app/.cache/go-build-${TARGETOS}-${TARGETARCH},target=/home/app/.cache/go-build,uid=1000,gid=1000 go build -o /tmp/app .\n',
    },
    {
      // tonistiigi/xx in an emulated stage: xx-go targets $TARGETPLATFORM and may turn cgo on.
      name: 'multi-platform by xx, emulated: per platform',
      code: 'FROM golang:1.25\nRUN xx-go build -o /app .\n',
      errors: [{ messageId: 'missing', line: 2, column: 5 }],
      output: `FROM golang:1.25\nARG TARGETOS TARGETARCH\nRUN ${PER_PLATFORM_MOUNT} xx-go build -o /app .\n`,
    },
  ]).concat([
    {
      name: 'in the final stage the mount changes the image: a suggestion',
      code: 'FROM golang:1.25\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n',
      errors: [{ messageId: 'missing', line: 3, column: 5 }],
      unsafeOutput: `FROM golang:1.25\nCOPY . .\nRUN ${MOUNT} go build -o /app .\nCMD ["/app"]\n`,
    },
  ]),
});

describe('per-platform build caches through `fix` with every rule', () => {
  // The shape of emulated multi-platform builders in the corpus: no --platform, cgo left to the image.
  const emulated =
    'FROM golang:1.25 AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build -o /app .\n' +
    RUNTIME;

  it('gives each target platform its own Go build cache, with the ARGs the id names declared', () => {
    const { output } = fixText(emulated);
    expect(output).toContain(
      `ARG TARGETARCH\nARG TARGETOS\nRUN --mount=type=cache,target=/go/pkg/mod ${PER_PLATFORM_MOUNT} GOARCH=$TARGETARCH go build -o /app .\n`,
    );
    const ids = (platform: string): string[] =>
      cacheUsesOf(parseDockerfile(output), [platform])
        .uses.filter((u) => u.kind === 'gocache')
        .map((u) => u.identity.id);
    expect(ids('linux/amd64')).toEqual(['/root/.cache/go-build-linux-amd64']);
    expect(ids('linux/arm64')).toEqual(['/root/.cache/go-build-linux-arm64']);
  });

  it('is idempotent', () => {
    const once = fixText(emulated).output;
    expect(fixText(once).output).toBe(once);
    expect(fixText(once).changed).toBe(false);
  });

  it('leaves a single-platform Dockerfile with the shared default id', () => {
    const single = `FROM golang:1.25 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n${RUNTIME}`;
    const { output } = fixText(single);
    expect(output).toBe(`FROM golang:1.25 AS build\nWORKDIR /src\nCOPY . .\nRUN ${MOUNT} --mount=type=cache,target=/go/pkg/mod go build -o /app .\n${RUNTIME}`);
  });
});
