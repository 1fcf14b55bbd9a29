import { testRule } from '../../../test/support/rule-tester.js';
import { goCacheLocked } from './index.js';

testRule(goCacheLocked, {
  valid: [
    { name: 'shared', code: 'FROM golang:1.25\nRUN --mount=type=cache,target=/root/.cache/go-build,sharing=shared go build .\n' },
    { name: 'locked apt cache', code: 'FROM golang:1.25\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update\n' },
  ],
  invalid: [
    {
      name: 'locked build cache, last option',
      code: 'FROM golang:1.25\nRUN --mount=type=cache,target=/root/.cache/go-build,sharing=locked go build .\n',
      errors: [{ messageId: 'locked', line: 2, column: 53, endLine: 2, endColumn: 67, fix: 'safe', message: 'build cache' }],
      output: 'FROM golang:1.25\nRUN --mount=type=cache,target=/root/.cache/go-build go build .\n',
    },
    {
      name: 'locked module cache, middle option, moved GOMODCACHE',
      code: 'FROM golang:1.25\nENV GOMODCACHE=/mods\nRUN --mount=type=cache,sharing=locked,target=/mods go mod download\n',
      errors: [{ messageId: 'locked', line: 3, column: 24, endLine: 3, endColumn: 38, fix: 'safe', message: 'module cache' }],
      output: 'FROM golang:1.25\nENV GOMODCACHE=/mods\nRUN --mount=type=cache,target=/mods go mod download\n',
    },
  ],
});
