import { testRule } from '../../../test/support/rule-tester.js';
import { cacheMountNonroot } from './index.js';

testRule(cacheMountNonroot, {
  valid: [
    { name: 'root', code: 'FROM golang:1.25\nRUN --mount=type=cache,target=/root/.cache/go-build go build .\n' },
    { name: 'owned mount', code: 'FROM golang:1.25\nUSER 1000\nRUN --mount=type=cache,target=/tmp/gc,uid=1000 GOCACHE=/tmp/gc go build .\n' },
    { name: 'back to root', code: 'FROM golang:1.25\nUSER 1000\nUSER root\nRUN --mount=type=cache,target=/root/.cache/go-build go build .\n' },
    { name: 'no Go in the RUN', code: 'FROM golang:1.25\nUSER 1000\nRUN --mount=type=cache,target=/var/cache/apt apt-get update\n' },
  ],
  invalid: [
    {
      name: 'numeric user',
      code: 'FROM golang:1.25\nUSER 1000:2000\nRUN --mount=type=cache,target=/tmp/gc GOCACHE=/tmp/gc go build .\n',
      errors: [{ messageId: 'numeric', line: 3, column: 5, message: 'uid=1000,gid=2000' }],
      output: 'FROM golang:1.25\nUSER 1000:2000\nRUN --mount=type=cache,target=/tmp/gc,uid=1000,gid=2000 GOCACHE=/tmp/gc go build .\n',
    },
    {
      name: 'gid already set',
      code: 'FROM golang:1.25\nUSER 65532\nRUN --mount=type=cache,gid=65532,target=/tmp/gc GOCACHE=/tmp/gc go build .\n',
      errors: [{ messageId: 'numeric', line: 3, column: 5 }],
      output: 'FROM golang:1.25\nUSER 65532\nRUN --mount=type=cache,gid=65532,target=/tmp/gc,uid=65532 GOCACHE=/tmp/gc go build .\n',
    },
    {
      name: 'named user: no uid to write',
      code: 'FROM golang:1.25\nUSER app\nRUN --mount=type=cache,target=/home/app/.cache/go-build go build .\n',
      errors: [{ messageId: 'named', line: 3, column: 5 }],
    },
  ],
});
