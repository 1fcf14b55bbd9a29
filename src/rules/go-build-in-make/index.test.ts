import { type InvalidCase, testRule } from '../../../test/support/rule-tester.js';
import type { BuildContext } from '../types.js';
import { goBuildInMake } from './index.js';

const MAKEFILE = ['GO ?= go', 'build:', '\t$(GO) build -o bin/app ./cmd/app', 'lint:', '\tgolangci-lint run', 'tools:', '\t$(MAKE) -C tools', ''].join('\n');

const context = (files: Record<string, string>): { context: BuildContext } => ({ context: { files, hasGit: false, list: Object.keys(files) } });
const withMake = context({ Makefile: MAKEFILE });
const MOUNT = '--mount=type=cache,target=/root/.cache/go-build';

/** Each case's RUN sits in a builder stage: a runtime stage follows, as in real multi-stage files. */
const RUNTIME = 'FROM busybox\nCOPY --from=0 /app /app\n';
function builderStages(cases: InvalidCase[]): InvalidCase[] {
  return cases.map((c) => ({ ...c, code: c.code + RUNTIME }));
}

testRule(goBuildInMake, {
  valid: [
    { name: 'followed to a go build: go-build-cache reports it', code: 'FROM golang:1.25\nRUN make build\n', facts: withMake },
    { name: 'followed, compiles nothing', code: 'FROM golang:1.25\nRUN make lint\n', facts: withMake },
    { name: 'no context, not a Go builder stage', code: 'FROM debian:trixie\nRUN make install\n' },
    { name: 'no context, already mounted', code: `FROM golang:1.25\nRUN ${MOUNT} make\n` },
    { name: "a direct go build is go-build-cache's", code: 'FROM golang:1.25\nRUN make gen && go build .\n', facts: withMake },
    { name: 'not followed, but GOCACHE is mounted', code: `FROM golang:1.25\nRUN ${MOUNT} make tools\n`, facts: withMake },
  ],
  invalid: builderStages([
    {
      name: 'no context: an info finding, no fix',
      code: 'FROM golang:1.25\nRUN make build\n',
      errors: [{ messageId: 'unknown', line: 2, column: 5, message: 'mount GOCACHE (/root/.cache/go-build)' }],
    },
    {
      name: 'make -C into a directory the context does not have',
      code: 'FROM golang:1.25\nCOPY . .\nRUN make tools\n',
      facts: withMake,
      errors: [{ messageId: 'unfollowed', line: 3, column: 5, message: 'could not follow it: make -C tools: no Makefile in tools/' }],
    },
    {
      name: 'a script that is not in the context',
      code: 'FROM golang:1.25\nCOPY . .\nRUN ./scripts/build.sh\n',
      facts: withMake,
      errors: [{ messageId: 'unfollowed', line: 3, column: 5, message: './scripts/build.sh is not in the build context' }],
    },
    {
      // lightningnetwork/lnd, google/cadvisor: the sources are cloned in the image, not copied from the context.
      name: 'make in a directory the image clones',
      code: 'FROM golang:1.25\nRUN git clone https://example.com/app.git /src/app && cd /src/app && make\n',
      facts: withMake,
      errors: [
        { messageId: 'unfollowed', line: 2, column: 70, message: 'make: /src/app does not come from the build context (the image fetches or builds it)' },
      ],
    },
    {
      name: '$(shell …) decides the target',
      code: 'FROM golang:1.25\nRUN make app\n',
      facts: context({ Makefile: '$(shell cat target):\n\tgo build .\n' }),
      errors: [{ messageId: 'unfollowed', line: 2, column: 5, message: '$(shell …) names the targets, app among them perhaps' }],
    },
  ]),
});
