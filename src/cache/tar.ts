// Just enough of the tar format to trim a Go build cache archive: Go refreshes the mtime of cache
// entries it uses, so the newest entries are the ones worth keeping. Pure.

interface Entry {
  header: Buffer;
  /** Header plus data, padded, as stored. */
  block: Buffer;
  name: string;
  size: number;
  mtime: number;
  type: string;
}

function octal(buf: Buffer, offset: number, length: number): number {
  const text = buf.subarray(offset, offset + length).toString('latin1').replace(/\0.*$/, '').trim();
  return text ? parseInt(text, 8) : 0;
}

export function readTar(archive: Buffer): Entry[] {
  const entries: Entry[] = [];
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] || 48);
    const padded = Math.ceil(size / 512) * 512;
    const block = archive.subarray(offset, offset + 512 + padded);
    if (block.length < 512 + padded) throw new Error('truncated tar archive');
    const prefix = header.subarray(345, 500).toString('utf8').replace(/\0.*$/s, '');
    let name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    if (prefix) name = `${prefix}/${name}`;
    if (longName !== undefined) name = longName;
    longName = type === 'L' ? archive.subarray(offset + 512, offset + 512 + size).toString('utf8').replace(/\0+$/, '') : undefined;
    entries.push({ header, block, name, size, mtime: octal(header, 136, 12), type });
    offset += 512 + padded;
  }
  return entries;
}

/**
 * Keeps the most recently used cache files whose sizes add up to at most `maxBytes`, and every
 * directory and metadata entry. Returns the archive unchanged when it already fits.
 */
export function trimTar(archive: Buffer, maxBytes: number): { archive: Buffer; kept: number; dropped: number } {
  const entries = readTar(archive);
  const files = entries.filter((e) => e.type === '0' || e.type === '\0');
  const total = files.reduce((n, e) => n + e.size, 0);
  if (total <= maxBytes) return { archive, kept: files.length, dropped: 0 };
  const keep = new Set<Entry>();
  let used = 0;
  for (const file of [...files].sort((a, b) => b.mtime - a.mtime)) {
    if (used + file.size > maxBytes) continue;
    used += file.size;
    keep.add(file);
  }
  const out: Buffer[] = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const isFile = e.type === '0' || e.type === '\0';
    if (isFile && !keep.has(e)) continue;
    if (e.type === 'L') {
      const next = entries[i + 1];
      if (next && (next.type === '0' || next.type === '\0') && !keep.has(next)) continue;
    }
    out.push(e.block);
  }
  out.push(Buffer.alloc(1024));
  return { archive: Buffer.concat(out), kept: keep.size, dropped: files.length - keep.size };
}
