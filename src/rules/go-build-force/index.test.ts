import { testRule } from '../../../test/support/rule-tester.js';
import { goBuildForce } from './index.js';

testRule(goBuildForce, {
  valid: [
    { name: 'no -a', code: 'FROM golang:1.25\nRUN go build -o /app .\n' },
    { name: '-a as the value of -o', code: 'FROM golang:1.25\nRUN go build -o -a .\n' },
    { name: '-a for the program of go run', code: 'FROM golang:1.25\nRUN go run ./gen -a\n' },
    { name: '-a for the test binary', code: 'FROM golang:1.25\nRUN go test ./... -args -a\n' },
    { name: 'GOFLAGS without -a', code: 'FROM golang:1.25\nENV GOFLAGS="-mod=vendor -trimpath"\n' },
  ],
  invalid: [
    {
      name: 'go build -a',
      code: 'FROM golang:1.25\nRUN CGO_ENABLED=0 go build -a -installsuffix cgo -o /app .\n',
      errors: [{ messageId: 'flag', line: 2, column: 28, endLine: 2, endColumn: 30, fix: 'safe' }],
      output: 'FROM golang:1.25\nRUN CGO_ENABLED=0 go build -installsuffix cgo -o /app .\n',
    },
    {
      name: 'on a continuation line',
      code: 'FROM golang:1.25\nRUN go install \\\n    -a \\\n    ./cmd/...\n',
      errors: [{ messageId: 'flag', line: 3, column: 5, endLine: 3, endColumn: 7, fix: 'safe' }],
      output: 'FROM golang:1.25\nRUN go install \\\n \\\n    ./cmd/...\n',
    },
    {
      name: 'GOFLAGS in ENV: reported, not rewritten',
      code: 'FROM golang:1.25\nENV GOFLAGS="-a -trimpath"\n',
      errors: [{ messageId: 'goflags', line: 2, column: 5, fix: null }],
    },
  ],
});
