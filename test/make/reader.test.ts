import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UNKNOWN } from '../../src/make/expand.js';
import { type MakeRequest, runMake } from '../../src/make/reader.js';

/**
 * The Makefile reader against GNU make. Each case names the behaviour it mirrors; cases marked
 * `oracle` are also run through the real `make -n` (GNU make 4.x), whose printed recipe lines must be
 * the reader's, one for one.
 */
interface Case {
  name: string;
  files: Record<string, string>;
  request?: Partial<MakeRequest>;
  /** The recipe lines make runs, in order. */
  scripts: string[];
  env?: Record<string, string>;
  unknown?: RegExp;
  oracle?: boolean;
}

const cases: Case[] = [
  {
    name: '= expands late, := at once; the first target is the default goal',
    files: { Makefile: 'A = $(B)\nC := $(B)\nB = x\nall:\n\techo $(A) [$(C)]\nother:\n\techo other\n' },
    scripts: ['echo x []'],
    oracle: true,
  },
  {
    name: '?= keeps a value from the environment; += appends; command-line values beat the makefile; override beats the command line',
    files: { Makefile: 'GO ?= go\nFLAGS = -a\nFLAGS += -b\noverride OUT = bin\nNAME = app\nall:\n\t$(GO) build $(FLAGS) -o $(OUT)/$(NAME) .\n' },
    request: { overrides: { OUT: 'x', NAME: 'cli' }, environment: { GO: '/usr/local/go/bin/go' } },
    scripts: ['/usr/local/go/bin/go build -a -b -o bin/cli .'],
    oracle: true,
  },
  {
    name: 'conditionals at top level and inside a recipe, nested, with else-chains (cloudflared: `ifeq ($(FIPS), true)` in the recipe)',
    files: {
      Makefile: [
        'ifeq ($(FIPS), true)',
        '  TAGS := fips',
        'else ifdef DEBUG',
        '  TAGS := debug',
        'else',
        '  TAGS := release',
        'endif',
        'ifneq ($(GOOS),)',
        '  TARGET_OS ?= $(GOOS)',
        'else',
        '  TARGET_OS ?= linux',
        'endif',
        'cloudflared:',
        'ifeq ($(FIPS), true)',
        '\tcp fips/fips.go cmd/cloudflared/',
        'ifndef NOVET',
        '\tgo vet ./...',
        'endif',
        'endif',
        '\tGOOS=$(TARGET_OS) go build -tags "$(TAGS)" ./cmd/cloudflared',
      ].join('\n'),
    },
    request: { environment: { GOOS: 'darwin' } },
    scripts: ['GOOS=darwin go build -tags "release" ./cmd/cloudflared'],
    oracle: true,
  },
  {
    name: 'the same conditionals taken the other way by VAR=value on the command line',
    files: {
      Makefile:
        'cloudflared:\nifeq ($(FIPS), true)\n\tcp fips/fips.go cmd/cloudflared/\nifndef NOVET\n\tgo vet ./...\nendif\nendif\n\tgo build ./cmd/cloudflared\n',
    },
    request: { overrides: { FIPS: 'true' } },
    scripts: ['cp fips/fips.go cmd/cloudflared/', 'go vet ./...', 'go build ./cmd/cloudflared'],
    oracle: true,
  },
  {
    name: "ifeq's quoted form, and ifdef testing a value without expanding it",
    files: {
      Makefile:
        'EMPTY =\nREF = $(EMPTY)\nTOOL = go\nifeq "$(TOOL)" \'go\'\nA = yes\nendif\nifdef REF\nB = defined\nendif\nifdef EMPTY\nB = wrong\nendif\nall:\n\techo $(A) $(B)\n',
    },
    scripts: ['echo yes defined'],
    oracle: true,
  },
  {
    name: 'define/endef, $(call) with parameters, $(eval) of generated rules, $(foreach)',
    files: {
      Makefile: [
        'BINS := server worker',
        'all: $(BINS)',
        '\t$(banner)',
        'define build_one',
        '$(1): ; go build -o bin/$(1) ./cmd/$(1)',
        'endef',
        '$(foreach b,$(BINS),$(eval $(call build_one,$(b))))',
        'define banner',
        '@echo building',
        'go env GOCACHE',
        'endef',
      ].join('\n'),
    },
    scripts: ['go build -o bin/server ./cmd/server', 'go build -o bin/worker ./cmd/worker', 'echo building', 'go env GOCACHE'],
    oracle: true,
  },
  {
    name: 'text functions: subst, patsubst, filter, filter-out, addprefix, addsuffix, word, firstword, strip, notdir, dir, basename, $(if), substitution references',
    files: {
      Makefile: [
        'SRCS := cmd/a/main.go cmd/b/main.go tools/gen.go',
        'CMDS := $(notdir $(patsubst %/,%,$(dir $(filter cmd/%,$(SRCS)))))',
        'OUT := $(addprefix bin/,$(addsuffix .exe,$(CMDS)))',
        'ALL := $(subst .go,,$(SRCS:.go=.o))',
        'all:',
        '\techo $(OUT) $(word 2,$(CMDS)) $(firstword $(filter-out cmd/%,$(SRCS))) [$(strip  a   b )] $(basename $(notdir tools/gen.go)) $(if $(CMDS),yes,no) $(if ,yes,no) $(ALL)',
      ].join('\n'),
    },
    scripts: ['echo bin/a.exe bin/b.exe b tools/gen.go [a b] gen yes no cmd/a/main.o cmd/b/main.o tools/gen.o'],
    oracle: true,
  },
  {
    name: '$(wildcard) against the build context',
    files: {
      Makefile: 'CMDS := $(notdir $(wildcard cmd/*))\nbuild:\n\t$(foreach c,$(CMDS),go build -o bin/$(c) ./cmd/$(c);)\n',
      'cmd/api/main.go': 'package main\n',
      'cmd/cli/main.go': 'package main\n',
    },
    scripts: ['go build -o bin/api ./cmd/api; go build -o bin/cli ./cmd/cli;'],
    oracle: true,
  },
  {
    name: '$(shell …) is unknown: its words are marked, the rest of the line is read',
    files: { Makefile: 'VERSION := $(shell git describe --tags)\nall:\n\tgo build -ldflags "-X main.v=$(VERSION)" ./cmd/app\n' },
    scripts: [`go build -ldflags "-X main.v=${UNKNOWN}" ./cmd/app`],
  },
  {
    // operator-framework/operator-sdk: GO := $(shell type -P go)
    name: '$(shell which go) and its kin name the program they find on PATH',
    files: { Makefile: 'GO := $(shell type -P go)\nGOFMT := $(shell command -v gofmt 2>/dev/null)\nall:\n\t$(GO) build ./cmd/x\n\t$(GOFMT) -l .\n' },
    scripts: ['go build ./cmd/x', 'gofmt -l .'],
  },
  {
    name: 'a condition only $(shell …) could decide: both branches are read, as either may be the one make takes',
    files: { Makefile: 'ifeq ($(shell uname -s),Darwin)\nall:\n\tgo build -tags darwin .\nelse\nall:\n\tgo build .\nendif\n' },
    scripts: ['go build .'],
  },
  {
    name: 'pattern rules with the stem, $@ $< $^ $*',
    files: {
      Makefile: 'build: bin/api bin/cli\nbin/%: cmd/%/main.go go.mod\n\tgo build -o $@ ./$(<D) # $* from $^\n',
      'cmd/api/main.go': '',
      'cmd/cli/main.go': '',
      'go.mod': '',
    },
    scripts: ['go build -o bin/api ./cmd/api # api from cmd/api/main.go go.mod', 'go build -o bin/cli ./cmd/cli # cli from cmd/cli/main.go go.mod'],
    oracle: true,
  },
  {
    name: 'static pattern rules',
    files: { Makefile: 'BINS := bin/api bin/cli\nall: $(BINS)\n$(BINS): bin/%: cmd/%\n\tgo build -o $@ ./$<\n', 'cmd/api/main.go': '', 'cmd/cli/main.go': '' },
    scripts: ['go build -o bin/api ./cmd/api', 'go build -o bin/cli ./cmd/cli'],
    oracle: true,
  },
  {
    // evcc-io/evcc: `assets::` runs go generate although an assets/ directory exists.
    name: 'double-colon rules each run their own recipe, even when the target exists',
    files: { Makefile: 'all:: ; go generate ./...\nall:: ; go build ./...\n', 'all/.keep': '' },
    scripts: ['go generate ./...', 'go build ./...'],
    oracle: true,
  },
  {
    name: 'target-specific variables, inherited by the prerequisites',
    files: { Makefile: 'LDFLAGS = -X main.v=dev\nrelease: LDFLAGS += -s -w\nrelease: build\nbuild:\n\tgo build -ldflags "$(LDFLAGS)" .\n' },
    request: { goals: ['release'] },
    scripts: ['go build -ldflags "-X main.v=dev -s -w" .'],
    oracle: true,
  },
  {
    name: '.DEFAULT_GOAL picks the goal, not the first rule',
    files: { Makefile: 'lint:\n\tgolangci-lint run\n.DEFAULT_GOAL := build\nbuild:\n\tgo build .\n' },
    scripts: ['go build .'],
    oracle: true,
  },
  {
    name: 'GNUmakefile before makefile before Makefile',
    files: { GNUmakefile: 'all:\n\tgo build ./gnu\n', makefile: 'all:\n\tgo build ./lower\n', Makefile: 'all:\n\tgo build ./upper\n' },
    scripts: ['go build ./gnu'],
    oracle: true,
  },
  {
    name: '-f FILE and -C DIR',
    files: { 'build/release.mk': 'all:\n\tgo build -o $(CURDIR)/out ./cmd/x\n', Makefile: 'all:\n\techo wrong\n' },
    request: { dir: 'build', makefiles: ['release.mk'] },
    scripts: ['go build -o /build/out ./cmd/x'],
  },
  {
    name: 'include with globs, -include and sinclude of missing files; a rule from an included file is defined where the include is',
    files: {
      Makefile: 'all: tools\n\tgo build ./...\ninclude mk/*.mk\n-include local.mk\nsinclude $(wildcard none/*.mk)\n',
      'mk/a.mk': 'GO := go\n',
      'mk/b.mk': 'tools:\n\t$(GO) install ./tools/...\n',
    },
    scripts: ['go install ./tools/...', 'go build ./...'],
    oracle: true,
  },
  {
    name: 'export reaches the recipe environment, unexport and command-line values too',
    files: { Makefile: 'export GOFLAGS := -mod=vendor\nexport CGO_ENABLED = 0\nGOCACHE = /tmp/cache\nexport GOCACHE\nunexport GOCACHE\nall:\n\tgo build .\n' },
    request: { overrides: { GOOS: 'linux' } },
    scripts: ['go build .'],
    env: { GOFLAGS: '-mod=vendor', CGO_ENABLED: '0', GOOS: 'linux' },
  },
  {
    name: 'line continuations: joined in variables, passed to the shell in recipes',
    files: { Makefile: 'FLAGS = -trimpath \\\n        -v\nall:\n\tgo build $(FLAGS) \\\n\t\t-o app .\n' },
    scripts: ['go build -trimpath -v \\\n\t-o app .'],
    oracle: true,
  },
  {
    name: '.ONESHELL runs a recipe as one script',
    files: { Makefile: '.ONESHELL:\nall:\n\tcd cmd/app\n\t@go build .\n' },
    scripts: ['cd cmd/app\ngo build .'],
  },
  {
    name: 'recipe prefixes @ - + and a $(Q) that expands to @',
    files: { Makefile: 'Q = @\nall:\n\t@echo a\n\t-go vet ./...\n\t+$(MAKE) sub\n\t$(Q)go build .\nsub:\n\techo sub\n' },
    scripts: ['echo a', 'go vet ./...', 'make sub', 'go build .'],
  },
  {
    name: 'a target that exists and depends on nothing is up to date; a .PHONY one runs',
    files: { Makefile: 'build:\n\tgo build -o build/app .\ndist:\n\tgo build -o dist/app .\n.PHONY: dist\n', 'build/.keep': '', 'dist/.keep': '' },
    request: { goals: ['build', 'dist'] },
    scripts: ['go build -o dist/app .'],
    oracle: true,
  },
  {
    name: '# starts a comment except inside a reference or escaped',
    files: { Makefile: 'HASH := \\#\nX := $(subst a,#,cat) # comment\nall: # comment\n\techo $(X) $(HASH)\n' },
    // The spaces before a comment stay in the value, as GNU make documents.
    scripts: ['echo c#t  #'],
    oracle: true,
  },
  {
    name: 'a goal without a rule is a missing target',
    files: { Makefile: 'all:\n\tgo build .\n' },
    request: { goals: ['nope'] },
    scripts: [],
    unknown: /no rule to make target nope/,
  },
];

const hasMake = spawnSync('make', ['--version']).status === 0;
if (!hasMake) process.stderr.write('\n[warmbuild tests] GNU make not found: SKIPPING the make -n oracle comparisons.\n\n');
const scratch = mkdtempSync(path.join(tmpdir(), 'warmbuild-make-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function request(c: Case): MakeRequest {
  return { dir: '', makefiles: [], goals: [], overrides: {}, environment: {}, ...c.request };
}

function read(c: Case): ReturnType<typeof runMake> {
  const files = Object.keys(c.files);
  return runMake(request(c), { read: (f) => c.files[f], files: () => files });
}

describe('the Makefile reader mirrors GNU make', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = read(c);
      expect(result.commands.map((r) => r.script)).toEqual(c.scripts);
      if (c.env) expect(result.commands[0]!.env).toEqual(c.env);
      if (c.unknown) expect(result.unknown.join('\n')).toMatch(c.unknown);
      else expect(result.unknown).toEqual([]);
    });
  }
});

describe.skipIf(!hasMake)('make -n prints the same recipe lines', () => {
  for (const [index, c] of cases.entries()) {
    if (!c.oracle) continue;
    it(c.name, () => {
      const dir = path.join(scratch, String(index));
      for (const [file, text] of Object.entries(c.files)) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), text);
      }
      const r = request(c);
      const args = [
        '-n',
        '--no-print-directory',
        ...r.makefiles.flatMap((f) => ['-f', f]),
        ...Object.entries(r.overrides).map(([k, v]) => `${k}=${v}`),
        ...r.goals,
      ];
      const out = spawnSync('make', args, { cwd: path.join(dir, r.dir), env: { PATH: process.env.PATH, ...r.environment }, encoding: 'utf8' });
      const printed = out.stdout.split('\n').filter((l) => l !== '' && !/^make(\[\d+\])?: /.test(l));
      expect(printed.join('\n')).toBe(c.scripts.join('\n'));
    });
  }
});

describe('what a caller that keeps $(shell …) asks of the reader (init)', () => {
  const text = [
    'VERSION := $(shell git describe --tags)',
    'ifdef CI',
    'FLAGS := -X main.v=$(VERSION)',
    'else',
    'FLAGS := -X main.v=dev -X main.d=$(shell date)',
    'endif',
    'build: tool',
    '\tgo build -ldflags "$(FLAGS)" ./cmd/app',
    'tool:',
    '\techo tool',
  ].join('\n');
  const run = (environment: Record<string, string>) =>
    runMake(
      { dir: '', makefiles: ['Makefile'], goals: [], overrides: {}, environment, shell: (command, variable) => `<${variable}:${command}>` },
      { read: (f) => (f === 'Makefile' ? text : undefined), files: () => undefined },
    );

  it('gives $(shell …) the stand-in asked for, named after the variable it is the whole value of', () => {
    expect(run({ CI: '1' }).commands.map((c) => c.script)).toEqual(['echo tool', 'go build -ldflags "-X main.v=<VERSION:git describe --tags>" ./cmd/app']);
    expect(run({}).commands[1]!.script).toBe('go build -ldflags "-X main.v=dev -X main.d=<:date>" ./cmd/app');
  });

  it('says where each variable was last assigned (in the branch taken), the targets, and the default goal', () => {
    expect(run({}).assignedAt).toEqual({ VERSION: 1, FLAGS: 5 });
    expect(run({ CI: '1' }).assignedAt.FLAGS).toBe(3);
    expect(run({}).targets).toEqual(['build', 'tool']);
    expect(run({}).defaultGoal).toBe('build');
  });

  it('without the stand-in, $(shell …) stays unknown', () => {
    const plain = runMake(
      { dir: '', makefiles: ['Makefile'], goals: [], overrides: {}, environment: {} },
      { read: (f) => (f === 'Makefile' ? text : undefined), files: () => undefined },
    );
    expect(plain.commands[1]!.script).toContain(UNKNOWN);
  });
});
