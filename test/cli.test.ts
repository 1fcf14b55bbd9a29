import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { isDockerfileName, NOT_DOCKERFILE_EXTENSIONS } from '../src/adapters/fs.js';
import type { IO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';

const EXAMPLE = path.resolve(import.meta.dirname, '..', 'examples', 'hello-world');

async function cli(args: string[], cwd?: string, extra: Partial<IO> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: IO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false, env: {}, ...extra };
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

  it('searches directories for the names BuildKit users give Dockerfiles, never source files, build outputs or files without FROM', async () => {
    const root = path.join(dir, 'tree');
    const body = 'FROM golang:1.25\nRUN go build .\n';
    const dockerfiles = [
      'Dockerfile',
      'Dockerfile.dev',
      'Dockerfile.fips.amd64',
      'api.Dockerfile',
      'sub/worker.dockerfile',
      'dockerfile',
      'Containerfile',
      'Containerfile.arm64',
      'ci/image.Containerfile',
      '.ci/image/Dockerfile',
    ];
    // kaniko and BuildKit hold pkg/dockerfile/dockerfile.go; this project src/model/dockerfile.ts and dist/model/dockerfile.js.
    const others = [
      'pkg/dockerfile/dockerfile.go',
      'pkg/dockerfile/dockerfile_test.go',
      'src/model/dockerfile.ts',
      'dist/model/dockerfile.js',
      'dist/model/dockerfile.js.map',
      'dist/Dockerfile',
      'Dockerfile.dockerignore',
      'Dockerfile.tmpl',
      'docs/Dockerfile.md',
      'boilerplate.Dockerfile.txt',
      'DOCKERFILE',
      'Dockerfile_test',
      'vendor/x/Dockerfile',
      'node_modules/y/Dockerfile',
      '.git/Dockerfile',
      'notes.txt',
    ];
    for (const f of [...dockerfiles, ...others]) {
      mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      writeFileSync(path.join(root, f), body);
    }
    // BuildKit's parser test files (frontend/dockerfile/parser/testfiles-negative) have no FROM: BuildKit refuses them.
    mkdirSync(path.join(root, 'parser', 'testfiles-negative', 'only_comments'), { recursive: true });
    writeFileSync(path.join(root, 'parser', 'testfiles-negative', 'only_comments', 'Dockerfile'), '# nothing\n');
    mkdirSync(path.join(root, 'parser', 'testfiles', 'json'), { recursive: true });
    writeFileSync(path.join(root, 'parser', 'testfiles', 'json', 'Dockerfile'), 'CMD ["a"]\n');
    const r = await cli(['check', '--format', 'json'], root);
    expect(r.code).toBe(1);
    const paths = (JSON.parse(r.stdout) as { files: { path: string; error?: string }[] }).files.map((f) => f.path).sort();
    expect(paths).toEqual([...dockerfiles].sort());
    // Named explicitly, a file is checked whatever its name or content.
    const named = await cli(['check', path.join(root, 'parser', 'testfiles', 'json', 'Dockerfile')]);
    expect(named.code).toBe(2);
    expect(named.stdout).toContain('CMD before the first FROM');
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
      messageId: 'missing',
      severity: 'warning',
      line: 6,
      column: 5,
      endLine: 6,
      endColumn: 20,
      message: expect.stringContaining('/root/.cache/go-build'),
      fix: 'safe',
      docs: 'https://github.com/warmbuild/warmbuild/blob/main/src/rules/go-build-cache/README.md',
      fixTitle: 'Mount a cache on GOCACHE',
      edits: [{ range: [expect.any(Number), expect.any(Number)], text: expect.stringContaining('--mount=type=cache,target=/root/.cache/go-build') }],
      suggestions: [],
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
    [
      'sarif',
      (out: string) => {
        const sarif = JSON.parse(out);
        expect(sarif.version).toBe('2.1.0');
        const rules = sarif.runs[0].tool.driver.rules;
        expect(rules.map((r: { id: string }) => r.id)).toContain('WB101');
        expect(rules[0].helpUri).toMatch(/go-build-cache\/README\.md$/);
        const result = sarif.runs[0].results[1];
        expect(result).toMatchObject({ ruleId: 'WB101', level: 'warning', locations: [{ physicalLocation: { region: { startLine: 6, startColumn: 5 } } }] });
        expect(result.partialFingerprints['warmbuild/v1']).toMatch(/^[0-9a-f]{32}$/);
      },
    ],
    [
      'github',
      (out: string) => {
        expect(out).toMatch(/^::warning file=.*Dockerfile,line=6,col=5,endLine=6,endColumn=20,title=WB101 go-build-cache::`go build` compiles/m);
      },
    ],
    [
      'gitlab',
      (out: string) => {
        const issues = JSON.parse(out);
        expect(issues[1]).toMatchObject({ check_name: 'WB101 go-build-cache', severity: 'minor', location: { lines: { begin: 6 } } });
        expect(issues[0].fingerprint).not.toBe(issues[1].fingerprint);
      },
    ],
    [
      'checkstyle',
      (out: string) => {
        expect(out).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<checkstyle version="4.3">/);
        expect(out).toMatch(/<error line="6" column="5" severity="warning" message="`go build` compiles[^"]*" source="warmbuild.WB101.go-build-cache"\/>/);
      },
    ],
  ])('--format %s', async (format, verify) => {
    const r = await cli(['check', '--format', format, dockerfile()]);
    expect(r.code).toBe(1);
    verify(r.stdout);
  });

  it('SARIF fingerprints survive lines moving', async () => {
    const first = JSON.parse((await cli(['check', '--format', 'sarif', dockerfile()])).stdout);
    writeFileSync(dockerfile(), `# a new first line\n\n${readFileSync(dockerfile(), 'utf8')}`);
    const second = JSON.parse((await cli(['check', '--format', 'sarif', dockerfile()])).stdout);
    const prints = (s: { runs: { results: { partialFingerprints: Record<string, string> }[] }[] }) =>
      s.runs[0]!.results.map((r) => r.partialFingerprints['warmbuild/v1']);
    expect(prints(second)).toEqual(prints(first));
  });

  it('--fail-level and --rule decide the exit code', async () => {
    expect((await cli(['check', '--fail-level', 'error', dockerfile()])).code).toBe(0);
    expect((await cli(['check', '--fail-level', 'none', dockerfile()])).code).toBe(0);
    expect((await cli(['check', '--rule', 'WB101=error', '--fail-level', 'error', dockerfile()])).code).toBe(1);
    const off = await cli(['check', '--rule', 'go-build-cache=off', '--rule', 'WB102=off', dockerfile()]);
    expect(off.code).toBe(0);
    expect(off.stdout).toBe('no findings in 1 file\n');
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
    expect(report.files[0].findings.map((f: { code: string; severity: string; fix: string }) => `${f.code}:${f.severity}:${f.fix}`)).toEqual([
      'WB101:warning:safe',
      'WB102:warning:safe',
    ]);
    const elsewhere = path.join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(path.join(elsewhere, 'Dockerfile'), makeDockerfile);
    report = JSON.parse((await cli(['check', '--format', 'json', '--context', app, path.join(elsewhere, 'Dockerfile')])).stdout);
    expect(report.files[0].findings[0].severity).toBe('warning');
    await cli(['fix', dockerfile()]);
    expect(readFileSync(dockerfile(), 'utf8')).toContain(
      'RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod make build',
    );
  });

  it('defaults to the nearest directory holding go.mod, go.work or .git, says so, and --context still wins', async () => {
    // cloudflared, kaniko: deploy/Dockerfile built with `docker build -f deploy/Dockerfile .` from the module root.
    const repo = path.join(dir, 'repo');
    mkdirSync(path.join(repo, 'deploy'), { recursive: true });
    writeFileSync(path.join(repo, 'go.mod'), 'module example.com/repo\n\ngo 1.25\n');
    writeFileSync(path.join(repo, 'Makefile'), 'build:\n\tgo build -o bin/app .\n');
    writeFileSync(path.join(repo, 'deploy', 'Dockerfile'), makeDockerfile);
    const codes = (out: string): string[] => JSON.parse(out).files[0].findings.map((f: { code: string; severity: string }) => `${f.code}:${f.severity}`);
    let r = await cli(['check', '--format', 'json', 'deploy/Dockerfile'], repo);
    expect(codes(r.stdout)).toEqual(['WB101:warning', 'WB102:warning']);
    expect(codes((await cli(['check', '--format', 'json', '--context', '.', 'deploy/Dockerfile'], repo)).stdout)).toEqual(codes(r.stdout));
    r = await cli(['check', 'deploy/Dockerfile'], repo);
    expect(r.stdout).toContain('deploy/Dockerfile (build context: .)\n');
    r = await cli(['check', 'Dockerfile'], path.join(repo, 'deploy'));
    expect(r.stdout).toContain('Dockerfile (build context: ..)\n');
    // --context wins over the default: here a directory with no Makefile.
    r = await cli(['check', '--format', 'json', '--context', 'deploy', 'deploy/Dockerfile'], repo);
    expect(codes(r.stdout)).toEqual(['WB110:info']);
    // A Dockerfile beside its go.mod names no context.
    writeFileSync(path.join(repo, 'Dockerfile'), makeDockerfile);
    expect((await cli(['check', 'Dockerfile'], repo)).stdout).not.toContain('(build context:');
  });

  it('a vendored module found upwards: no download findings for a Dockerfile in a subdirectory', async () => {
    const repo = path.join(dir, 'vendored');
    mkdirSync(path.join(repo, 'vendor'), { recursive: true });
    mkdirSync(path.join(repo, 'build'));
    writeFileSync(path.join(repo, 'go.mod'), 'module example.com/v\n\ngo 1.25\n');
    writeFileSync(path.join(repo, 'vendor', 'modules.txt'), '# example.com/dep v1.0.0\n');
    writeFileSync(
      path.join(repo, 'build', 'Dockerfile'),
      'FROM golang:1.25\nWORKDIR /src\nCOPY . .\nRUN --mount=type=cache,target=/root/.cache/go-build go build -o /app .\n',
    );
    const r = await cli(['check', '--format', 'json', 'build/Dockerfile'], repo);
    expect(JSON.parse(r.stdout).files[0].findings).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('reads a script from where a COPY took it in the context', async () => {
    const app = path.join(dir, 'app');
    mkdirSync(path.join(app, 'hack'));
    writeFileSync(path.join(app, 'hack', 'build.sh'), '#!/bin/sh\nset -e\ngo build -o /out/app ./cmd/app\n');
    writeFileSync(
      dockerfile(),
      'FROM golang:1.25 AS build\nCOPY hack/ /usr/local/bin/\nRUN /usr/local/bin/build.sh\nFROM busybox\nCOPY --from=build /out/app /app\n',
    );
    const r = await cli(['check', '--format', 'json', dockerfile()]);
    const findings = JSON.parse(r.stdout).files[0].findings as { code: string; messageId?: string; message: string; fix: string }[];
    expect(findings.map((f) => `${f.code}:${f.fix}`)).toEqual(['WB101:safe', 'WB102:safe']);
    expect(findings[0]!.message).toContain('`/usr/local/bin/build.sh → go build … ./cmd/app` compiles without a cache mount');
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
    expect(r.stdout).toContain(
      '-RUN go build -o app\n+RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build -o app',
    );
    expect(r.stdout).toMatch(/^--- a\//);
    expect(readFileSync(dockerfile(), 'utf8')).toBe(original);
  });

  it('applies suggestions only with --unsafe, and keeps CRLF', async () => {
    const file = path.join(dir, 'app', 'alpine.Dockerfile');
    writeFileSync(file, 'FROM alpine:3.20\r\nRUN apk add go && go build -o /app .\r\n');
    await cli(['fix', file]);
    expect(readFileSync(file, 'utf8')).toBe('FROM alpine:3.20\r\nRUN apk add go && go build -o /app .\r\n');
    await cli(['fix', '--unsafe', file]);
    expect(readFileSync(file, 'utf8')).toBe(
      'FROM alpine:3.20\r\nRUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/root/go/pkg/mod apk add go && go build -o /app .\r\n',
    );
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
    expect(catalogue.rules.map((x: { code: string }) => x.code)).toEqual([
      'WB101',
      'WB102',
      'WB103',
      'WB104',
      'WB105',
      'WB106',
      'WB107',
      'WB110',
      'WB111',
      'WB112',
      'WB120',
      'WB121',
      'WB122',
      'WB130',
      'WB131',
      'WB132',
      'WB000',
    ]);
    expect(catalogue.rules[0]).toMatchObject({ name: 'go-build-cache', severity: 'warning', fixable: 'safe-or-suggestion' });
  });
});

describe('CLI errors: one line, exit 2, no usage dump', () => {
  const cases: [string, string[], string][] = [
    ['unknown command', ['chek'], `unknown command "chek" (did you mean "check"?); run 'warmbuild --help' for the list`],
    ['option before the command', ['--formt'], 'unknown option --formt; options come after the command: warmbuild <command> [options]'],
    ['unknown option', ['check', '--formt', 'json'], 'check: unknown option --formt (did you mean --format?)'],
    ['unknown short option', ['check', '-x'], 'check: unknown option -x'],
    ['option without its value', ['check', '--format'], 'check: --format needs a value (FORMAT)'],
    ['a value for a flag', ['fix', '--unsafe=yes'], 'fix: --unsafe takes no value, got "yes"'],
    [
      'format outside the choices',
      ['check', '--format', 'jsn'],
      'check: --format must be one of stylish, json, sarif, github, gitlab, checkstyle, got "jsn" (did you mean "json"?)',
    ],
    [
      'fail level outside the choices',
      ['check', '--fail-level', 'warn'],
      'check: --fail-level must be one of error, warning, info, none, got "warn" (did you mean "warning"?)',
    ],
    [
      'unknown rule',
      ['check', '--rule', 'go-buld-cache=off'],
      '--rule go-buld-cache=off: unknown rule "go-buld-cache" (did you mean "go-build-cache"?) (see `warmbuild rules`)',
    ],
    [
      'bad rule setting',
      ['check', '--rule', 'WB101=of'],
      '--rule WB101=of: the setting must be one of off, error, warning, info, got "of" (did you mean "off"?)',
    ],
    ['rule without a setting', ['check', '--rule', 'WB101'], '--rule WB101: the setting must be one of off, error, warning, info, got ""'],
    ['--context with --no-context', ['check', '--context', '.', '--no-context'], '--context and --no-context exclude each other'],
    ['--stdin-filename without -', ['check', '--stdin-filename', 'Dockerfile'], '--stdin-filename names standard input: give - as the path'],
    ['standard input twice', ['check', '-', '-'], '- (standard input) can be given once'],
    ['bench --runs not a number', ['bench', '--runs', 'two'], 'bench: --runs must be an integer of at least 1, got "two"'],
    ['bench --runs 0', ['bench', '--runs', '0'], 'bench: --runs must be an integer of at least 1, got "0"'],
    [
      'bench unknown scenario',
      ['bench', '--scenarios', 'cold,edt'],
      'bench: --scenarios must be one of cold, noop, edit, deps, got "edt" (did you mean "edit"?)',
    ],
    ['bench two projects', ['bench', 'a', 'b'], 'bench takes one project directory'],
    ['init two projects', ['init', 'a', 'b'], 'init takes one project directory'],
    ['rules with an argument', ['rules', 'WB101'], 'rules: unexpected argument "WB101"'],
    ['rules format', ['rules', '--format', 'yaml'], 'rules: --format must be one of text, json, got "yaml"'],
    ['help for an unknown command', ['help', 'chek'], `unknown command "chek" (did you mean "check"?); run 'warmbuild --help' for the list`],
    ['help with two names', ['help', 'check', 'fix'], 'help takes one command name'],
    ['cache option typo', ['cache', 'export', '--too', 'dir'], 'cache: unknown option --too (did you mean --to?)'],
    [
      'cache without a subcommand',
      ['cache'],
      'usage: warmbuild cache export --to DIR|docker-image://REF | import --from DIR|docker-image://REF [--dockerfile F] [--builder NAME] [--platform P[,P]] [--max-size SIZE] [--max-age AGE] [--timeout SECONDS] [--json PATH|-]',
    ],
    ['cache export without --to', ['cache', 'export'], 'cache export needs --to DIR or --to docker-image://REF'],
  ];
  it.each(cases)('%s', async (_name, args, message) => {
    const r = await cli(args, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`warmbuild: ${message}\n`);
    expect(r.stdout).toBe('');
  });

  it('a path that does not exist, and a directory without Dockerfiles', async () => {
    let r = await cli(['check', path.join(dir, 'missing')]);
    expect([r.code, r.stderr]).toEqual([2, `warmbuild: ${path.join(dir, 'missing')}: no such file or directory\n`]);
    mkdirSync(path.join(dir, 'empty'));
    r = await cli(['check', 'empty'], dir);
    expect([r.code, r.stderr]).toEqual([2, 'warmbuild: no Dockerfile found in empty\n']);
    r = await cli(['fix'], path.join(dir, 'empty'));
    expect([r.code, r.stderr]).toEqual([2, 'warmbuild: no Dockerfile found in the current directory\n']);
  });

  it('no command prints the overview on stderr and exits 2', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Commands:\n  check');
  });

  it('a config file with several problems reports all of them, each with file:line', async () => {
    const config = path.join(dir, '.warmbuild.yaml');
    writeFileSync(config, 'rules:\n  go-buld-cache: off\n  WB101: loud\nfailLevl: error\nfailLevel: sometimes\n');
    const r = await cli(['check', dockerfile()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      [
        `warmbuild: ${config}:2: unknown rule "go-buld-cache" (did you mean "go-build-cache"?) (see \`warmbuild rules\`)`,
        `warmbuild: ${config}:3: rule "WB101": expected off, error, warning or info, got "loud"`,
        `warmbuild: ${config}:4: unknown key "failLevl" (did you mean "failLevel"?) (allowed: $schema, rules, failLevel, multiPlatform)`,
        `warmbuild: ${config}:5: "failLevel": expected error, warning, info or none, got "sometimes"`,
        '',
      ].join('\n'),
    );
  });

  it('an unexpected failure is one line that asks for a report, with no stack trace', async () => {
    const r = await cli(['check', '-'], dir, { readStdin: () => Promise.reject(new Error('stdin exploded')) });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'warmbuild: internal error: stdin exploded\nPlease report it with the input that caused it (set WARMBUILD_DEBUG=1 for a stack trace).\n',
    );
  });
});

describe('help', () => {
  it('warmbuild <command> --help and warmbuild help <command> print the same generated help', async () => {
    for (const command of ['check', 'fix', 'init', 'bench', 'cache', 'rules']) {
      const viaFlag = await cli([command, '--help']);
      const viaHelp = await cli(['help', command]);
      expect(viaFlag.code).toBe(0);
      expect(viaFlag.stdout).toBe(viaHelp.stdout);
      expect(viaFlag.stdout).toMatch(new RegExp(`^warmbuild ${command} \\(\\d+\\.\\d+\\.\\d+\\): `));
      expect(viaFlag.stdout).toContain('Options:');
    }
  });

  it('every option is described with its allowed values, default and example', async () => {
    const check = (await cli(['check', '-h'])).stdout;
    expect(check).toMatch(/-f, --format FORMAT +Output format[\s\S]*?One of:\s+stylish, json, sarif, github, gitlab, checkstyle\. Default: stylish\./);
    expect(check).toContain('Example: --rule WB131=info');
    expect(check).toContain('--stdin-filename PATH');
    const fix = (await cli(['fix', '--help'])).stdout;
    expect(fix).toContain('--dry-run');
    expect(fix).toMatch(/--dry-run +Print the changes as a unified diff and write nothing; exit 1 when\s+there is something to change/);
    // Wrapped at 100 columns: compare with the white space flattened.
    const bench = (await cli(['bench', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(bench).toContain(
      '--scenarios LIST Scenarios to run. One of: cold, noop, edit, deps (comma-separated, or repeated). Default: cold,noop,edit,deps. Example: --scenarios noop,edit',
    );
    expect(bench).toContain('--runs N Runs per scenario and variant (the report gives the median). Default: 3.');
  });

  it("--version prints package.json's version", async () => {
    const r = await cli(['--version']);
    expect(r.stdout).toBe(`${JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'package.json'), 'utf8')).version}\n`);
  });
});

describe('colour', () => {
  const colored = (out: string): boolean => out.includes('\u001b[');
  it('follows --color/--no-color, then NO_COLOR, then FORCE_COLOR, then the terminal', async () => {
    expect(colored((await cli(['check', dockerfile()])).stdout)).toBe(false);
    expect(colored((await cli(['check', dockerfile()], undefined, { isTTY: true })).stdout)).toBe(true);
    expect(colored((await cli(['check', dockerfile()], undefined, { isTTY: true, env: { NO_COLOR: '1' } })).stdout)).toBe(false);
    expect(colored((await cli(['check', dockerfile()], undefined, { env: { FORCE_COLOR: '1' } })).stdout)).toBe(true);
    expect(colored((await cli(['check', dockerfile()], undefined, { isTTY: true, env: { FORCE_COLOR: '0' } })).stdout)).toBe(false);
    expect(colored((await cli(['check', '--color', dockerfile()], undefined, { env: { NO_COLOR: '1' } })).stdout)).toBe(true);
    expect(colored((await cli(['check', '--no-color', dockerfile()], undefined, { isTTY: true, env: { FORCE_COLOR: '1' } })).stdout)).toBe(false);
  });
});

describe('standard input', () => {
  it("check - reads standard input, reported under --stdin-filename, with that path's config", async () => {
    const text = readFileSync(dockerfile(), 'utf8');
    writeFileSync(path.join(dir, 'app', '.warmbuild.yaml'), 'rules:\n  go-mod-cache: off\n');
    let r = await cli(['check', '-', '--format', 'json', '--stdin-filename', 'app/Dockerfile'], dir, { readStdin: async () => text });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.files[0].path).toBe('app/Dockerfile');
    expect(report.files[0].findings.map((f: { code: string }) => f.code)).toEqual(['WB101']);
    r = await cli(['check', '-'], dir, { readStdin: async () => text });
    expect(r.stdout).toContain('<stdin>\n');
  });

  it('fix - writes the fixed text to stdout and the findings to stderr, and touches no file', async () => {
    const text = readFileSync(dockerfile(), 'utf8');
    const r = await cli(['fix', '-', '--stdin-filename', dockerfile()], undefined, { readStdin: async () => text });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build -o app');
    expect(r.stderr).toBe('no findings in 1 file\n');
    expect(readFileSync(dockerfile(), 'utf8')).toBe(text);
  });

  it('fix - passes a text it cannot parse through unchanged, and exits 2', async () => {
    const broken = 'FROM golang:1.25\nRUNN go build .\n';
    const r = await cli(['fix', '-'], dir, { readStdin: async () => broken });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(broken);
    expect(r.stderr).toContain('<stdin>:2: unknown instruction: RUNN');
  });
});

describe('day one', () => {
  it('fix then check on the bundled example: exit 0, one line saying it is clean', async () => {
    expect((await cli(['fix', path.join(dir, 'app')])).code).toBe(0);
    const r = await cli(['check', path.join(dir, 'app')]);
    expect(r).toEqual({ code: 0, stdout: 'no findings in 1 file\n', stderr: '' });
  });

  it('fix --dry-run exits 1 when it would change something, 0 when not', async () => {
    expect((await cli(['fix', '--dry-run', dockerfile()])).code).toBe(1);
    await cli(['fix', dockerfile()]);
    const r = await cli(['fix', '--dry-run', dockerfile()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });

  it("every finding carries its rule's docs URL, in every format", async () => {
    const url = 'https://github.com/warmbuild/warmbuild/blob/main/src/rules/go-build-cache/README.md';
    for (const format of ['stylish', 'json', 'sarif', 'github', 'gitlab', 'checkstyle']) {
      expect((await cli(['check', '--format', format, dockerfile()])).stdout, format).toContain(url);
    }
  });
});

describe('ecosystem files', () => {
  it('the pre-commit hooks take the file names discovery takes', () => {
    const hooks = parseYaml(readFileSync(path.join(import.meta.dirname, '..', '.pre-commit-hooks.yaml'), 'utf8')) as {
      id: string;
      entry: string;
      files: string;
      exclude: string;
    }[];
    expect(hooks.map((h) => `${h.id}: ${h.entry}`)).toEqual(['warmbuild: warmbuild check', 'warmbuild-fix: warmbuild fix']);
    const names = [
      'Dockerfile',
      'dockerfile',
      'Dockerfile.dev',
      'Dockerfile.fips.amd64',
      'api.Dockerfile',
      'worker.dockerfile',
      'Containerfile',
      'Containerfile.arm64',
      'image.Containerfile',
      'dockerfile.go',
      'dockerfile.ts',
      'Dockerfile.md',
      'Dockerfile.dockerignore',
      'DOCKERFILE',
      'Dockerfile_test',
      'notes.txt',
      ...[...NOT_DOCKERFILE_EXTENSIONS].flatMap((e) => [`Dockerfile.${e}`, `Dockerfile.dev.${e}`, `Containerfile.${e}`]),
    ];
    for (const hook of hooks) {
      for (const name of names) {
        const taken = new RegExp(hook.files).test(`deploy/${name}`) && !new RegExp(hook.exclude).test(`deploy/${name}`);
        expect(taken, `${hook.id} ${name}`).toBe(isDockerfileName(name));
      }
      expect(new RegExp(hook.exclude).test('vendor/x/Dockerfile')).toBe(true);
    }
  });
});

describe('security rules in CI formats', () => {
  const secret =
    'FROM golang:1.25\nARG GITHUB_TOKEN\nRUN --mount=type=cache,target=/go/pkg/mod git config --global url."https://${GITHUB_TOKEN}@github.com/".insteadOf "https://github.com/" && go mod download\n';

  it('GitLab gets the Security category for security rules and Performance for cache rules', async () => {
    writeFileSync(dockerfile(), secret);
    const issues = JSON.parse((await cli(['check', '--format', 'gitlab', dockerfile()])).stdout) as { check_name: string; categories: string[] }[];
    expect(issues.find((i) => i.check_name.startsWith('WB120'))?.categories).toEqual(['Security']);
    writeFileSync(dockerfile(), 'FROM golang:1.25\nRUN go build -o /app .\n');
    const cacheIssues = JSON.parse((await cli(['check', '--format', 'gitlab', dockerfile()])).stdout) as { check_name: string; categories: string[] }[];
    expect(cacheIssues.find((i) => i.check_name.startsWith('WB101'))?.categories).toEqual(['Performance']);
  });

  it('SARIF gives the security rules a security-severity and the security tag, and the others none', async () => {
    writeFileSync(dockerfile(), secret);
    const sarif = JSON.parse((await cli(['check', '--format', 'sarif', dockerfile()])).stdout);
    const rules = sarif.runs[0].tool.driver.rules as { id: string; properties: { tags: string[]; 'security-severity'?: string } }[];
    const byId = new Map(rules.map((r) => [r.id, r.properties]));
    for (const id of ['WB120', 'WB121', 'WB122', 'WB131']) {
      expect(byId.get(id)?.tags, id).toContain('security');
      expect(Number(byId.get(id)?.['security-severity']), id).toBeGreaterThan(0);
    }
    expect(byId.get('WB101')?.['security-severity']).toBeUndefined();
    expect(sarif.runs[0].tool.driver.version).toBe(JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'package.json'), 'utf8')).version);
    expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toContain('WB120');
  });
});
