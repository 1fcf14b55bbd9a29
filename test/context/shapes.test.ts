import { describe, expect, it } from 'vitest';
import { checkText } from '../../src/lint.js';
import type { BuildContext } from '../../src/rules/types.js';

/**
 * Shapes of real projects' Makefiles, scripts and Dockerfiles (../shared/corpus and the build contexts
 * at its commits), each rewritten as a small fixture of our own. `flags` is the chain WB101 must name
 * (or null: no WB101, the RUN compiles nothing or its GOCACHE is mounted); `hint` the reason WB110 must give.
 */
interface Shape {
  project: string;
  dockerfile: string;
  files: Record<string, string>;
  flags: string | null;
  hint?: string;
}

const RUNTIME = '\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /out /out\n';
const builder = (body: string): string => `FROM golang:1.25 AS build\nWORKDIR /src\nCOPY . .\n${body}${RUNTIME}`;

const shapes: Shape[] = [
  {
    project: 'ipfs/kubo: GNUmakefile beside a forwarding Makefile, includes per directory, a define used as a bare recipe line, the target from an ARG',
    dockerfile: builder('ARG MAKE_TARGET=build\nRUN make ${MAKE_TARGET}'),
    files: {
      Makefile: 'all:\n\tgmake $@\n.DEFAULT:\n\tgmake $@\n',
      GNUmakefile: 'include Rules.mk\n',
      'Rules.mk': 'GOCC ?= go\ninclude mk/golang.mk\ndir := cmd/app\ninclude $(dir)/Rules.mk\nbuild: cmd/app/app\n',
      'mk/golang.mk': 'define go-build-relative\n$(GOCC) build -trimpath -o "$@" "./$(<D)"\nendef\n',
      'cmd/app/Rules.mk': 'cmd/app/app: cmd/app/main.go\n\t$(go-build-relative)\n',
      'cmd/app/main.go': 'package main\n',
    },
    flags: 'make build → go build … ./cmd/app',
  },
  {
    project: 'containerd/containerd: define BUILD_BINARY, a pattern rule bin/%: cmd/% FORCE with $(call BUILD_BINARY)',
    dockerfile: builder('RUN make bin/ctr'),
    files: {
      Makefile: 'GO ?= go\ndefine BUILD_BINARY\n@echo "$@"\n@$(GO) build -o $@ ./$<\nendef\nbin/%: cmd/% FORCE\n\t$(call BUILD_BINARY)\nFORCE:\n',
      'cmd/ctr/main.go': 'package main\n',
    },
    flags: 'make bin/ctr → go build … ./cmd/ctr',
  },
  {
    project: 'nsqio/nsq: a pattern rule with $*, its directory overridden on the command line',
    dockerfile: builder('RUN make BLDDIR=/out BLDFLAGS=-trimpath /out/nsqd'),
    files: {
      Makefile: 'BLDDIR = build\n$(BLDDIR)/%:\n\t@mkdir -p $(dir $@)\n\tgo build ${BLDFLAGS} -o $@ ./apps/$*\n$(BLDDIR)/nsqd: $(wildcard apps/nsqd/*.go)\n',
      'apps/nsqd/main.go': '',
    },
    flags: 'make BLDDIR=/out BLDFLAGS=-trimpath /out/nsqd → go build … ./apps/nsqd',
  },
  {
    project:
      'NVIDIA/k8s-device-plugin: a static pattern rule over $(wildcard ./cmd/*/), a target-specific variable inside ifneq, include $(CURDIR)/versions.mk',
    dockerfile: builder('RUN make PREFIX=/out cmds'),
    files: {
      Makefile: [
        'include $(CURDIR)/versions.mk',
        'CMDS := $(patsubst ./cmd/%/,%,$(sort $(dir $(wildcard ./cmd/*/))))',
        'CMD_TARGETS := $(patsubst %,cmd-%,$(CMDS))',
        'cmds: $(CMD_TARGETS)',
        'ifneq ($(PREFIX),)',
        'cmd-%: COMMAND_BUILD_OPTIONS = -o $(PREFIX)/$(*)',
        'endif',
        '$(CMD_TARGETS): cmd-%:',
        '\tgo build -ldflags "-X $(VERSION)" $(COMMAND_BUILD_OPTIONS) $(MODULE)/cmd/$(*)',
      ].join('\n'),
      'versions.mk': 'MODULE := example.com/plugin\nVERSION := v1\n',
      'cmd/plugin/main.go': '',
      'cmd/config-manager/main.go': '',
    },
    flags: 'make PREFIX=/out cmds → go build … example.com/plugin/cmd/config-manager',
  },
  {
    project: 'aquasecurity/tracee: double-colon rules with order-only prerequisites, CMD_GO ?= go, .ONESHELL',
    dockerfile: builder('RUN make clean-evt && make evt'),
    files: {
      Makefile:
        '.ONESHELL:\nCMD_GO ?= go\nclean-evt:\n\trm -rf dist/evt\nevt:: dist/evt\ndist/evt:: | .eval_goenv\n\t$(CMD_GO) build \\\n\t\t-o $@ ./cmd/evt\n.eval_goenv:\n\t@echo ok\n',
    },
    flags: 'make evt → go build … ./cmd/evt',
  },
  {
    project: 'dgraph-io/dgraph: the default goal recurses with $(MAKE) -w -C dir all',
    dockerfile: builder('RUN make'),
    files: { Makefile: 'all:\n\t$(MAKE) -w -C dgraph all\n', 'dgraph/Makefile': 'all:\n\tgo mod tidy\n\tgo build -o dgraph .\n' },
    flags: 'make → make -w -C dgraph all → go build … .',
  },
  {
    project: 'cometbft/cometbft: cd test/e2e && make node, its own Makefile',
    dockerfile: builder('RUN cd test/e2e && make node'),
    files: { Makefile: 'build:\n\techo root\n', 'test/e2e/Makefile': 'node:\n\tgo build -o build/node ./node\n' },
    flags: 'make node → go build … ./node',
  },
  {
    project: 'kubernetes-sigs/kueue: WORKDIR below the copied context selects the subdirectory Makefile',
    dockerfile: 'FROM golang:1.25 AS build\nWORKDIR /workspace\nCOPY . .\nWORKDIR /workspace/cmd/experimental/importer\nRUN make build' + RUNTIME,
    files: {
      Makefile: 'build:\n\techo wrong\n',
      'cmd/experimental/importer/Makefile': 'GO_CMD ?= go\nbuild:\n\t$(GO_BUILD_ENV) $(GO_CMD) build -o bin/importer .\n',
    },
    flags: 'make build → go build … .',
  },
  {
    project: 'grafana/loki: BUILD_IN_CONTAINER ?= true chooses between docker run and go build; the RUN passes false',
    dockerfile: builder('RUN make BUILD_IN_CONTAINER=false loki'),
    files: {
      Makefile:
        'BUILD_IN_CONTAINER ?= true\nifeq ($(BUILD_IN_CONTAINER),true)\nloki:\n\tdocker run --rm builder make $@\nelse\nloki:\n\tCGO_ENABLED=0 go build -o cmd/loki/loki ./cmd/loki\nendif\n',
    },
    flags: 'make BUILD_IN_CONTAINER=false loki → go build … ./cmd/loki',
  },
  {
    project: 'grafana/loki, the other way: with BUILD_IN_CONTAINER=true make runs docker, no Go',
    dockerfile: builder('RUN make loki'),
    files: {
      Makefile:
        'BUILD_IN_CONTAINER ?= true\nifeq ($(BUILD_IN_CONTAINER),true)\nloki:\n\tdocker run --rm builder make $@\nelse\nloki:\n\tCGO_ENABLED=0 go build -o cmd/loki/loki ./cmd/loki\nendif\n',
    },
    flags: null,
  },
  {
    project: 'cilium/tetragon: a top-level conditional picks which rule exists; neither runs Go',
    dockerfile: builder('RUN make tetragon-bpf LOCAL_CLANG=1'),
    files: {
      Makefile:
        'LOCAL_CLANG ?= 0\nifeq (1,$(LOCAL_CLANG))\ntetragon-bpf: tetragon-bpf-local\nelse\ntetragon-bpf: tetragon-bpf-container\nendif\ntetragon-bpf-local:\n\t$(MAKE) -C ./bpf\ntetragon-bpf-container:\n\tdocker run clang\n',
      'bpf/Makefile': 'all:\n\tclang -O2 -target bpf -c bpf.c\n',
    },
    flags: null,
  },
  {
    project: 'prometheus-operator: make of a C++ tarball unpacked under /tmp is not the context Makefile',
    dockerfile: builder('RUN curl -L https://example.com/jsonnet.tar.gz | tar xz -C /tmp && cd /tmp/jsonnet && make'),
    files: { Makefile: 'all:\n\tgo build ./...\n' },
    flags: null,
    hint: 'make: /tmp/jsonnet does not come from the build context',
  },
  {
    project: 'the word make as a package, and an installer piped to sh -s',
    dockerfile: builder('RUN apk add --no-cache make git && curl -sSfL https://example.com/install.sh | sh -s -- -b $(go env GOPATH)/bin v1.52.2'),
    files: { Makefile: 'all:\n\tgo build ./...\n' },
    flags: null,
  },
  {
    project:
      'ava-labs/avalanchego: a script finds the repository root from BASH_SOURCE and sources its constants; a file an earlier RUN wrote is sourced first',
    dockerfile: builder('ARG BUILD_SCRIPT=build.sh\nRUN . ./build_env.sh && ./scripts/${BUILD_SCRIPT} -r'),
    files: {
      'scripts/build.sh':
        '#!/usr/bin/env bash\nset -euo pipefail\nREPO_ROOT=$( cd "$( dirname "${BASH_SOURCE[0]}" )"; cd .. && pwd )\nsource "$REPO_ROOT"/scripts/constants.sh\nsource ./scripts/git_commit.sh\nrace=""\nwhile getopts r o; do race=-race; done\ngo build ${race} -ldflags "-X main.commit=$git_commit" -o "$REPO_ROOT/build/app" "$REPO_ROOT"/main\n',
      'scripts/constants.sh': 'export CGO_CFLAGS="-O2"\n',
      'scripts/git_commit.sh': 'git_commit=dev\n',
    },
    flags: './scripts/build.sh -r → go build … $REPO_ROOT/main',
  },
  {
    project: 'linkerd/linkerd2: only go.mod, go.sum and the script are copied; it pre-compiles dependencies with go install',
    dockerfile: 'FROM golang:1.25 AS build\nWORKDIR /build\nCOPY go.mod go.sum bin/install-deps bin/\nRUN ./bin/install-deps amd64' + RUNTIME,
    files: {
      'bin/install-deps':
        '#!/usr/bin/env sh\nset -eu\narch=$1\nCGO_ENABLED=0 GOOS=linux GOARCH=$arch go install -mod=readonly k8s.io/client-go/kubernetes google.golang.org/grpc\n',
    },
    flags: './bin/install-deps amd64 → go install … google.golang.org/grpc',
  },
  {
    project: 'grafana/tempo: COPY tools /tools, RUN /tools/install.sh, which cds to its own directory',
    dockerfile: 'FROM golang:1.25 AS build\nCOPY tools /tools\nRUN /tools/install.sh' + RUNTIME,
    files: { 'tools/install.sh': '#!/bin/sh\ncd "$(dirname "$0")" && go install tool\n' },
    flags: '/tools/install.sh → go install tool',
  },
  {
    project: 'weka/gohomecli: ADD . /src, RUN /src/build.sh "$VERSION"',
    dockerfile: 'FROM golang:1.25 AS build\nADD . /src\nWORKDIR /src\nARG BUILD_VERSION=dev\nRUN /src/build.sh "$BUILD_VERSION"' + RUNTIME,
    files: { 'build.sh': '#!/bin/bash\nfor os in linux darwin; do\n  GOOS=$os go build -ldflags "-X main.v=$1" -o "out/app-$os" ./cmd/app\ndone\n' },
    flags: '/src/build.sh dev → go build … ./cmd/app',
  },
  {
    project: 'moby/buildkit: COPY --chmod=755 <<-EOT /build.sh in a parent stage, RUN /build.sh in a child stage after ADD of a git tree',
    dockerfile:
      'FROM golang:1.25 AS containerd-base\nCOPY --chmod=755 <<-EOT /build.sh\n\tif [ "$STATIC" = 1 ]; then\n\t  make STATIC=1 binaries\n\telse\n\t  make bin/containerd\n\tfi\n\tEOT\nFROM containerd-base AS build\nWORKDIR /go/src/github.com/containerd/containerd\nADD https://github.com/containerd/containerd.git#v1.7.0 .\nRUN /build.sh' +
      RUNTIME,
    files: {},
    flags: null,
    hint: 'make STATIC=1 binaries: /go/src/github.com/containerd/containerd does not come from the build context',
  },
  {
    project: 'crazy-max/diun, docker/buildx: the heredoc marker on the last continuation line',
    dockerfile: builder(
      'RUN --mount=type=bind,target=. \\\n    --mount=type=cache,target=/go/pkg/mod \\\n    <<EOT\nset -ex\nxx-go build -trimpath -o /out/diun ./cmd\nxx-verify --static /out/diun\nEOT',
    ),
    files: {},
    flags: 'go build',
  },
  {
    project: 'LUSHDigital/alpine-golang: ONBUILD RUN /build.sh, the script COPYed into the image',
    dockerfile: 'FROM golang:1.25\nCOPY build.sh /build.sh\nONBUILD WORKDIR /repo\nONBUILD COPY . .\nONBUILD RUN /build.sh\n',
    files: { 'build.sh': '#!/bin/sh\nset -e\ngo build -mod=vendor -o /repo/app .\n' },
    flags: '/build.sh → go build … .',
  },
  {
    project: 'kubernetes-sigs/aws-ebs-csi-driver: go env -w moves both caches; the make RUN mounts them',
    dockerfile: builder(
      'RUN go env -w GOCACHE=/gocache GOMODCACHE=/gomodcache\nRUN --mount=type=cache,target=/gomodcache --mount=type=cache,target=/gocache make',
    ),
    files: { Makefile: 'all:\n\tgo build -o bin/driver ./cmd\n' },
    flags: null,
  },
  {
    project: 'linkerd/linkerd2 bin/web: a script runs the function its first argument names; setup and build run yarn, only run runs Go',
    dockerfile: builder('RUN ./bin/web setup install --frozen-lockfile && ./bin/web build'),
    files: {
      'bin/web':
        '#!/usr/bin/env bash\nset -eu\nROOT=$( cd "${BASH_SOURCE[0]%/*}"/.. && pwd )\nbuild() {\n  cd "$ROOT"/web/app\n  yarn webpack\n}\nrun() {\n  build\n  cd "$ROOT"/web && go run . --addr=:7777 "$@"\n}\nsetup() {\n  yarn "$@"\n}\nif [ ${1:-} ]; then\n  "$@"\nelse\n  setup\n  build\nfi\n',
    },
    flags: null,
  },
  {
    project: 'a build script that dispatches on its first argument with case',
    dockerfile: builder('RUN ./build.sh release'),
    files: {
      'build.sh':
        '#!/bin/sh\ncase "$1" in\n  lint) golangci-lint run ;;\n  release|dist)\n    go build -trimpath -o /out/app ./cmd/app\n    ;;\n  *) echo usage ;;\nesac\n',
    },
    flags: './build.sh release → go build … ./cmd/app',
  },
  {
    project: 'the same script asked for lint runs no Go',
    dockerfile: builder('RUN ./build.sh lint'),
    files: {
      'build.sh':
        '#!/bin/sh\ncase "$1" in\n  lint) golangci-lint run ;;\n  release|dist)\n    go build -trimpath -o /out/app ./cmd/app\n    ;;\n  *) echo usage ;;\nesac\n',
    },
    flags: null,
  },
  {
    project: 'tonistiigi/fsutil: an inline GOCACHE outside the mounted directory',
    dockerfile: builder('USER 1000:1000\nRUN --mount=type=cache,target=/tmp/.cache,uid=1000 GOCACHE=/tmp/gocache go test ./...'),
    files: {},
    flags: 'go test',
  },
  {
    project: 'kubernetes-sigs/kind: eval "$(gimme …)" installs Go, the go build after it is a build',
    dockerfile: builder('RUN eval "$(gimme 1.22.0)" && export GOTOOLCHAIN=local && go build -o /out/kind .'),
    files: {},
    flags: 'go build',
  },
  {
    project: 'flannel-io/flannel: make after `export GOOS=…` earlier in the same RUN',
    dockerfile: builder('RUN export GOOS=linux && export GOARCH=amd64 && make dist/flanneld'),
    files: { Makefile: 'dist/flanneld: $(shell find . -name "*.go")\n\tGOOS=$(GOOS) go build -o $@ .\n' },
    flags: 'make dist/flanneld → go build … .',
  },
];

function context(files: Record<string, string>): BuildContext {
  return { files, hasGit: false, list: Object.keys(files) };
}

describe('shapes from real projects', () => {
  for (const shape of shapes) {
    it(shape.project, () => {
      const findings = checkText(shape.dockerfile, { facts: { context: context(shape.files) } });
      const compile = findings.filter((f) => f.code === 'WB101');
      if (shape.flags === null) expect(compile.map((f) => f.message)).toEqual([]);
      else expect(compile.map((f) => f.message.split('` compiles')[0]!.slice(1)).join('\n')).toContain(shape.flags);
      if (shape.hint)
        expect(
          findings
            .filter((f) => f.code === 'WB110')
            .map((f) => f.message)
            .join('\n'),
        ).toContain(shape.hint);
    });
  }
});
