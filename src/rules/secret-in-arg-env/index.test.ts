import { testRule } from '../../../test/support/rule-tester.js';
import { secretInArgEnv } from './index.js';

testRule(secretInArgEnv, {
  valid: [
    {
      name: 'netrc from a secret mount',
      code: 'FROM golang:1.25\nENV GOPRIVATE=github.com/acme/*\nRUN --mount=type=secret,id=netrc,target=/root/.netrc,required=true go mod download\n',
    },
    { name: 'proxy without credentials', code: 'FROM golang:1.25\nARG GOPROXY=https://proxy.golang.org,direct\n' },
    {
      name: 'secret env used in a URL, not written',
      code: 'FROM golang:1.25\nRUN --mount=type=secret,id=tok,env=TOKEN,required=true git clone https://x:${TOKEN}@github.com/acme/repo\n',
    },
  ],
  invalid: [
    {
      name: 'token from an ARG in an insteadOf URL',
      code: 'FROM golang:1.25\nARG GITHUB_TOKEN\nRUN git config --global url."https://${GITHUB_TOKEN}:x-oauth-basic@github.com/".insteadOf "https://github.com/" && go mod download\n',
      errors: [{ messageId: 'used', line: 3, column: 5, message: 'from ARG GITHUB_TOKEN' }],
    },
    {
      name: 'GOPROXY with userinfo, token in ENV',
      code: 'FROM golang:1.25\nENV GOPROXY=https://ci:s3cret@goproxy.corp.example\nENV GIT_TOKEN=${CI_TOKEN}\n',
      errors: [
        { messageId: 'userinfo', line: 2, column: 5 },
        { messageId: 'env', line: 3, column: 5 },
      ],
    },
    {
      name: 'netrc written inline',
      code: 'FROM golang:1.25\nRUN echo "machine github.com login bot password hunter2" > /root/.netrc && go mod download\n',
      errors: [{ messageId: 'inline', line: 2, column: 5 }],
    },
    {
      name: 'secret mount written into a file of the layer',
      code: 'FROM golang:1.25\nRUN --mount=type=secret,id=tok,env=TOKEN,required=true echo "machine github.com login x password ${TOKEN}" >> ~/.netrc\n',
      errors: [{ messageId: 'persisted', line: 2, column: 56, message: '~/.netrc' }],
    },
  ],
});
