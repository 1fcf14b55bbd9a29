/** A make/shell glob (`*`, `?`, `[...]`), each wildcard within one path element, as a RegExp. */
export function globRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        out += `[${glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

export interface FileIndex {
  files: ReadonlySet<string>;
  /** Every directory that holds a file, at any depth. */
  dirs: ReadonlySet<string>;
}

/** The context's file list as sets: make asks whether a target exists many times, so each reader builds it once. */
export function fileIndex(list: readonly string[]): FileIndex {
  const dirs = new Set<string>();
  for (const file of list) for (let i = file.indexOf('/'); i > 0; i = file.indexOf('/', i + 1)) dirs.add(file.slice(0, i));
  return { files: new Set(list), dirs };
}

/** Whether a context path is a file or a directory of the index. */
export function inList(index: FileIndex, contextPath: string): boolean {
  return index.files.has(contextPath) || index.dirs.has(contextPath);
}
