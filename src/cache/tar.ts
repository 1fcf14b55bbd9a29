import { createHash } from 'node:crypto';
import { TarRefusal } from '../errors.js';

// A streaming reader of tar headers that refuses anything a Go cache never holds: links, devices,
// FIFOs, absolute paths and `..`. It never buffers file data, so archives of any size pass through in
// constant memory. Pure (fed with chunks).

export interface TarSummary {
  /** Regular files. */
  files: number;
  /** sha256 of the sorted `size path` lines, as the export helper computes it for a cache. */
  fingerprint: string;
}

const BLOCK = 512;
/** Longest pax or GNU long-name record read into memory. */
const MAX_META = 1024 * 1024;

const TYPE_NAMES: Record<string, string> = {
  '1': 'a hard link',
  '2': 'a symbolic link',
  '3': 'a character device',
  '4': 'a block device',
  '6': 'a FIFO',
  K: 'a long link name',
};

function cString(buf: Buffer): string {
  const end = buf.indexOf(0);
  return buf.subarray(0, end === -1 ? buf.length : end).toString('utf8');
}

/** Octal, or GNU base-256 for sizes over 8 GiB. */
function numeric(buf: Buffer): number {
  if (buf[0]! & 0x80) {
    let n = 0;
    for (let i = 1; i < buf.length; i++) n = n * 256 + buf[i]!;
    return n;
  }
  const text = cString(buf).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarRefusal(`a header has a malformed number "${text.slice(0, 20)}"`);
  return parseInt(text, 8);
}

function checkPath(name: string): string {
  if (name.startsWith('/')) throw new TarRefusal(`it holds an absolute path ${JSON.stringify(name.slice(0, 200))}`);
  if (name.split('/').includes('..')) throw new TarRefusal(`it holds a path that leaves the cache ${JSON.stringify(name.slice(0, 200))}`);
  if (/[\0-\x1f]/.test(name)) throw new TarRefusal('it holds a path with control characters');
  return name.replace(/^(\.\/)+/, '');
}

function paxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space === -1) break;
    const length = Number(data.subarray(offset, space).toString('latin1'));
    if (!Number.isSafeInteger(length) || length <= 0 || offset + length > data.length) throw new TarRefusal('it has a malformed pax header');
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    offset += length;
  }
  return out;
}

export class TarScanner {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes of file data (with padding) still to skip. */
  private skip = 0;
  /** Bytes of a metadata record to collect, and its type. */
  private meta: { type: string; size: number; padded: number } | undefined;
  private nextPath: string | undefined;
  private nextSize: number | undefined;
  private ended = false;
  private readonly lines: string[] = [];

  push(chunk: Buffer): void {
    let data = chunk;
    while (data.length > 0 && !this.ended) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, data.length);
        this.skip -= n;
        data = data.subarray(n);
        continue;
      }
      const want = this.meta ? this.meta.padded : BLOCK;
      const take = Math.min(want - this.pendingBytes, data.length);
      this.pending.push(data.subarray(0, take));
      this.pendingBytes += take;
      data = data.subarray(take);
      if (this.pendingBytes < want) return;
      const block = Buffer.concat(this.pending);
      this.pending = [];
      this.pendingBytes = 0;
      if (this.meta) this.metaDone(block);
      else this.header(block);
    }
  }

  private metaDone(block: Buffer): void {
    const { type, size } = this.meta!;
    this.meta = undefined;
    const data = block.subarray(0, size);
    if (type === 'L') this.nextPath = cString(data);
    else if (type === 'x') {
      const records = paxRecords(data);
      if (records.has('path')) this.nextPath = records.get('path');
      if (records.has('size')) this.nextSize = Number(records.get('size'));
      if (records.has('linkpath')) throw new TarRefusal('it holds a link');
    }
  }

  private header(block: Buffer): void {
    if (block.every((b) => b === 0)) {
      this.ended = true;
      return;
    }
    const stored = numeric(block.subarray(148, 156));
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
    if (stored !== sum) throw new TarRefusal('a tar header checksum is wrong (not a tar archive, or corrupt)');
    const type = String.fromCharCode(block[156] || 0x30);
    const size = this.nextSize ?? numeric(block.subarray(124, 136));
    if (type === 'L' || type === 'x' || type === 'g') {
      if (size > MAX_META) throw new TarRefusal('it has an oversized metadata record');
      this.meta = { type, size, padded: Math.ceil(size / BLOCK) * BLOCK };
      if (this.meta.padded === 0) this.metaDone(Buffer.alloc(0));
      return;
    }
    const prefix = cString(block.subarray(345, 500));
    const name = this.nextPath ?? (prefix ? `${prefix}/${cString(block.subarray(0, 100))}` : cString(block.subarray(0, 100)));
    this.nextPath = undefined;
    this.nextSize = undefined;
    const path = checkPath(name);
    if (TYPE_NAMES[type]) throw new TarRefusal(`it holds ${TYPE_NAMES[type]} ${JSON.stringify(path.slice(0, 200))}`);
    if (type === '0' || type === '7') this.lines.push(`${size} ${path.replace(/\/$/, '')}`);
    else if (type !== '5') throw new TarRefusal(`it holds an entry of unknown type ${JSON.stringify(type)}`);
    this.skip = type === '5' ? 0 : Math.ceil(size / BLOCK) * BLOCK;
  }

  /** The summary; throws when the archive ended early. */
  end(): TarSummary {
    if (!this.ended) throw new TarRefusal('it is truncated (no end-of-archive marker)');
    const sorted = this.lines.map((l) => Buffer.from(l)).sort(Buffer.compare);
    const hash = createHash('sha256');
    for (const line of sorted) hash.update(line).update('\n');
    return { files: this.lines.length, fingerprint: hash.digest('hex') };
  }
}
