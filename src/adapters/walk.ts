import { promises as fs } from 'node:fs';
import path from 'node:path';
import { systemReason } from '../errors.js';

// The one directory walker: Dockerfile discovery, the Go project reader and the build-context list
// all list a tree through it, with the one skip policy below. What a caller keeps of the listing
// (Dockerfile names, Go files outside testdata, a context without vendor/) is its own question.

/** Never entered: version-control metadata and npm's installs are nobody's own source, and can be huge. */
const NEVER_WALKED: ReadonlySet<string> = new Set(['.git', '.hg', '.svn', 'node_modules']);

export interface Listing {
  /** Regular files, relative to the root, with / separators, in walk order (depth first, names sorted). */
  files: string[];
  /** Everything else that is not a directory (symbolic links, FIFOs, sockets, devices): listed, never opened. */
  others: string[];
  /** Directories that could not be listed, with the system's reason. */
  unreadable: { path: string; reason: string }[];
  /** The walk stopped at `maxEntries`. */
  truncated: boolean;
}

/** Lists a tree without following symbolic links; stops after `maxEntries` files and others. */
export async function walkTree(root: string, maxEntries = Number.POSITIVE_INFINITY): Promise<Listing> {
  const listing: Listing = { files: [], others: [], unreadable: [], truncated: false };
  const visit = async (rel: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(rel === '' ? root : path.join(root, rel), { withFileTypes: true });
    } catch (error) {
      listing.unreadable.push({ path: rel === '' ? root : path.join(root, rel), reason: systemReason(error) });
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (listing.files.length + listing.others.length >= maxEntries) {
        listing.truncated = true;
        return;
      }
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!NEVER_WALKED.has(entry.name)) await visit(child);
      } else if (entry.isFile()) listing.files.push(child);
      else listing.others.push(child);
    }
  };
  await visit('');
  return listing;
}

/** Whether a relative path lies below a directory with one of `names` (at any depth). */
export function under(file: string, names: ReadonlySet<string>): boolean {
  return file
    .split('/')
    .slice(0, -1)
    .some((part) => names.has(part));
}
