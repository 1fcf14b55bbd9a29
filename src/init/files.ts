import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ProjectFiles } from './analyze.js';

/** Reads a project's tree for analysis: the file list, and contents of Go sources and manifests on demand. */
export async function readProject(root: string): Promise<ProjectFiles> {
  const paths: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await fs.readdir(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name !== '.git' && entry.name !== 'node_modules') await walk(child);
      } else {
        paths.push(child);
      }
    }
  };
  await walk('');
  const hasGit = await fs
    .stat(path.join(root, '.git'))
    .then(() => true)
    .catch(() => false);
  return {
    paths,
    hasGit,
    read: (file) => {
      try {
        return readFileSync(path.join(root, file), 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}
