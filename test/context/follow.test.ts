import { describe, expect, it } from 'vitest';
import { followRun } from '../../src/context/follow.js';
import { checkText, fixText } from '../../src/lint.js';
import { parseDockerfile } from '../../src/model/dockerfile.js';
import { analyzeDockerfile } from '../../src/model/semantic.js';
import type { BuildContext } from '../../src/rules/types.js';

/** Following RUNs through make, scripts and wrappers: what is found, the chain, and why not when not. */

const RUNTIME = 'FROM gcr.io/distroless/static-debian12\nCOPY --from=build /out /out\n';
const MOUNT = '--mount=type=cache,target=/root/.cache/go-build';

function context(files: Record<string, string>): BuildContext {
  return { files, hasGit: false, list: Object.keys(files) };
}

/** The chains to the Go commands of the Dockerfile's last builder RUN, and why the rest was not followed. */
function follow(dockerfile: string, files: Record<string, string>): { chains: string[]; unknown: string[] } {
  const model = analyzeDockerfile(parseDockerfile(dockerfile));
  const run = model.instructions.filter((i) => i.keyword === 'RUN').at(-1)!;
  const result = followRun(model, run, context(files));
  return { chains: result.go.map((g) => g.chain.join(' → ')), unknown: result.unknown.map((u) => u.reason) };
}

const builder = (lines: string): string => `FROM golang:1.25 AS build\nWORKDIR /src\nCOPY . .\n${lines}\n${RUNTIME}`;

describe('following make', () => {
  it('names the chain from the RUN to the Go command (cloudflared: `RUN make cloudflared`, the build inside ifeq … else … endif)', () => {
    const makefile =
      'ifeq ($(FIPS), true)\nGO_BUILD_TAGS := fips\nendif\ncloudflared:\nifeq ($(FIPS), true)\n\tcp fips/fips.go cmd/cloudflared/\nendif\n\tGOOS=linux $(GO) build -v -mod=vendor $(GO_BUILD_TAGS) -o $@ ./cmd/cloudflared\nGO ?= go\n';
    expect(follow(builder('RUN make cloudflared'), { Makefile: makefile })).toEqual({
      chains: ['make cloudflared → go build … ./cmd/cloudflared'],
      unknown: [],
    });
  });

  it('sees ENV and ARG values and VAR=value arguments, as make imports the environment', () => {
    const makefile = 'build:\nifeq ($(TARGET),docker)\n\t$(GOCMD) build ./cmd/docker\nelse\n\t$(GOCMD) test ./...\nendif\n';
    expect(follow(builder('ENV GOCMD=go\nARG TARGET=docker\nRUN make build'), { Makefile: makefile }).chains).toEqual(['make build → go build ./cmd/docker']);
    expect(follow(builder('ENV GOCMD=go\nRUN make build TARGET=ci'), { Makefile: makefile }).chains).toEqual(['make build TARGET=ci → go test ./...']);
    // CGO_ENABLED=0 $(GO) by absolute path, behind a prefix.
    expect(
      follow(builder('RUN CGO_ENABLED=0 make'), { Makefile: 'GO ?= /usr/local/go/bin/go\nall:\n\tCGO_ENABLED=0 $(GO) build -o /out/app .\n' }).chains,
    ).toEqual(['make → go build … .']);
  });

  it('follows make -C, -f, $(MAKE) -C dir target and cd dir && $(MAKE)', () => {
    const files = {
      Makefile: 'all:\n\t$(MAKE) -C tools gen\n\tcd cmd && $(MAKE) -f build.mk app\n',
      'tools/Makefile': 'gen:\n\tgo generate ./...\n',
      'cmd/build.mk': 'app:\n\tgo build ./app\n',
    };
    expect(follow(builder('RUN make'), files).chains).toEqual(['make → make -C tools gen → go generate ./...', 'make → make -f build.mk app → go build ./app']);
    expect(follow(builder('RUN make -C tools'), files).chains).toEqual(['make -C tools → go generate ./...']);
    expect(follow(builder('RUN cd tools && make'), files).chains).toEqual(['make → go generate ./...']);
  });

  it('finds the Makefile where the context was copied: COPY . /app, WORKDIR below it', () => {
    const dockerfile = `FROM golang:1.25 AS build\nCOPY . /app\nWORKDIR /app/service\nRUN make\n${RUNTIME}`;
    expect(follow(dockerfile, { 'service/Makefile': 'all:\n\tgo build .\n' }).chains).toEqual(['make → go build .']);
  });

  it('finds the Makefile when only some files are copied into the WORKDIR (kubernetes-sigs/metrics-server: COPY go.sum . … COPY Makefile Makefile)', () => {
    const dockerfile = `FROM golang:1.25 AS build\nWORKDIR /go/src/app\nCOPY go.mod .\nCOPY go.sum .\nCOPY cmd cmd\nCOPY Makefile Makefile\nRUN make app\n${RUNTIME}`;
    expect(follow(dockerfile, { Makefile: 'app:\n\tgo build -mod=readonly -o app ./cmd\n', 'go.sum': '', 'cmd/main.go': '' }).chains).toEqual([
      'make app → go build … ./cmd',
    ]);
    // harness/harness: COPY go.mod go.sum Makefile ./
    expect(
      follow(`FROM golang:1.25 AS build\nWORKDIR /app\nCOPY go.mod go.sum Makefile ./\nRUN make dep\n${RUNTIME}`, {
        Makefile: 'dep:\n\tgo install github.com/google/wire/cmd/wire@latest\n',
        'go.sum': '',
      }).chains,
    ).toEqual(['make dep → go install github.com/google/wire/cmd/wire@latest']);
  });

  it('says why when it gives up', () => {
    expect(follow(builder('RUN make -C missing'), { Makefile: 'all:\n\tgo build .\n' }).unknown).toEqual(['make -C missing: no Makefile in missing/']);
    expect(follow(builder('RUN make'), {}).unknown).toEqual(['make: no Makefile in the build context']);
    expect(follow(builder('RUN make all'), { Makefile: 'all:\n\t$(shell ./which-go.sh) build .\n' }).unknown).toEqual([
      '$(shell …) decides the command in make all',
    ]);
    expect(follow(builder('RUN make app'), { Makefile: '$(shell cat target.txt):\n\tgo build .\n' }).unknown).toEqual([
      'make app: $(shell …) names the targets, app among them perhaps',
    ]);
    // containerd: bin/cri-integration.test$(GOEXE), GOEXE from $(shell go env GOEXE).
    expect(
      follow(builder('RUN make bin/app.test'), { Makefile: 'GOEXE := $(shell go env GOEXE)\nbin/app.test$(GOEXE):\n\tgo test -c -o $@ ./app\n' }).chains,
    ).toEqual(['make bin/app.test → go test … ./app']);
  });

  it('follows a script inside a make recipe, and make inside a script', () => {
    const files = {
      Makefile: 'build:\n\t./hack/build.sh\n',
      'hack/build.sh': '#!/bin/sh\nset -e\n. "$(dirname "$0")/lib.sh"\nmake -C cmd\n',
      'hack/lib.sh': 'export GOFLAGS=-mod=mod\n',
      'cmd/Makefile': 'all:\n\tgo install ./...\n',
    };
    expect(follow(builder('RUN make build'), files)).toEqual({ chains: ['make build → ./hack/build.sh → make -C cmd → go install ./...'], unknown: [] });
  });
});

describe('following scripts', () => {
  const files = {
    'build.sh': '#!/bin/bash\nfor os in linux darwin; do\n  GOOS=$os go build -o "bin/app-$os" ./cmd/app\ndone\n',
    'hack/build.sh': 'if [ -n "$RELEASE" ]; then\n  go build -trimpath ./cmd/app\nfi\nsource hack/version.sh\n',
    'hack/version.sh': 'go list -m\n',
    'scripts/x': 'cd tools && go install .\n',
    'tools/build.ksh': 'go build ./tools\n',
  };
  it.each([
    ['RUN ./build.sh', './build.sh → go build … ./cmd/app'],
    ['RUN bash hack/build.sh', 'bash hack/build.sh → go build … ./cmd/app'],
    ["RUN sh -c 'scripts/x'", 'scripts/x → go install .'],
    ['RUN ksh tools/build.ksh', 'ksh tools/build.ksh → go build ./tools'],
  ])('%s', (run, chain) => {
    expect(follow(builder(run), files).chains[0]).toBe(chain);
  });

  it('follows what `source` and `.` run', () => {
    expect(follow(builder('RUN bash hack/build.sh'), files).chains).toEqual([
      'bash hack/build.sh → go build … ./cmd/app',
      'bash hack/build.sh → source hack/version.sh → go list -m',
    ]);
  });

  it('reads the scripts the Dockerfile writes itself: COPY <<EOF, RUN cat > x.sh <<EOF, and RUN heredoc bodies', () => {
    expect(follow(`FROM golang:1.25 AS build\nCOPY <<EOF /usr/local/bin/build.sh\ngo build -o /out/app .\nEOF\nRUN build.sh\n${RUNTIME}`, {}).chains).toEqual([
      'build.sh → go build … .',
    ]);
    expect(
      follow(`FROM golang:1.25 AS build\nWORKDIR /src\nRUN cat > build.sh <<'EOF'\ngo vet ./... && go build ./...\nEOF\nRUN sh ./build.sh\n${RUNTIME}`, {})
        .chains,
    ).toEqual(['sh ./build.sh → go vet ./...', 'sh ./build.sh → go build ./...']);
    expect(
      follow(`FROM golang:1.25 AS build\nWORKDIR /src\nCOPY . .\nRUN <<EOF\nset -e\nmake\nEOF\n${RUNTIME}`, { Makefile: 'all:\n\tgo build .\n' }).chains,
    ).toEqual(['make → go build .']);
  });

  it('a script COPY put elsewhere is read from where it came from', () => {
    expect(
      follow(`FROM golang:1.25 AS build\nCOPY scripts/build.sh /usr/local/bin/do-build.sh\nWORKDIR /src\nCOPY . .\nRUN do-build.sh\n${RUNTIME}`, {
        'scripts/build.sh': 'go build ./...\n',
      }).chains,
    ).toEqual(['do-build.sh → go build ./...']);
  });

  it('a script that is not in the context is said so', () => {
    expect(follow(builder('RUN ./missing.sh'), {}).unknown).toEqual(['./missing.sh is not in the build context']);
  });
});

describe('wrappers', () => {
  it('goreleaser build runs the builds its config names, and its before hooks', () => {
    const config = 'before:\n  hooks:\n    - go mod tidy\nbuilds:\n  - main: ./cmd/app\n    env: [CGO_ENABLED=0]\n  - builder: prebuilt\n';
    expect(follow(builder('RUN goreleaser build --snapshot'), { '.goreleaser.yaml': config }).chains).toEqual([
      'goreleaser build --snapshot → go mod tidy',
      'goreleaser build --snapshot → go build ./cmd/app',
    ]);
    expect(follow(builder('RUN goreleaser build'), {}).unknown).toEqual(['no goreleaser config in the build context']);
  });
});

describe('findings and fixes through make', () => {
  const files = { Makefile: 'GO ?= go\nbuild:\n\t$(GO) build -o /out/app ./cmd/app\ndeps:\n\t$(GO) mod download\nlint:\n\tgolangci-lint run\n' };
  const facts = { context: context(files) };

  it('go-build-cache reports the make RUN with its chain and adds the same mount as for go build', () => {
    const text = builder('RUN make build');
    const findings = checkText(text, { facts });
    expect(findings.map((f) => `${f.code} ${f.fix} ${f.message.split(' without')[0]}`)).toEqual([
      'WB101 safe `make build → go build … ./cmd/app` compiles',
      'WB102 safe `make build → go build … ./cmd/app` downloads modules',
    ]);
    expect(fixText(text, { facts }).output).toBe(builder(`RUN ${MOUNT} --mount=type=cache,target=/go/pkg/mod make build`));
  });

  it('go-mod-cache reports make deps; a target that compiles nothing is not flagged', () => {
    expect(checkText(builder('RUN make deps'), { facts }).map((f) => f.code)).toEqual(['WB102']);
    expect(checkText(builder('RUN make lint'), { facts })).toEqual([]);
  });

  it('GOCACHE that a Makefile exports is where the mount goes', () => {
    const moved = { context: context({ Makefile: 'export GOCACHE := /cache/go\nall:\n\tgo build -mod=vendor .\n' }) };
    expect(fixText(builder('RUN make'), { facts: moved }).output).toBe(builder('RUN --mount=type=cache,target=/cache/go make'));
  });

  it('where the reader gives up the info hint says why', () => {
    const findings = checkText(builder('RUN make -C tools'), { facts });
    expect(findings.map((f) => `${f.code} ${f.severity} ${f.message}`)).toEqual([
      'WB110 info RUN make -C tools in a Go builder stage: if it compiles Go, mount GOCACHE (/root/.cache/go-build). warmbuild could not follow it: make -C tools: no Makefile in tools/.',
    ]);
  });
});
