import { testRule } from '../../../test/support/rule-tester.js';
import { secretMountRequired } from './index.js';

testRule(secretMountRequired, {
  valid: [{ code: 'FROM golang:1.25\nRUN --mount=type=secret,id=netrc,target=/root/.netrc,required=true go mod download\n' }],
  invalid: [
    {
      name: 'optional secret',
      code: 'FROM golang:1.25\nRUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download\n',
      errors: [{ messageId: 'optional', line: 2, column: 5, message: 'netrc' }],
      unsafeOutput: 'FROM golang:1.25\nRUN --mount=type=secret,id=netrc,target=/root/.netrc,required=true go mod download\n',
    },
    {
      name: 'required=false',
      code: 'FROM golang:1.25\nRUN --mount=type=secret,id=tok,required=false,env=TOKEN go mod download\n',
      errors: [{ messageId: 'optional', line: 2, column: 5 }],
      unsafeOutput: 'FROM golang:1.25\nRUN --mount=type=secret,id=tok,required=true,env=TOKEN go mod download\n',
    },
  ],
});
