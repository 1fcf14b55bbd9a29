import path from 'node:path/posix';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWithin } from '../../src/model/env.js';

/** isWithin as it was written first, on path.relative: the string fast path must agree with it everywhere. */
function withinByRelative(dir: string, root: string): boolean {
  const rel = path.relative(root, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

const element = fc.constantFrom('', '.', '..', '...', '..a', 'a..', 'go', 'pkg', 'mod', 'go-build', '.cache');
const somePath = fc.tuple(fc.boolean(), fc.array(element, { maxLength: 5 }), fc.boolean()).map(([absolute, parts, slash]) => {
  const joined = parts.join('/');
  return `${absolute ? '/' : ''}${joined}${slash && joined !== '' ? '/' : ''}`;
});

describe('isWithin', () => {
  it('agrees with path.relative for clean, unclean, relative and dotted paths', () => {
    fc.assert(
      fc.property(somePath, somePath, (dir, root) => {
        expect(isWithin(dir, root)).toBe(withinByRelative(dir, root));
      }),
      { numRuns: 5000 },
    );
  });

  it('knows a sibling with a common prefix is outside, and a child of / inside', () => {
    expect(isWithin('/go/pkg/modx', '/go/pkg/mod')).toBe(false);
    expect(isWithin('/go/pkg/mod/cache', '/go/pkg/mod')).toBe(true);
    expect(isWithin('/root', '/')).toBe(true);
  });
});
