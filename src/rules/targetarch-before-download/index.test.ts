import { testRule } from '../../../test/support/rule-tester.js';
import { targetarchBeforeDownload } from './index.js';

testRule(targetarchBeforeDownload, {
  valid: [
    {
      name: 'after the download',
      code: 'FROM --platform=$BUILDPLATFORM golang:1.25 AS b\nCOPY go.mod go.sum ./\nRUN go mod download\nARG TARGETOS TARGETARCH\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build .\n',
    },
    { name: 'not a cross-compiling stage', code: 'FROM golang:1.25\nARG TARGETARCH\nRUN go mod download\n' },
    { name: 'a RUN in between may use it', code: 'FROM --platform=$BUILDPLATFORM golang:1.25\nARG TARGETPLATFORM\nRUN xx-apk add gcc\nRUN go mod download\n' },
  ],
  invalid: [
    {
      name: 'moved below the download',
      code: 'FROM --platform=$BUILDPLATFORM golang:1.25 AS build\nARG TARGETOS TARGETARCH\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n',
      errors: [{ messageId: 'early', line: 2, column: 1, message: 'line 5' }],
      output:
        'FROM --platform=$BUILDPLATFORM golang:1.25 AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nARG TARGETOS TARGETARCH\nCOPY . .\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n',
    },
    {
      name: 'used before the download: reported, not moved',
      code: 'FROM --platform=$BUILDPLATFORM golang:1.25\nARG TARGETARCH\nCOPY --chown=$TARGETARCH go.mod ./\nRUN go mod download\n',
      errors: [{ messageId: 'early', line: 2, column: 1 }],
    },
  ],
});
