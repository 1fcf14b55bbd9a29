// Parses BuildKit's `--progress=rawjson` stream (one SolveStatus JSON object per line). Pure.

export interface Step {
  /** The vertex name, e.g. `[build 4/6] RUN go build -o /app .` or `exporting to image`. */
  name: string;
  /** Seconds between the vertex's first start and last completion; 0 when cached. */
  seconds: number;
  cached: boolean;
  error?: string;
  /** The step's log output (stdout and stderr), decoded. */
  log: string;
}

interface RawVertex {
  digest: string;
  name?: string;
  started?: string;
  completed?: string;
  cached?: boolean;
  error?: string;
}

interface RawLog {
  vertex: string;
  data?: string;
}

/** RFC 3339 with nanoseconds, to seconds since the epoch (Date alone keeps milliseconds). */
function toSeconds(timestamp: string): number {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(timestamp);
  if (!m) return Date.parse(timestamp) / 1000;
  const whole = Date.parse(`${m[1]}${m[3]}`) / 1000;
  return whole + Number(`0.${m[2] ?? '0'}`);
}

export function parseRawJson(stream: string): Step[] {
  const vertices = new Map<string, { name: string; started?: number; completed?: number; cached: boolean; error?: string; log: string[] }>();
  const entry = (digest: string) => {
    let v = vertices.get(digest);
    if (!v) {
      v = { name: '', cached: false, log: [] };
      vertices.set(digest, v);
    }
    return v;
  };
  for (const line of stream.split('\n')) {
    if (!line.startsWith('{')) continue;
    let status: { vertexes?: RawVertex[]; logs?: RawLog[] };
    try {
      status = JSON.parse(line) as typeof status;
    } catch {
      continue;
    }
    for (const raw of status.vertexes ?? []) {
      const v = entry(raw.digest);
      if (raw.name) v.name = raw.name;
      if (raw.started) v.started = Math.min(v.started ?? Infinity, toSeconds(raw.started));
      if (raw.completed) v.completed = Math.max(v.completed ?? 0, toSeconds(raw.completed));
      if (raw.cached) v.cached = true;
      if (raw.error) v.error = raw.error;
    }
    for (const log of status.logs ?? []) {
      if (log.data) entry(log.vertex).log.push(Buffer.from(log.data, 'base64').toString('utf8'));
    }
  }
  return [...vertices.values()]
    .filter((v) => v.name !== '')
    .map((v) => ({
      name: v.name,
      seconds: v.started !== undefined && v.completed !== undefined && !v.cached ? Math.max(0, v.completed - v.started) : 0,
      cached: v.cached,
      ...(v.error ? { error: v.error } : {}),
      log: v.log.join(''),
    }));
}

/** Import paths `go build -v` (or `go install -v`) printed in a step's log. */
export function compiledPackages(log: string): string[] {
  return log
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^[a-zA-Z0-9_][\w.\-~]*(\/[\w.\-~]+)*$/.test(l) && !/^\d/.test(l) && !/^(go|downloading|DONE|CACHED)$/i.test(l));
}

/** The last lines of the failing step's log, for a build that failed. */
export function failureTail(steps: readonly Step[], lines = 20): string | undefined {
  const failed = steps.find((s) => s.error);
  if (!failed) return undefined;
  const tail = failed.log.trimEnd().split('\n').slice(-lines).join('\n');
  return `${failed.name}: ${failed.error}${tail ? `\n${tail}` : ''}`;
}
