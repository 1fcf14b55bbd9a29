import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readProjectFiles } from '../../src/adapters/project.js';
import { walkTree } from '../../src/adapters/walk.js';
import { readsText } from '../../src/go/project.js';

describe('the one walker', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'warmbuild-walk-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (file: string, text = ''): void => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  };
  write('go.mod', 'module example.com/app\n\ngo 1.25\n');
  write('main.go', 'package main\n\nfunc main() {}\n');
  write('.git/HEAD', 'ref: refs/heads/main\n');
  write('node_modules/x/index.js');
  write('.hg/store');
  write('testdata/main.go', 'package main\n');
  write('_tools/tools.go', 'package tools\n');
  write('vendor/modules.txt', '# example.com/dep v1.0.0\n');
  write('.devcontainer/Dockerfile', 'FROM golang:1.25\n');
  symlinkSync('/dev/zero', path.join(dir, 'zero'));

  it('skips version-control metadata and node_modules, nothing else; links are listed apart and never opened', async () => {
    const listing = await walkTree(dir);
    expect(listing.files).toEqual(['_tools/tools.go', '.devcontainer/Dockerfile', 'go.mod', 'main.go', 'testdata/main.go', 'vendor/modules.txt']);
    expect(listing.others).toEqual(['zero']);
    expect(listing.unreadable).toEqual([]);
    expect(listing.truncated).toBe(false);
  });

  it('stops at the bound and says so', async () => {
    const listing = await walkTree(dir, 2);
    expect(listing.files.length + listing.others.length).toBe(2);
    expect(listing.truncated).toBe(true);
  });

  it('reports a directory it cannot list instead of failing the walk', async () => {
    const listing = await walkTree(path.join(dir, 'missing'));
    expect(listing.unreadable).toEqual([{ path: path.join(dir, 'missing'), reason: 'no such file or directory' }]);
  });

  it('the Go reader reads none of the files below directories the go tool skips, though the walk lists them', async () => {
    const files = await readProjectFiles(dir, readsText);
    expect(files.paths).toContain('testdata/main.go');
    expect(Object.keys(files.texts).sort()).toEqual(['go.mod', 'main.go', 'vendor/modules.txt']);
    expect(files.hasGit).toBe(true);
  });
});
