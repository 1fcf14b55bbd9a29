// Go release versions (`1.25`, `1.25.3`, `go1.25.3`, `1.26rc1`) and their order. Pure.

export interface GoVersion {
  major: number;
  minor: number;
  /** Absent for a language version (`go 1.25`) or a minor-only image tag (`golang:1.25`). */
  patch?: number;
}

export function parseGoVersion(text: string): GoVersion | undefined {
  const m = /^(?:go)?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), ...(m[3] === undefined ? {} : { patch: Number(m[3]) }) };
}

/**
 * The Go version a `golang` image's tag names (`golang:1.14-alpine`, `docker.io/library/golang:1.25.3`);
 * none for other images and for tags without one (`golang`, `golang:alpine`).
 */
export function golangImageVersion(image: string): GoVersion | undefined {
  const m = /^(?:[\w.-]+(?::\d+)?\/)*(?:library\/)?golang:(\d+\.\d+(?:\.\d+)?)/.exec(image);
  return m ? parseGoVersion(m[1]!) : undefined;
}

/** Orders by major and minor, then patch; a missing patch sorts before every patch. */
export function compareGoVersions(a: GoVersion, b: GoVersion): number {
  return a.major - b.major || a.minor - b.minor || (a.patch ?? -1) - (b.patch ?? -1);
}

/**
 * True when `have` is certainly older than `need`. A version without a patch stands for its newest
 * patch release (an image tag `golang:1.25` is 1.25.latest), so same-minor versions are never
 * certainly older unless both name a patch.
 */
export function isCertainlyOlder(have: GoVersion, need: GoVersion): boolean {
  if (have.major !== need.major) return have.major < need.major;
  if (have.minor !== need.minor) return have.minor < need.minor;
  if (have.patch === undefined || need.patch === undefined) return false;
  return have.patch < need.patch;
}

/** `1.25` from a version: the minor release line a `golang:<minor>` image tag follows. */
export function minorOf(version: GoVersion): string {
  return `${version.major}.${version.minor}`;
}
