import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { crc32 } from 'node:zlib';

/**
 * A real Go module proxy (the GOPROXY protocol) serving in-memory modules on 127.0.0.1, so tests can
 * build projects with dependencies where nothing outside this machine answers.
 */

export interface Module {
  path: string;
  version: string;
  files: Record<string, string>;
}

/** A stored (uncompressed) zip archive: enough for Go's module zips. */
function zip(entries: Array<[string, Buffer]>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

/** Go's dirhash Hash1, the `h1:` hashes of go.sum. */
function hash1(files: Array<[string, string]>): string {
  const summary = [...files]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, content]) => `${createHash('sha256').update(content).digest('hex')}  ${name}\n`)
    .join('');
  return `h1:${createHash('sha256').update(summary).digest('base64')}`;
}

export function goSumLines(m: Module): string {
  const prefix = `${m.path}@${m.version}/`;
  const zipHash = hash1(Object.entries(m.files).map(([name, content]) => [prefix + name, content]));
  const modHash = hash1([['go.mod', m.files['go.mod']!]]);
  return `${m.path} ${m.version} ${zipHash}\n${m.path} ${m.version}/go.mod ${modHash}\n`;
}

export async function startProxy(modules: readonly Module[]): Promise<{ url: string; server: Server; requests: string[] }> {
  const requests: string[] = [];
  const routes = new Map<string, Buffer>();
  for (const m of modules) {
    // Go asks for module paths in their escaped form: an upper-case letter is `!` + lower case.
    const base = `/${m.path.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`)}/@v/`;
    routes.set(`${base}list`, Buffer.from(`${m.version}\n`));
    routes.set(`${base}${m.version}.info`, Buffer.from(JSON.stringify({ Version: m.version, Time: '2026-01-01T00:00:00Z' })));
    routes.set(`${base}${m.version}.mod`, Buffer.from(m.files['go.mod']!));
    routes.set(`${base}${m.version}.zip`, zip(Object.entries(m.files).map(([name, content]) => [`${m.path}@${m.version}/${name}`, Buffer.from(content)])));
  }
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = routes.get(decodeURIComponent(req.url ?? ''));
    res.writeHead(body ? 200 : 404).end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, server, requests };
}
