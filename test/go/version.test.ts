import { describe, expect, it } from 'vitest';
import { requiredGoVersion } from '../../src/go/gomod.js';
import { compareGoVersions, isCertainlyOlder, parseGoVersion } from '../../src/go/version.js';

const v = (text: string) => parseGoVersion(text)!;

describe('Go versions', () => {
  it('parses language versions, releases, toolchain names and pre-releases', () => {
    expect(parseGoVersion('1.25')).toEqual({ major: 1, minor: 25 });
    expect(parseGoVersion('go1.25.3')).toEqual({ major: 1, minor: 25, patch: 3 });
    expect(parseGoVersion('1.26rc1')).toEqual({ major: 1, minor: 26 });
    expect(parseGoVersion('latest')).toBeUndefined();
  });

  it('orders numerically, not as text', () => {
    expect(['1.9', '1.25.1', '1.25', '1.10'].map(v).sort(compareGoVersions)).toEqual(['1.9', '1.10', '1.25', '1.25.1'].map(v));
  });

  it('a minor-only version stands for its newest patch: never certainly older within its minor', () => {
    expect(isCertainlyOlder(v('1.25'), v('1.25.3'))).toBe(false);
    expect(isCertainlyOlder(v('1.25.1'), v('1.25.3'))).toBe(true);
    expect(isCertainlyOlder(v('1.24'), v('1.25'))).toBe(true);
    expect(isCertainlyOlder(v('2.0'), v('1.30'))).toBe(false);
  });

  it('the toolchain directive wins over the go directive', () => {
    expect(requiredGoVersion({ go: '1.24', toolchain: 'go1.25.3' })).toEqual({ version: v('1.25.3'), directive: 'toolchain go1.25.3' });
    expect(requiredGoVersion({ go: '1.24', toolchain: 'default' })).toEqual({ version: v('1.24'), directive: 'go 1.24' });
    expect(requiredGoVersion({})).toBeUndefined();
  });
});
