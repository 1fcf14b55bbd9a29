import { testRule } from '../../../test/support/rule-tester.js';
import { goModCache } from './index.js';

const MOD = '--mount=type=cache,target=/go/pkg/mod';
const RUNTIME = 'FROM debian:trixie-slim\nCOPY --from=build /app /app\n';

testRule(goModCache, {
  valid: [
    { name: 'every Go RUN mounts the module cache', code: `FROM golang:1.25 AS build\nRUN ${MOD} go mod download\nRUN ${MOD} go build -o /app .\n${RUNTIME}` },
    { name: 'vendor mode by flag', code: 'FROM golang:1.25 AS build\nCOPY . .\nRUN go build -mod=vendor -o /app .\n' },
    { name: 'vendor mode by flag with separate value', code: 'FROM golang:1.25 AS build\nCOPY . .\nRUN go build -mod vendor -o /app .\n' },
    { name: 'vendor mode by GOFLAGS', code: 'FROM golang:1.25 AS build\nENV GOFLAGS=-mod=vendor\nRUN go build -o /app .\n' },
    { name: 'vendor/ in the build context', code: 'FROM golang:1.25 AS build\nCOPY . .\nRUN go build -o /app .\n', facts: { vendor: true } },
    { name: 'GOPATH mode', code: 'FROM golang:1.25 AS build\nENV GO111MODULE=off\nRUN go build -o /app .\n' },
    {
      name: 'unmounted download, build reuses the layer',
      code: `FROM golang:1.25 AS build\nCOPY go.mod ./\nRUN ${MOD} go mod download\nCOPY . .\nRUN ${MOD} go build -o /app .\n${RUNTIME}`,
    },
  ],
  invalid: [
    {
      name: 'seed Dockerfile: the whole stage gets the mount',
      code: `FROM golang:1.25 AS build\nCOPY go.mod .\nRUN go mod download\nCOPY . .\nRUN go build -o /app\n${RUNTIME}`,
      errors: [{ messageId: 'missing', line: 3, column: 5, message: '/go/pkg/mod' }],
      output: `FROM golang:1.25 AS build\nCOPY go.mod .\nRUN ${MOD} go mod download\nCOPY . .\nRUN ${MOD} go build -o /app\n${RUNTIME}`,
    },
    {
      name: 'go build fetches what no layer holds',
      code: `FROM golang:1.25 AS build\nCOPY . .\nRUN go build -mod=mod -o /app .\n${RUNTIME}`,
      errors: [{ messageId: 'missing', line: 3, column: 5 }],
      output: `FROM golang:1.25 AS build\nCOPY . .\nRUN ${MOD} go build -mod=mod -o /app .\n${RUNTIME}`,
    },
    {
      name: 'shadowing: the mount hides modules an earlier layer downloaded',
      code: `FROM golang:1.25 AS build\nRUN go mod download\nRUN ${MOD} go build -o /app .\n${RUNTIME}`,
      errors: [
        { messageId: 'missing', line: 2, column: 5 },
        { messageId: 'shadow', line: 3, column: 5, message: 'line 2' },
      ],
      output: `FROM golang:1.25 AS build\nRUN ${MOD} go mod download\nRUN ${MOD} go build -o /app .\n${RUNTIME}`,
    },
    {
      name: 'GOMODCACHE moved by GOPATH',
      code: `FROM golang:1.25 AS build\nENV GOPATH=/gopath\nRUN go install example.com/tool@v1.2.3\n${RUNTIME}`,
      errors: [{ messageId: 'missing', line: 3, column: 5, message: '/gopath/pkg/mod' }],
      output: `FROM golang:1.25 AS build\nENV GOPATH=/gopath\nRUN --mount=type=cache,target=/gopath/pkg/mod go install example.com/tool@v1.2.3\n${RUNTIME}`,
    },
    {
      name: 'every fix builds: a named non-root USER gets no root-owned module cache mount',
      code: `FROM golang:1.25 AS build\nUSER app\nRUN go mod download\n${RUNTIME}`,
      errors: [{ messageId: 'missingBlocked', line: 3, column: 5, message: 'USER app' }],
    },
    {
      name: 'a numeric USER gets the mount with its uid and gid',
      code: `FROM golang:1.25 AS build\nUSER 1000:1000\nRUN go mod download\n${RUNTIME}`,
      errors: [{ messageId: 'missing', line: 3, column: 5 }],
      output: `FROM golang:1.25 AS build\nUSER 1000:1000\nRUN --mount=type=cache,target=/go/pkg/mod,uid=1000,gid=1000 go mod download\n${RUNTIME}`,
    },
    {
      name: 'a later make may need the modules: nothing changes',
      code: `FROM golang:1.25 AS build\nRUN go mod download\nRUN make build\n${RUNTIME}`,
      errors: [{ messageId: 'missingBlocked', line: 2, column: 5, message: 'line 3 runs a script or make' }],
    },
    {
      name: 'a stage built on this one may need the modules: nothing changes',
      code: 'FROM golang:1.25 AS deps\nRUN go mod download\nFROM deps AS build\nRUN go build -o /app .\n',
      errors: [{ messageId: 'missingBlocked', line: 2, column: 5, message: 'line 3 builds on this stage' }],
    },
    {
      name: 'the final stage: removing modules from the image is a suggestion',
      code: 'FROM golang:1.25\nRUN go mod download\nRUN go build -o /app .\n',
      errors: [{ messageId: 'missing', line: 2, column: 5 }],
      unsafeOutput: `FROM golang:1.25\nRUN ${MOD} go mod download\nRUN ${MOD} go build -o /app .\n`,
    },
  ],
});
