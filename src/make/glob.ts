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

const indexes = new WeakMap<readonly string[], FileIndex>();

/** The context's file list as sets, built once per list: make asks whether a target exists many times. */
export function fileIndex(list: readonly string[]): FileIndex {
  let index = indexes.get(list);
  if (!index) {
    const dirs = new Set<string>();
    for (const file of list) for (let i = file.indexOf('/'); i > 0; i = file.indexOf('/', i + 1)) dirs.add(file.slice(0, i));
    index = { files: new Set(list), dirs };
    indexes.set(list, index);
  }
  return index;
}

/** Whether a context path is a file or a directory of the list. */
export function inList(list: readonly string[], contextPath: string): boolean {
  const index = fileIndex(list);
  return index.files.has(contextPath) || index.dirs.has(contextPath);
}
