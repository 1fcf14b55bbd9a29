import { testRule } from '../../../test/support/rule-tester.js';
import { cacheIdSharedAcrossProjects } from './index.js';

testRule(cacheIdSharedAcrossProjects, {
  valid: [
    { name: 'project-scoped id', code: 'FROM golang:1.25\nRUN --mount=type=cache,id=acme-api-gocache,target=/root/.cache/go-build go build .\n' },
    { name: 'not a Go cache', code: 'FROM golang:1.25\nRUN --mount=type=cache,target=/var/cache/apt apt-get update\n' },
  ],
  invalid: [
    {
      name: 'default ids',
      code: 'FROM golang:1.25\nRUN --mount=type=cache,target=/go/pkg/mod \\\n    --mount=type=cache,target=/root/.cache/go-build go build .\n',
      errors: [
        { messageId: 'sharedId', line: 2, column: 5, message: 'id=<project>-gomodcache' },
        { messageId: 'sharedId', line: 3, column: 5, message: 'BUILDKIT_CACHE_MOUNT_NS' },
      ],
    },
  ],
});
