import { testRule } from '../../../test/support/rule-tester.js';
import { cacheTargetMismatch } from './index.js';

testRule(cacheTargetMismatch, {
  valid: [
    {
      name: 'default targets',
      code: 'FROM golang:1.25\nRUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod go build .\n',
    },
    { name: 'unknown image may set GOPATH=/go', code: 'FROM example/builder\nRUN --mount=type=cache,target=/go/pkg/mod go build .\n' },
    {
      name: 'a command prefix moves GOCACHE to the target',
      code: 'FROM golang:1.25\nENV GOCACHE=/x\nRUN --mount=type=cache,target=/gc/go-build GOCACHE=/gc/go-build go build .\n',
    },
  ],
  invalid: [
    {
      name: 'ENV moved GOCACHE',
      code: 'FROM golang:1.25\nENV GOCACHE=/cache\nRUN --mount=type=cache,target=/root/.cache/go-build go build .\n',
      errors: [{ messageId: 'mismatch', line: 3, column: 24, message: 'set by ENV' }],
      output: 'FROM golang:1.25\nENV GOCACHE=/cache\nRUN --mount=type=cache,target=/cache go build .\n',
    },
    {
      name: 'non-root USER has another HOME',
      code: 'FROM golang:1.25\nUSER 1000\nENV HOME=/home/app\nRUN --mount=type=cache,uid=1000,dst=/root/.cache/go-build go build .\n',
      errors: [{ messageId: 'mismatch', line: 4, column: 33 }],
      output: 'FROM golang:1.25\nUSER 1000\nENV HOME=/home/app\nRUN --mount=type=cache,uid=1000,dst=/home/app/.cache/go-build go build .\n',
    },
    {
      name: 'GOPATH moved the module cache',
      code: 'FROM golang:1.25\nENV GOPATH=/gopath\nRUN --mount=type=cache,target="/go/pkg/mod" go mod download\n',
      errors: [{ messageId: 'mismatch', line: 3, column: 24, message: '/gopath/pkg/mod' }],
      output: 'FROM golang:1.25\nENV GOPATH=/gopath\nRUN --mount=type=cache,target="/gopath/pkg/mod" go mod download\n',
    },
  ],
});
