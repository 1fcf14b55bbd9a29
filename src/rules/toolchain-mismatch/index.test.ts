import { testRule } from '../../../test/support/rule-tester.js';
import { toolchainMismatch } from './index.js';

const mod = (text: string) => ({ context: { files: { 'go.mod': text }, hasGit: false } });

testRule(toolchainMismatch, {
  valid: [
    { name: 'same minor', code: 'FROM golang:1.25\nRUN go build .\n', facts: mod('module x\n\ngo 1.25.3\n') },
    { name: 'newer image', code: 'FROM golang:1.26-alpine\nRUN go build .\n', facts: mod('module x\n\ngo 1.25\n') },
    { name: 'no go.mod in the context', code: 'FROM golang:1.21\nRUN go build .\n' },
    { name: 'GOTOOLCHAIN=local stays', code: 'FROM golang:1.25\nENV GOTOOLCHAIN=local\nRUN go build .\n' },
    { name: 'no Go in the stage', code: 'FROM golang:1.21\nCOPY x /x\n', facts: mod('module x\n\ngo 1.25\n') },
  ],
  invalid: [
    {
      name: 'image older than go.mod, via ARG',
      code: 'ARG GO_VERSION=1.23\nFROM golang:${GO_VERSION}-trixie AS build\nRUN go build -o /app .\n',
      facts: mod('module x\n\ngo 1.24.0\n'),
      errors: [{ messageId: 'tooOld', line: 2, column: 1, message: 'golang:1.23-trixie is older than go.mod go 1.24.0' }],
    },
    {
      name: 'toolchain line wins',
      code: 'FROM golang:1.25.1\nRUN go build .\n',
      facts: mod('module x\n\ngo 1.24\ntoolchain go1.25.3\n'),
      errors: [{ messageId: 'tooOld', line: 1, column: 1, message: 'toolchain go1.25.3' }],
    },
    {
      name: 'GOTOOLCHAIN=auto downloads during the build',
      code: 'FROM golang:1.25\nENV GOTOOLCHAIN=auto\nRUN GOTOOLCHAIN=go1.26.0 go build .\n',
      errors: [
        { messageId: 'download', line: 2, column: 5 },
        { messageId: 'download', line: 3, column: 26 },
      ],
    },
  ],
});
