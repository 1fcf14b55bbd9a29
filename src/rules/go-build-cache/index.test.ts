import { type InvalidCase, testRule } from '../../../test/support/rule-tester.js';
import { goBuildCache } from './index.js';

const MOUNT = '--mount=type=cache,target=/root/.cache/go-build';

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
  ]).concat([
    {
      name: 'in the final stage the mount changes the image: a suggestion',
      code: 'FROM golang:1.25\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n',
      errors: [{ messageId: 'missing', line: 3, column: 5 }],
      unsafeOutput: `FROM golang:1.25\nCOPY . .\nRUN ${MOUNT} go build -o /app .\nCMD ["/app"]\n`,
    },
  ]),
});
