import { testRule, type InvalidCase } from '../../../test/support/rule-tester.js';
import type { BuildContext } from '../types.js';
import { goBuildInMake } from './index.js';

const MAKEFILE = [
  'GO ?= go',
  'GOBUILD = $(GO) build -trimpath',
  'include build/*.mk',
  '',
  'all: build',
  '',
  'build: generate',
  '\t@echo building',
  '\t$(GOBUILD) -o bin/app ./cmd/app',
  '',
  'generate:',
  '\t$(MAKE) tools',
  '',
  'lint:',
  '\tgolangci-lint run',
  '',
].join('\n');

const context = (files: Record<string, string>): { context: BuildContext } => ({ context: { files, hasGit: false } });
const withMake = context({ Makefile: MAKEFILE, 'build/tools.mk': 'tools:\n\tgo install golang.org/x/tools/cmd/stringer@v0.1.0\n' });
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

testRule(goBuildInMake, {
  valid: [
    { name: 'mounted', code: `FROM golang:1.25\nRUN ${MOUNT} --mount=type=cache,target=/go/pkg/mod make build\n`, facts: withMake },
    { name: 'a target that runs no Go', code: 'FROM golang:1.25\nRUN make lint\n', facts: withMake },
    { name: 'no context, not a Go builder stage', code: 'FROM debian:trixie\nRUN make install\n' },
    { name: 'no context, already mounted', code: `FROM golang:1.25\nRUN ${MOUNT} make\n` },
    { name: 'direct go build is go-build-cache\'s', code: 'FROM golang:1.25\nRUN make gen && go build .\n', facts: withMake },
  ],
  invalid: builderStages([
    {
      name: 'make build compiles, following the default target, variables and prerequisites',
      code: 'FROM golang:1.25 AS build\nRUN make\n',
      facts: withMake,
      errors: [
        { messageId: 'compiles', line: 2, column: 5, message: '`make` runs `go install`' },
        { messageId: 'downloads', line: 2, column: 5 },
      ],
      output: `FROM golang:1.25 AS build\nRUN ${MOUNT} make\n`,
      unsafeOutput: `FROM golang:1.25 AS build\nRUN ${MOUNT} --mount=type=cache,target=/go/pkg/mod make\n`,
    },
    {
      name: 'recursive $(MAKE) into an included file',
      code: 'FROM golang:1.25\nRUN make generate\n',
      facts: withMake,
      errors: [
        { messageId: 'compiles', line: 2, column: 5, message: 'go install' },
        { messageId: 'downloads', line: 2, column: 5 },
      ],
      output: `FROM golang:1.25\nRUN ${MOUNT} make generate\n`,
      unsafeOutput: `FROM golang:1.25\nRUN ${MOUNT} --mount=type=cache,target=/go/pkg/mod make generate\n`,
    },
    {
      name: 'a script that runs go build, vendored',
      code: 'FROM golang:1.25\nCOPY . .\nRUN ./hack/build.sh release\n',
      facts: { ...context({ 'hack/build.sh': '#!/bin/sh\nset -e\nCGO_ENABLED=0 go build -mod=vendor -o /out/app ./cmd/app\n' }) },
      errors: [{ messageId: 'compiles', line: 3, column: 5 }],
      output: `FROM golang:1.25\nCOPY . .\nRUN ${MOUNT} ./hack/build.sh release\n`,
    },
    {
      name: 'no context: an info finding, no fix',
      code: 'FROM golang:1.25\nRUN make build\n',
      errors: [{ messageId: 'unknown', line: 2, column: 5, message: 'mount GOCACHE (/root/.cache/go-build)' }],
    },
  ]),
});
