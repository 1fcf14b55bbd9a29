import { promises as fs } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { isIgnoredDirName, type ProjectFiles } from '../go/project.js';

/** Files larger than this are listed but not read: no Go source or manifest is this big. */
const MAX_TEXT_BYTES = 8 * 1024 * 1024;

async function readSmall(file: string): Promise<string | undefined> {
  return (await fs.stat(file)).size <= MAX_TEXT_BYTES ? fs.readFile(file, 'utf8') : undefined;
}

/**
 * Walks a project once, skipping the directories the go tool skips (isIgnoredDirName), and reads the
 * files `wanted` names. Only regular files are listed; symbolic links and special files are not
 * followed, so a FIFO or a link to /dev/zero cannot hang or exhaust the reader.
 */
export async function readProjectFiles(root: string, wanted: (file: string) => boolean): Promise<ProjectFiles> {
  const paths: string[] = [];
  const texts: Record<string, string> = {};
  const walk = async (rel: string): Promise<void> => {
    const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const reads: Promise<void>[] = [];
    const dirs: string[] = [];
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!isIgnoredDirName(entry.name)) dirs.push(child);
      } else if (entry.isFile()) {
        paths.push(child);
        if (wanted(child))
          reads.push(
            readSmall(path.join(root, child)).then((text) => {
              if (text !== undefined) texts[child] = text;
            }),
          );
      }
    }
    // A directory's files are read together: the walk waits on the disk once per directory, not per file.
    await Promise.all(reads);
    for (const dir of dirs) await walk(dir);
  };
  const stat = await fs.stat(root).catch(() => undefined);
  if (!stat?.isDirectory()) throw new InputError(root, undefined, 'no such directory');
  await walk('');
  const hasGit = await fs
    .stat(path.join(root, '.git'))
    .then(() => true)
    .catch(() => false);
  return { paths, texts, hasGit };
}
