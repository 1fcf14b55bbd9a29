import { testRule } from '../../../test/support/rule-tester.js';
import type { BuildContextFacts } from '../types.js';
import { copyBeforeModDownload } from './index.js';

const GO_MOD = 'module example.com/app\n\ngo 1.25\n';
const withGoSum: BuildContextFacts = { context: { files: { 'go.mod': GO_MOD }, hasGit: false, hasGoSum: true } };
const withoutGoSum: BuildContextFacts = { context: { files: { 'go.mod': GO_MOD }, hasGit: false, hasGoSum: false } };
const BROAD = 'FROM golang:1.25\nWORKDIR /src\nCOPY . .\nRUN go mod download\nRUN go build -o /app .\n';

testRule(copyBeforeModDownload, {
  valid: [
    { name: 'manifests first', code: 'FROM golang:1.25\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build -o /app .\n' },
    { name: 'module cache mounted', code: 'FROM golang:1.25\nCOPY . .\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n' },
    { name: 'copy from another stage', code: 'FROM golang:1.25 AS src\nFROM golang:1.25\nCOPY --from=src . .\nRUN go mod download\n' },
    { name: 'vendored', code: 'FROM golang:1.25\nCOPY . .\nRUN go build -mod=vendor .\n' },
  ],
  invalid: [
    {
      name: 'COPY . . before go mod download',
      code: BROAD,
      facts: withGoSum,
      errors: [{ messageId: 'broadCopy', line: 3, column: 1, message: 'line 4' }],
      unsafeOutput: 'FROM golang:1.25\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go mod download\nRUN go build -o /app .\n',
    },
    {
      name: 'ADD with an absolute destination before an implicit download',
      code: 'FROM golang:1.25\nADD . /src\nRUN cd /src && go build -o /app .\n',
      facts: withGoSum,
      errors: [{ messageId: 'broadCopy', line: 2, column: 1 }],
      unsafeOutput: 'FROM golang:1.25\nCOPY go.mod go.sum /src/\nRUN go mod download\nADD . /src\nRUN cd /src && go build -o /app .\n',
    },
    {
      name: 'every fix builds: without go.sum in the context only go.mod is copied',
      code: BROAD,
      facts: withoutGoSum,
      errors: [{ messageId: 'broadCopy', line: 3, column: 1 }],
      unsafeOutput: 'FROM golang:1.25\nWORKDIR /src\nCOPY go.mod ./\nRUN go mod download\nCOPY . .\nRUN go mod download\nRUN go build -o /app .\n',
    },
    {
      name: 'every fix builds: a go.sum that .dockerignore excludes is not copied',
      code: BROAD,
      facts: { context: { ...withGoSum.context!, dockerignore: '*\n!go.mod\n!*.go\n' } },
      errors: [{ messageId: 'broadCopy', line: 3, column: 1 }],
      unsafeOutput: 'FROM golang:1.25\nWORKDIR /src\nCOPY go.mod ./\nRUN go mod download\nCOPY . .\nRUN go mod download\nRUN go build -o /app .\n',
    },
    {
      name: 'every fix builds: the manifests keep the owner the whole-context copy gives them',
      code: 'FROM golang:1.25\nUSER 1000\nWORKDIR /src\nCOPY --chown=1000:1000 . .\nRUN go mod download\n',
      facts: withGoSum,
      errors: [{ messageId: 'broadCopy', line: 4, column: 1 }],
      unsafeOutput:
        'FROM golang:1.25\nUSER 1000\nWORKDIR /src\nCOPY --chown=1000:1000 go.mod go.sum ./\nRUN go mod download\nCOPY --chown=1000:1000 . .\nRUN go mod download\n',
    },
    {
      name: 'every fix builds: no fix when the stage creates go.mod with go mod init',
      code: 'FROM golang:1.25\nWORKDIR /src\nCOPY . .\nRUN go mod init example.com/app && go mod tidy\nRUN go build -o /app .\n',
      facts: withoutGoSum,
      errors: [{ messageId: 'broadCopyBlocked', line: 3, column: 1, message: 'go mod init' }],
    },
    {
      name: 'every fix builds: no fix when the context has no go.mod',
      code: BROAD,
      facts: { context: { files: {}, hasGit: false, hasGoSum: false } },
      errors: [{ messageId: 'broadCopyBlocked', line: 3, column: 1, message: 'no go.mod' }],
    },
    {
      name: 'every fix builds: no fix when go.mod replaces a module with a local directory',
      code: BROAD,
      facts: { context: { files: { 'go.mod': `${GO_MOD}\nreplace example.com/lib => ./lib\n` }, hasGit: false, hasGoSum: true } },
      errors: [{ messageId: 'broadCopyBlocked', line: 3, column: 1, message: './lib' }],
    },
    {
      name: 'every fix builds: no fix in a Go workspace',
      code: BROAD,
      facts: { context: { files: { 'go.mod': GO_MOD, 'go.work': 'go 1.25\n\nuse .\n' }, hasGit: false, hasGoSum: true } },
      errors: [{ messageId: 'broadCopyBlocked', line: 3, column: 1, message: 'go.work' }],
    },
    {
      name: 'every fix builds: no fix without the build context',
      code: BROAD,
      errors: [{ messageId: 'broadCopyBlocked', line: 3, column: 1, message: 'without the build context' }],
    },
  ],
});
