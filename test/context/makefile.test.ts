import { describe, expect, it } from 'vitest';
import { expandMake, goCommandsOfMake, parseMakefile } from '../../src/context/makefile.js';

describe('Makefile reading', () => {
  const mk = parseMakefile(
    [
      'GO := go',
      'GOFLAGS ?= -trimpath',
      'GOFLAGS ?= ignored',
      'LDFLAGS = -s',
      'LDFLAGS += -w',
      'BIN ::= bin',
      'VERSION != git describe',
      '.PHONY: all build',
      'all: build # the default',
      'build: $(BIN)/app',
      '$(BIN)/app: gen',
      '\t@$(GO) build $(GOFLAGS) -ldflags "$(LDFLAGS)" -o $@ \\',
      '\t  ./cmd/app',
      'gen: ; -$(MAKE) -C tools stringer',
      'test:',
      '\t+go test ./...',
    ].join('\n'),
  );

  it('reads every assignment flavour, skipping shell assignments', () => {
    expect(mk.variables.get('GO')).toBe('go');
    expect(mk.variables.get('GOFLAGS')).toBe('-trimpath');
    expect(mk.variables.get('LDFLAGS')).toBe('-s -w');
    expect(mk.variables.get('BIN')).toBe('bin');
    expect(mk.variables.has('VERSION')).toBe(false);
    expect(mk.defaultTarget).toBe('all');
    expect(expandMake('$(GO) build $(GOFLAGS)', mk)).toBe('go build -trimpath');
  });

  it('follows the default target through prerequisites with variables in their names', () => {
    const result = goCommandsOfMake(mk, []);
    expect(result.go.map((g) => g.subcommand)).toEqual(['build']);
    expect(result.go[0]!.args.map((a) => a.value)).toContain('./cmd/app');
  });

  it('a named target, and an unknown one', () => {
    expect(goCommandsOfMake(mk, ['test']).go.map((g) => g.subcommand)).toEqual(['test']);
    expect(goCommandsOfMake(mk, ['nope']).resolved).toBe(false);
  });
});
