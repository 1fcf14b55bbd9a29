import type { CacheKind, SkippedMount } from './identity.js';

// What export and import did, per mount, for people (one line each plus a summary) and for --json. Pure.

export type MountStatus = 'exported' | 'unchanged' | 'restored' | 'refused' | 'skipped' | 'missing';

export interface MountReport {
  id: string;
  target: string;
  kind: CacheKind;
  platform?: string;
  file: string;
  status: MountStatus;
  reason?: string;
  /** Regular files in the archive. */
  files?: number;
  bytes?: number;
  seconds?: number;
  /** Files the size, age or go.sum caps left out. */
  dropped?: number;
}

export interface CacheReport {
  version: 1;
  operation: 'export' | 'import';
  store: string;
  seconds: number;
  mounts: MountReport[];
  /** Cache mounts of the Dockerfile warmbuild cannot move, with why. */
  unsupported: SkippedMount[];
  /** Why nothing was done at all, when that is the case. */
  note?: string;
}

export function human(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function rate(bytes: number, seconds: number | undefined): string {
  return seconds && seconds > 0 ? `${(bytes / 1e6 / seconds).toFixed(1)} MB/s` : '-';
}

const MOVED: ReadonlySet<MountStatus> = new Set(['exported', 'restored']);

export function mountLine(m: MountReport): string {
  const where = `${m.id}${m.target !== m.id ? ` (${m.target})` : ''}${m.platform ? ` [${m.platform}]` : ''}`;
  if (!MOVED.has(m.status)) return `${where}: ${m.status}${m.reason ? `: ${m.reason}` : ''}`;
  const size = m.bytes ?? 0;
  const dropped = m.dropped ? `, ${m.dropped} dropped by the caps` : '';
  return `${where}: ${m.status} ${m.files ?? 0} files, ${human(size)} in ${(m.seconds ?? 0).toFixed(1)} s (${rate(size, m.seconds)})${dropped}`;
}

/** One line a CI log reader understands. */
export function summaryLine(r: CacheReport): string {
  const moved = r.mounts.filter((m) => MOVED.has(m.status));
  const bytes = moved.reduce((n, m) => n + (m.bytes ?? 0), 0);
  const counts = (['unchanged', 'refused', 'skipped', 'missing'] as const)
    .map((s) => [s, r.mounts.filter((m) => m.status === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  const verb = r.operation === 'export' ? 'exported' : 'restored';
  const direction = r.operation === 'export' ? 'to' : 'from';
  return `${verb} ${moved.length} of ${r.mounts.length} cache${r.mounts.length === 1 ? '' : 's'}, ${human(bytes)} in ${r.seconds.toFixed(1)} s (${rate(bytes, r.seconds)}) ${direction} ${r.store}${counts.length ? `; ${counts.join(', ')}` : ''}`;
}

export function reportLines(r: CacheReport): string[] {
  return [
    ...r.unsupported.map((s) => `line ${s.line}: cache mount not moved: ${s.reason}`),
    ...(r.note ? [r.note] : []),
    ...r.mounts.map(mountLine),
    summaryLine(r),
  ];
}
