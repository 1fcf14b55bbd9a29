import { testRule } from '../../../test/support/rule-tester.js';
import { copyBeforeModDownload } from './index.js';

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
      code: 'FROM golang:1.25\nWORKDIR /src\nCOPY . .\nRUN go mod download\nRUN go build -o /app .\n',
      errors: [{ messageId: 'broadCopy', line: 3, column: 1, message: 'line 4' }],
      unsafeOutput: 'FROM golang:1.25\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go mod download\nRUN go build -o /app .\n',
    },
    {
      name: 'ADD with an absolute destination before an implicit download',
      code: 'FROM golang:1.25\nADD . /src\nRUN cd /src && go build -o /app .\n',
      errors: [{ messageId: 'broadCopy', line: 2, column: 1 }],
      unsafeOutput: 'FROM golang:1.25\nCOPY go.mod go.sum /src/\nRUN go mod download\nADD . /src\nRUN cd /src && go build -o /app .\n',
    },
  ],
});
