import { readdirSync } from 'node:fs';
import path from 'node:path';

/** The real Dockerfiles from public Go projects in ../shared/corpus, beside the repository. */
export const CORPUS = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'dockerfiles');

/** The corpus's Dockerfile names, sorted; none, with a visible message naming `suite`, when it is not there. */
export function corpusFiles(suite: string): string[] {
  let files: string[] = [];
  try {
    files = readdirSync(CORPUS)
      .filter((f) => f.endsWith('.Dockerfile'))
      .sort();
  } catch {}
  if (files.length === 0) process.stderr.write(`\n[warmbuild tests] No corpus at ${CORPUS}: SKIPPING ${suite}.\n\n`);
  return files;
}
