import { testRule } from '../../../test/support/rule-tester.js';
import { checksumOff } from './index.js';

testRule(checksumOff, {
  valid: [
    { name: 'private patterns only', code: 'FROM golang:1.25\nENV GOPRIVATE=github.com/acme/* GONOSUMDB=github.com/acme/*\n' },
    { name: 'vendor mode', code: 'FROM golang:1.25\nENV GOFLAGS=-mod=vendor\n' },
  ],
  invalid: [
    {
      name: 'ENV and ARG',
      code: 'FROM golang:1.25\nENV GOSUMDB=off\nARG GOINSECURE=git.corp\nENV GONOSUMDB=*\n',
      errors: [
        { messageId: 'weakened', line: 2, column: 5, message: 'GOSUMDB=off' },
        { messageId: 'weakened', line: 3, column: 5, message: 'GOINSECURE' },
        { messageId: 'weakened', line: 4, column: 5, message: 'every module' },
      ],
    },
    {
      name: 'in the RUN: prefix, export, go env -w',
      code: 'FROM golang:1.25\nRUN GOFLAGS=-mod=mod go build . && export GOSUMDB=off && go mod download && go env -w GONOSUMCHECK=1\n',
      errors: [
        { messageId: 'weakened', line: 2, column: 22, message: '-mod=mod' },
        { messageId: 'weakened', line: 2, column: 58, message: 'GOSUMDB=off' },
        { messageId: 'weakened', line: 2, column: 87, message: 'GONOSUMCHECK=1' },
      ],
    },
  ],
});
