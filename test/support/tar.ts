/** Hand-made tar archives for tests of what import accepts and refuses. */

/** One ustar header (+ data) with the given type flag. */
export function tarEntry(name: string, content: string, options: { type?: string; mtime?: number; link?: string } = {}): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write(`${(options.mtime ?? 1000).toString(8).padStart(11, '0')}\0`, 136);
  header.write('        ', 148);
  header.write(options.type ?? '0', 156);
  if (options.link) header.write(options.link, 157);
  header.write('ustar\0', 257);
  header.write('00', 263);
  const sum = header.reduce((n, b) => n + b, 0);
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const data = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  data.write(content);
  return Buffer.concat([header, data]);
}

export const END = Buffer.alloc(1024);
