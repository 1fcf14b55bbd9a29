import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { IO } from '../src/cli/io.js';

const EXAMPLE = path.resolve(import.meta.dirname, '..', 'examples', 'hello-world');

async function cli(args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: IO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false };
  const previous = process.cwd();
  if (cwd) process.chdir(cwd);
  try {
    const code = await main(args, io);
    return { code, stdout, stderr };
  } finally {
    process.chdir(previous);
  }
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'warmbuild-cli-'));
  cpSync(EXAMPLE, path.join(dir, 'app'), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const dockerfile = (): string => path.join(dir, 'app', 'Dockerfile');

describe('warmbuild check', () => {
  it('reports go-build-cache on the seed example go build line and exits 1', async () => {
    const r = await cli(['check', dockerfile()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/6:5 +warning +`go build` compiles without a cache mount on GOCACHE/);
    expect(r.stdout).toContain('go-build-cache WB101 [fix]');
  });

  it('searches directories for Dockerfiles, skipping .git, node_modules and vendor; no path means the current directory', async () => {
    const root = path.join(dir, 'tree');
    const body = 'FROM golang:1.25\nRUN go build .\n';
    for (const f of ['Dockerfile', 'Dockerfile.dev', 'api.Dockerfile', 'sub/worker.dockerfile', 'vendor/x/Dockerfile', 'node_modules/y/Dockerfile', '.git/Dockerfile', 'notes.txt']) {
      mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      writeFileSync(path.join(root, f), body);
    }
    const r = await cli(['check', '--format', 'json'], root);
    const paths = (JSON.parse(r.stdout) as { files: { path: string }[] }).files.map((f) => f.path).sort();
    expect(paths).toEqual(['Dockerfile', 'Dockerfile.dev', 'api.Dockerfile', 'sub/worker.dockerfile'].sort());
  });

  it('writes the documented JSON', async () => {
    const r = await cli(['check', '--format', 'json', dockerfile()]);
    const report = JSON.parse(r.stdout);
    expect(report.version).toBe(1);
    expect(report.summary).toEqual({ files: 1, findings: 2, errors: 0, bySeverity: { error: 0, warning: 2, info: 0 } });
    expect(report.files[0].path).toBe(dockerfile());
    expect(report.files[0].findings[1]).toEqual({
      rule: 'go-build-cache',
      code: 'WB101',
      severity: 'warning',
      line: 6,
      column: 5,
      endLine: 6,
      endColumn: 20,
      message: expect.stringContaining('/root/.cache/go-build'),
      fix: 'safe',
    });
  });

  it('keeps checking other files when one cannot be parsed, and exits 2', async () => {
    const bad = path.join(dir, 'app', 'broken.Dockerfile');
    writeFileSync(bad, 'FROM golang:1.25\nRUNN go build .\n');
    const r = await cli(['check', '--format', 'json', dockerfile(), bad]);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.files[1]).toEqual({ path: bad, error: `${bad}:2: unknown instruction: RUNN`, findings: [] });
    expect(report.files[0].findings).toHaveLength(2);
    expect(report.summary.errors).toBe(1);
  });

  it('refuses non-UTF-8 input with a clear error and no stack trace', async () => {
    const bad = path.join(dir, 'app', 'latin1.Dockerfile');
    writeFileSync(bad, Buffer.from([0x46, 0x52, 0x4f, 0x4d, 0x20, 0xe9, 0x0a]));
    const r = await cli(['check', bad]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('not valid UTF-8');
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    ['sarif', (out: string) => {
      const sarif = JSON.parse(out);
      expect(sarif.version).toBe('2.1.0');
      const rules = sarif.runs[0].tool.driver.rules;
      expect(rules.map((r: { id: string }) => r.id)).toContain('WB101');
      expect(rules[0].helpUri).toMatch(/go-build-cache\/README\.md$/);
      const result = sarif.runs[0].results[1];
      expect(result).toMatchObject({ ruleId: 'WB101', level: 'warning', locations: [{ physicalLocation: { region: { startLine: 6, startColumn: 5 } } }] });
      expect(result.partialFingerprints['warmbuild/v1']).toMatch(/^[0-9a-f]{32}$/);
    }],
    ['github', (out: string) => {
      expect(out).toMatch(/^::warning file=.*Dockerfile,line=6,col=5,endLine=6,endColumn=20,title=WB101 go-build-cache::`go build` compiles/m);
    }],
    ['gitlab', (out: string) => {
      const issues = JSON.parse(out);
      expect(issues[1]).toMatchObject({ check_name: 'WB101 go-build-cache', severity: 'minor', location: { lines: { begin: 6 } } });
      expect(issues[0].fingerprint).not.toBe(issues[1].fingerprint);
    }],
    ['checkstyle', (out: string) => {
      expect(out).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<checkstyle version="4.3">/);
      expect(out).toMatch(/<error line="6" column="5" severity="warning" message="`go build` compiles[^"]*" source="warmbuild.WB101.go-build-cache"\/>/);
    }],
  ])('--format %s', async (format, verify) => {
    const r = await cli(['check', '--format', format, dockerfile()]);
    expect(r.code).toBe(1);
    verify(r.stdout);
  });

  it('SARIF fingerprints survive lines moving', async () => {
    const first = JSON.parse((await cli(['check', '--format', 'sarif', dockerfile()])).stdout);
    writeFileSync(dockerfile(), `# a new first line\n\n${readFileSync(dockerfile(), 'utf8')}`);
    const second = JSON.parse((await cli(['check', '--format', 'sarif', dockerfile()])).stdout);
    const prints = (s: { runs: { results: { partialFingerprints: Record<string, string> }[] }[] }) => s.runs[0]!.results.map((r) => r.partialFingerprints['warmbuild/v1']);
    expect(prints(second)).toEqual(prints(first));
  });

  it('--fail-level and --rule decide the exit code', async () => {
    expect((await cli(['check', '--fail-level', 'error', dockerfile()])).code).toBe(0);
    expect((await cli(['check', '--fail-level', 'none', dockerfile()])).code).toBe(0);
    expect((await cli(['check', '--rule', 'WB101=error', '--fail-level', 'error', dockerfile()])).code).toBe(1);
    const off = await cli(['check', '--rule', 'go-build-cache=off', '--rule', 'WB102=off', dockerfile()]);
    expect(off.code).toBe(0);
    expect(off.stdout).toBe('');
  });

  it('usage errors exit 2', async () => {
    expect((await cli(['check', '--rule', 'nope=off', dockerfile()])).code).toBe(2);
    expect((await cli(['check', '--format', 'xml', dockerfile()])).code).toBe(2);
    expect((await cli(['check', '--bogus'])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    const missing = await cli(['check', path.join(dir, 'missing')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file or directory');
  });

  it('finds .warmbuild.yaml upward from the Dockerfile', async () => {
    writeFileSync(path.join(dir, '.warmbuild.yaml'), 'rules:\n  WB101: off\n  go-mod-cache: info\nfailLevel: warning\n');
    const r = await cli(['check', '--format', 'json', dockerfile()]);
    expect(r.code).toBe(0);
    const findings = JSON.parse(r.stdout).files[0].findings;
    expect(findings.map((f: { code: string; severity: string }) => `${f.code}:${f.severity}`)).toEqual(['WB102:info']);
  });

  it('rejects unknown config keys, rules and values with file:line', async () => {
    const config = path.join(dir, '.warmbuild.json');
    writeFileSync(config, '{\n  "rules": {\n    "go-build-cache": "off"\n  },\n  "rulez": {}\n}\n');
    let r = await cli(['check', dockerfile()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${config}:5: unknown key "rulez"`);
    writeFileSync(config, '{\n  "rules": {\n    "go-build-cache": "loud"\n  }\n}\n');
    r = await cli(['check', dockerfile()]);
    expect(r.stderr).toContain(`${config}:3: rule "go-build-cache": expected off, error, warning or info, got "loud"`);
    writeFileSync(config, '{\n  "rules": {\n    "no-such-rule": "off"\n  }\n}\n');
    expect((await cli(['check', dockerfile()])).stderr).toContain(`${config}:3: unknown rule "no-such-rule"`);
    writeFileSync(config, '{\n  "rules": {\n    "WB101": "off",\n  ]\n}\n');
    r = await cli(['check', dockerfile()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: `));
  });

  it('honours inline and global ignore comments', async () => {
    const text = readFileSync(dockerfile(), 'utf8').replace('RUN go build', '# warmbuild ignore=WB101\nRUN go build');
    writeFileSync(dockerfile(), text);
    let findings = JSON.parse((await cli(['check', '--format', 'json', dockerfile()])).stdout).files[0].findings;
    expect(findings.map((f: { code: string }) => f.code)).toEqual(['WB102']);
    writeFileSync(dockerfile(), `# warmbuild global ignore=go-mod-cache\n${text}`);
    findings = JSON.parse((await cli(['check', '--format', 'json', dockerfile()])).stdout).files[0].findings;
    expect(findings).toEqual([]);
  });
});

describe('build context', () => {
  const makeDockerfile = 'FROM golang:1.25 AS build\nCOPY . .\nRUN make build\nFROM busybox\nCOPY --from=build /src/bin/app /app\n';

  it('reads the Makefile beside the Dockerfile (or --context DIR) and fixes what it compiles', async () => {
    const app = path.join(dir, 'app');
    writeFileSync(dockerfile(), makeDockerfile);
    writeFileSync(path.join(app, 'Makefile'), 'include mk/*.mk\nbuild: gen\n\t$(GO) build -o bin/app .\n');
    mkdirSync(path.join(app, 'mk'));
    writeFileSync(path.join(app, 'mk', 'vars.mk'), 'GO := go\ngen:\n\t@echo gen\n');
    let report = JSON.parse((await cli(['check', '--format', 'json', dockerfile()])).stdout);
    expect(report.files[0].findings.map((f: { code: string; severity: string; fix: string }) => `${f.code}:${f.severity}:${f.fix}`)).toEqual(['WB101:warning:safe', 'WB102:warning:safe']);
    const elsewhere = path.join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(path.join(elsewhere, 'Dockerfile'), makeDockerfile);
    report = JSON.parse((await cli(['check', '--format', 'json', '--context', app, path.join(elsewhere, 'Dockerfile')])).stdout);
    expect(report.files[0].findings[0].severity).toBe('warning');
    await cli(['fix', dockerfile()]);
    expect(readFileSync(dockerfile(), 'utf8')).toContain('RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod make build');
  });

  it('without a context (missing, or --no-context) the same RUN gets an info finding and nothing fails', async () => {
    writeFileSync(dockerfile(), makeDockerfile);
    writeFileSync(path.join(dir, 'app', 'Makefile'), 'build:\n\tgo build .\n');
    for (const args of [['--no-context'], ['--context', path.join(dir, 'missing')]]) {
      const r = await cli(['check', '--format', 'json', ...args, dockerfile()]);
      expect(r.code).toBe(0);
      const findings = JSON.parse(r.stdout).files[0].findings;
      expect(findings.map((f: { code: string; severity: string }) => `${f.code}:${f.severity}`)).toEqual(['WB110:info']);
    }
  });
});

describe('warmbuild fix', () => {
  it('fixes in place atomically, then leaves a clean file untouched', async () => {
    const r = await cli(['fix', dockerfile()]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('fixed');
    const fixed = readFileSync(dockerfile(), 'utf8');
    expect(fixed).toContain('RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build -o app');
    expect(readdirSync(path.dirname(dockerfile())).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const before = statSync(dockerfile());
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await cli(['fix', dockerfile()]);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('');
    expect(statSync(dockerfile()).mtimeMs).toBe(before.mtimeMs);
    expect(statSync(dockerfile()).ino).toBe(before.ino);
  });

  it('keeps a symlinked Dockerfile a symlink and fixes its target', async () => {
    const link = path.join(dir, 'app', 'Dockerfile.link');
    symlinkSync('Dockerfile', link);
    await cli(['fix', link]);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(dockerfile(), 'utf8')).toContain('--mount=type=cache,target=/root/.cache/go-build');
  });

  it('--dry-run prints a unified diff and writes nothing', async () => {
    const original = readFileSync(dockerfile(), 'utf8');
    const r = await cli(['fix', '--dry-run', dockerfile()]);
    expect(r.stdout).toContain('-RUN go build -o app\n+RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build -o app');
    expect(r.stdout).toMatch(/^--- a\//);
    expect(readFileSync(dockerfile(), 'utf8')).toBe(original);
  });

  it('applies suggestions only with --unsafe, and keeps CRLF', async () => {
    const file = path.join(dir, 'app', 'alpine.Dockerfile');
    writeFileSync(file, 'FROM alpine:3.20\r\nRUN apk add go && go build -o /app .\r\n');
    await cli(['fix', file]);
    expect(readFileSync(file, 'utf8')).toBe('FROM alpine:3.20\r\nRUN apk add go && go build -o /app .\r\n');
    await cli(['fix', '--unsafe', file]);
    expect(readFileSync(file, 'utf8')).toBe('FROM alpine:3.20\r\nRUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/root/go/pkg/mod apk add go && go build -o /app .\r\n');
  });

  it('never writes a file it cannot parse', async () => {
    const bad = path.join(dir, 'app', 'broken.Dockerfile');
    writeFileSync(bad, 'FROM golang:1.25\nRUNN go build .\nRUN go build .\n');
    const r = await cli(['fix', bad]);
    expect(r.code).toBe(2);
    expect(readFileSync(bad, 'utf8')).toBe('FROM golang:1.25\nRUNN go build .\nRUN go build .\n');
  });
});

describe('warmbuild init', () => {
  it('writes Dockerfile and .dockerignore, refuses to overwrite without --force, prints with --stdout', async () => {
    const app = path.join(dir, 'app');
    rmSync(path.join(app, 'Dockerfile'));
    let r = await cli(['init', app]);
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(app, 'Dockerfile'), 'utf8')).toContain('go build -trimpath -buildvcs=false -ldflags="-s -w" -o /out/hello .');
    expect(readFileSync(path.join(app, '.dockerignore'), 'utf8')).toContain('\n.git\n');
    r = await cli(['init', app]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(app, 'Dockerfile')}: already exists; use --force`);
    expect((await cli(['init', '--force', '--binary', 'hello', app])).code).toBe(0);
    r = await cli(['init', '--stdout', '--syntax', 'none', app]);
    expect(r.stdout.startsWith('# Generated by `warmbuild init`')).toBe(true);
  });

  it('bad projects: no go.mod, no main package, a go.mod syntax error with file:line, exit 2', async () => {
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    let r = await cli(['init', empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no go.mod here');
    writeFileSync(path.join(empty, 'go.mod'), 'module example.com/lib\n\ngo 1.25\n');
    writeFileSync(path.join(empty, 'lib.go'), 'package lib\n');
    r = await cli(['init', empty]);
    expect(r.stderr).toContain('no main package to build (packages found: .)');
    writeFileSync(path.join(empty, 'go.mod'), 'module example.com/lib\n\ngo 1.25\nrequire (\n\texample.com/x\n)\n');
    r = await cli(['init', empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(empty, 'go.mod')}:5: usage: require module/path v1.2.3`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('warmbuild rules', () => {
  it('lists the catalogue as JSON', async () => {
    const r = await cli(['rules', '--format', 'json']);
    const catalogue = JSON.parse(r.stdout);
    expect(catalogue.rules.map((x: { code: string }) => x.code)).toEqual(['WB101', 'WB102', 'WB103', 'WB104', 'WB105', 'WB106', 'WB107', 'WB110', 'WB111', 'WB112', 'WB120', 'WB121', 'WB122', 'WB130', 'WB131']);
    expect(catalogue.rules[0]).toMatchObject({ name: 'go-build-cache', severity: 'warning', fixable: 'safe-or-suggestion' });
  });
});
