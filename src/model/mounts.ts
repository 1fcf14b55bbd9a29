import type { Span } from './text.js';

export interface MountOption {
  /** The key as written (`dst`, `destination`, ...). */
  key: string;
  /** Canonical key: `target` for dst/destination, `source` for src, `readonly` for ro. */
  name: string;
  /** Unquoted value, or null for a bare key such as `ro`. */
  value: string | null;
  /** The whole `key=value` field, quotes included. */
  span: Span;
  valueSpan: Span | null;
}

/** One `--mount=...` flag with a typed view of its options; every field keeps its link to the source. */
export interface Mount {
  span: Span;
  /** The flag's value: everything after `--mount=`. */
  valueSpan: Span;
  options: MountOption[];
  type: string;
  target?: string;
  id?: string;
  sharing?: string;
  from?: string;
  source?: string;
  mode?: string;
  uid?: string;
  gid?: string;
  readonly: boolean;
  required?: string;
  size?: string;
  env?: string;
}

export interface CacheMount extends Mount {
  type: 'cache';
}

const CANONICAL: Record<string, string> = {
  dst: 'target',
  destination: 'target',
  src: 'source',
  ro: 'readonly',
  readonly: 'readonly',
};

/**
 * Parses a mount flag value as BuildKit does: comma-separated CSV fields, each `key=value` or a bare
 * key, fields or values optionally in double quotes.
 */
export function parseMount(source: string, span: Span, valueSpan: Span): Mount {
  const options: MountOption[] = [];
  const text = source.slice(valueSpan.start, valueSpan.end);
  let i = 0;
  while (i <= text.length) {
    const fieldStart = i;
    let inQuotes = false;
    while (i < text.length && (inQuotes || text[i] !== ',')) {
      if (text[i] === '"') inQuotes = !inQuotes;
      i++;
    }
    const raw = text.slice(fieldStart, i);
    if (raw.length > 0) options.push(parseOption(raw, valueSpan.start + fieldStart));
    i++;
  }
  const mount: Mount = { span, valueSpan, options, type: 'bind', readonly: false };
  for (const option of options) {
    const value = option.value ?? '';
    switch (option.name) {
      case 'type':
        mount.type = value.toLowerCase();
        break;
      case 'readonly':
        mount.readonly = option.value === null || value.toLowerCase() !== 'false';
        break;
      case 'rw':
      case 'readwrite':
        mount.readonly = option.value !== null && value.toLowerCase() === 'false';
        break;
      case 'target':
      case 'id':
      case 'sharing':
      case 'from':
      case 'source':
      case 'mode':
      case 'uid':
      case 'gid':
      case 'required':
      case 'size':
      case 'env':
        mount[option.name] = value;
        break;
    }
  }
  return mount;
}

function parseOption(raw: string, offset: number): MountOption {
  let field = raw;
  let start = offset;
  if (field.length >= 2 && field.startsWith('"') && field.endsWith('"')) {
    field = field.slice(1, -1);
    start++;
  }
  const eq = field.indexOf('=');
  const span = { start: offset, end: offset + raw.length };
  if (eq < 0) {
    const key = field.trim();
    return { key, name: canonical(key), value: null, span, valueSpan: null };
  }
  const key = field.slice(0, eq).trim();
  let value = field.slice(eq + 1);
  let valueStart = start + eq + 1;
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    value = value.slice(1, -1);
    valueStart++;
  }
  return {
    key,
    name: canonical(key),
    value,
    span,
    valueSpan: { start: valueStart, end: valueStart + value.length },
  };
}

function canonical(key: string): string {
  const lower = key.toLowerCase();
  return CANONICAL[lower] ?? lower;
}

export function isCacheMount(mount: Mount): mount is CacheMount {
  return mount.type === 'cache';
}

/** How BuildKit identifies a cache: `id` defaults to the target path. */
export function cacheId(mount: CacheMount): string {
  return mount.id ?? mount.target ?? '';
}
