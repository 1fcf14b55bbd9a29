import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectContext } from '../../src/adapters/context.js';
import { parseDockerfile } from '../../src/model/dockerfile.js';

describe('collecting the build context', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'warmbuild-collect-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (file: string, text: string): void => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  };
  write('Makefile', 'include mk/*.mk\nbuild: tools\n\t./scripts/build.sh\n');
  // .PHONY, or make would take the tools/ directory for an up-to-date target and run nothing.
  write('mk/tools.mk', '.PHONY: tools\ntools:\n\t$(MAKE) -C tools\n');
  write('tools/Makefile', 'all:\n\tgo install ./...\n');
  write('scripts/build.sh', '#!/bin/sh\n. ./scripts/lib.sh\ngo build ./cmd/app\n');
  write('scripts/lib.sh', 'export CGO_ENABLED=0\n');
  write('scripts/unrelated.sh', 'echo never read\n');
  write('node_modules/x/index.js', '');
  write('vendor/modules.txt', '');
  write('cmd/app/main.go', 'package main\n');

  it('reads, round after round, every file the follower asks for, and lists the context for the glob', async () => {
    const model = parseDockerfile('FROM golang:1.25 AS build\nWORKDIR /src\nCOPY . .\nRUN make build\n');
    const context = await collectContext(model, dir);
    expect(Object.keys(context!.files).sort()).toEqual(['Makefile', 'mk/tools.mk', 'scripts/build.sh', 'scripts/lib.sh', 'tools/Makefile']);
    // Listed for `include mk/*.mk`, without node_modules and vendor.
    expect(context!.list).toContain('cmd/app/main.go');
    expect(context!.list!.some((f) => f.startsWith('node_modules/') || f.startsWith('vendor/'))).toBe(false);
  });

  it('a Dockerfile that runs nothing out of sight reads nothing more and lists nothing', async () => {
    const context = await collectContext(parseDockerfile('FROM golang:1.25\nCOPY . .\nRUN go build ./...\n'), dir);
    expect(Object.keys(context!.files)).toEqual([]);
    expect(context!.list).toBeUndefined();
  });

  it('a missing context is no context', async () => {
    expect(await collectContext(parseDockerfile('FROM golang:1.25\nRUN make\n'), path.join(dir, 'missing'))).toBeUndefined();
  });
});
