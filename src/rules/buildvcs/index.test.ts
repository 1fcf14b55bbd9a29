import { testRule } from '../../../test/support/rule-tester.js';
import { buildvcs } from './index.js';

const git = (dockerignore?: string) => ({ context: { files: {}, hasGit: true, ...(dockerignore !== undefined ? { dockerignore } : {}) } });

testRule(buildvcs, {
  valid: [
    { name: 'debian golang image has git', code: 'FROM golang:1.25\nCOPY . .\nRUN go build -o /app .\n', facts: git() },
    { name: 'alpine, but .git excluded', code: 'FROM golang:1.25-alpine\nCOPY . .\nRUN go build -o /app .\n', facts: git('.git\n') },
    { name: 'alpine, -buildvcs=false', code: 'FROM golang:1.25-alpine\nCOPY . .\nRUN go build -buildvcs=false -o /app .\n', facts: git() },
    { name: 'alpine, git installed', code: 'FROM golang:1.25-alpine\nRUN apk add --no-cache git make\nCOPY . .\nRUN go build -o /app .\n', facts: git() },
    { name: 'no .git in the context', code: 'FROM golang:1.25-alpine\nCOPY . .\nRUN go build -o /app .\n', facts: { context: { files: {}, hasGit: false } } },
    { name: 'only some files copied', code: 'FROM golang:1.25-alpine\nCOPY cmd/ cmd/\nRUN go build -o /app ./cmd/app\n', facts: git() },
  ],
  invalid: [
    {
      name: 'alpine without git',
      code: 'FROM golang:1.25-alpine AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\n',
      facts: git(),
      errors: [{ messageId: 'noGit', line: 4, column: 19 }],
    },
    {
      name: '.git partly excluded, source bind-mounted',
      code: 'FROM golang:1.25\nRUN --mount=type=bind,target=. go build -o /app .\n',
      facts: git('# keep the context small\n.git/objects\n'),
      errors: [{ messageId: 'partial', line: 2, column: 32, message: '.git/objects' }],
    },
  ],
});
