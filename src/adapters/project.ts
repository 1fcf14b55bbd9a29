import { promises as fs } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { ProjectFiles } from '../go/project.js';
import { walkTree } from './walk.js';

/** Files larger than this are listed but not read: no Go source or manifest is this big. */
const MAX_TEXT_BYTES = 8 * 1024 * 1024;
/** Reads at once: enough to wait on the disk rarely, few enough to stay far from the open-files limit. */
const PARALLEL_READS = 64;

async function readSmall(file: string): Promise<string | undefined> {
  return (await fs.stat(file)).size <= MAX_TEXT_BYTES ? fs.readFile(file, 'utf8') : undefined;
}

/**
 * Lists a project once (src/adapters/walk.ts) and reads the files `wanted` names. Only regular files
 * are listed; symbolic links and special files are not followed, so a FIFO or a link to /dev/zero
 * cannot hang or exhaust the reader. A directory that cannot be listed is an InputError naming it.
 */
export async function readProjectFiles(root: string, wanted: (file: string) => boolean): Promise<ProjectFiles> {
  const stat = await fs.stat(root).catch(() => undefined);
  if (!stat?.isDirectory()) throw new InputError(root, undefined, 'no such directory');
  const listing = await walkTree(root);
  const [unreadable] = listing.unreadable;
  if (unreadable) throw new InputError(unreadable.path, undefined, unreadable.reason);
  const texts: Record<string, string> = {};
  const reads = listing.files.filter(wanted);
  for (let start = 0; start < reads.length; start += PARALLEL_READS) {
    await Promise.all(
      reads.slice(start, start + PARALLEL_READS).map(async (file) => {
        const text = await readSmall(path.join(root, file));
        if (text !== undefined) texts[file] = text;
      }),
    );
  }
  const hasGit = await fs
    .stat(path.join(root, '.git'))
    .then(() => true)
    .catch(() => false);
  return { paths: listing.files, texts, hasGit };
}
