import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkText, type Finding, fixText } from '../src/lint.js';
import { CORPUS, corpusFiles } from './support/corpus.js';

/** `check` after `fix` reports nothing the fix itself introduced, on the real Dockerfiles of ../shared/corpus. */
const files = corpusFiles('fix-clean tests');

const tally = (findings: readonly Finding[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(`${f.code} ${f.messageId}`, (counts.get(`${f.code} ${f.messageId}`) ?? 0) + 1);
  return counts;
};

describe.skipIf(files.length === 0)('fix output is clean under the default configuration', () => {
  // Moving a builder to $BUILDPLATFORM (WB132) is what makes an early `ARG TARGETARCH` cost a download per
  // platform, so WB130 may follow it; it is a second, real improvement, not noise the fix wrote.
  const revealedBy = (key: string, before: Map<string, number>): boolean => key === 'WB130 early' && (before.get('WB132 emulated') ?? 0) > 0;

  it('after the safe fixes no rule reports more of anything than before (but what moving to $BUILDPLATFORM reveals)', () => {
    const introduced: string[] = [];
    let revealed = 0;
    for (const file of files) {
      const text = readFileSync(path.join(CORPUS, file), 'utf8');
      const before = tally(checkText(text));
      for (const [key, count] of tally(fixText(text).remaining)) {
        if (count <= (before.get(key) ?? 0)) continue;
        if (revealedBy(key, before)) revealed++;
        else introduced.push(`${file}: ${key}`);
      }
    }
    expect(introduced).toEqual([]);
    // 0133 and 0306 declare TARGETOS/TARGETARCH for an ENV before their download.
    expect(revealed).toBe(2);
  });
});
