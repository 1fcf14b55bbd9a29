import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Scratch directories of warmbuild's own (bench's copies of a project, cache's helper contexts and
// staging): made, filled and removed here, never anywhere the user keeps files.

/** A new scratch directory, removed by the caller with removeDir. */
export async function scratchDir(prefix: string, parent = tmpdir()): Promise<string> {
  return fs.mkdtemp(path.join(parent, prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
}

/** Writes new files into a scratch directory; a file already there is an error, never overwritten. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) await fs.writeFile(path.join(dir, name), text, { flag: 'wx' });
}

/** Copies a whole tree (a project) into a scratch directory. */
export async function copyTree(from: string, to: string): Promise<void> {
  await fs.cp(from, to, { recursive: true });
}

/** Copies a file when it exists; false when there is none. */
export async function copyIfPresent(from: string, to: string): Promise<boolean> {
  return fs.copyFile(from, to).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
}

/** Rewrites a file of a scratch copy with `edit` applied to its text. */
export async function rewriteFile(file: string, edit: (text: string) => string): Promise<void> {
  await fs.writeFile(file, edit(await fs.readFile(file, 'utf8')));
}
