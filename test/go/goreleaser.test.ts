import { describe, expect, it } from 'vitest';
import { GORELEASER_CONFIGS, parseGoreleaser } from '../../src/go/goreleaser.js';

describe('the goreleaser reader', () => {
  it("looks for the config names in goreleaser's order (.yml before .yaml)", () => {
    expect(GORELEASER_CONFIGS).toEqual(['.goreleaser.yml', '.goreleaser.yaml', 'goreleaser.yml', 'goreleaser.yaml']);
  });

  it('keeps Go builds with their place in builds, env, flags and whether ldflags were set', () => {
    const config = parseGoreleaser(
      [
        'before:',
        '  hooks:',
        '    - go mod tidy',
        '    - cmd: go generate ./...',
        'builds:',
        '  - builder: rust',
        '  - id: server',
        '    main: ./cmd/server',
        '    env: [CGO_ENABLED=0, NOT_AN_ASSIGNMENT]',
        '    flags: -trimpath',
        '    tags: [netgo]',
        '    ldflags: []',
        '  - skip: true',
        '',
      ].join('\n'),
    );
    expect(config?.hooks).toEqual(['go mod tidy', 'go generate ./...']);
    expect(config?.builds).toEqual([
      { id: 'server', index: 1, main: './cmd/server', env: { CGO_ENABLED: '0' }, flags: ['-trimpath'], tags: ['netgo'], ldflags: [], skip: false },
      { id: '2', index: 2, main: '.', env: {}, flags: [], tags: [], skip: true },
    ]);
  });

  it('tells a config without builds (goreleaser builds the root) from one with none left, and YAML errors from both', () => {
    expect(parseGoreleaser('project_name: x\n')).toEqual({ hooks: [] });
    expect(parseGoreleaser('builds:\n  - builder: zig\n')).toEqual({ builds: [], hooks: [] });
    expect(parseGoreleaser('builds: [\n')).toBeUndefined();
  });
});
