import { shellQuote } from '../writer/lines.js';
import { bindMount, type MountFields, mountFlag } from '../writer/mount.js';
import type { CacheIdentity, CacheUse } from './identity.js';

// The helper builds that move cache contents through BuildKit itself: they mount the very same cache
// and tar it to a build output, or untar a verified store file into it. Everything large stays inside
// BuildKit and goes straight to disk; warmbuild only streams it once to hash it. Pure.
//
// The helper image needs GNU tar, coreutils, findutils and awk (Debian's slim images have them).

/** Where the helper builds find their scripts and inputs. */
const SCRIPTS = '/warmbuild/scripts';
const CACHE = '/warmbuild-cache';
/** Where the export build finds its script and keep-lists (the helper context). */
const CONTEXT = '/warmbuild/context';
/** Where the import build finds the store file it restores. */
const IMPORTED = '/warmbuild/in.tar';

/**
 * export.sh FILE MAX_BYTES CUTOFF_EPOCH EXPECTED_FINGERPRINT KEEP_FILE
 * Lists the cache's regular files (newest first), keeps those within the size and age caps (and, for
 * the module cache, the modules named in KEEP_FILE), adds their directories (before the files), and
 * tars exactly that list. Skips the archive when the cache's fingerprint equals the one the store already holds.
 */
export const EXPORT_SCRIPT = `set -eu
f=$1; max=$2; cutoff=$3; expected=$4; keep=$5
export LC_ALL=C
mkdir -p /out
cd ${CACHE}
find . -mindepth 1 \\( -type f -o -type d \\) -printf '%y %T@ %s %P\\n' >/tmp/all
fingerprint=$(awk '$1 == "f" { sub(/^[^ ]+ [^ ]+ /, ""); print }' /tmp/all | sort | sha256sum | cut -c1-64)
if [ -n "$expected" ] && [ "$fingerprint" = "$expected" ]; then
  echo "warmbuild-unchanged $f"
  exit 0
fi
sort -t ' ' -k2,2nr /tmp/all | awk -v max="$max" -v cutoff="$cutoff" -v keepfile="$keep" '
function kept(p,   i, n, m, v, parts, d) {
  if (index(p, "cache/download/sumdb/") == 1) return 1
  if (p ~ /^cache\\/download\\/.+\\/@v\\/[^\\/]+$/) {
    i = index(p, "/@v/"); m = substr(p, 16, i - 16); v = substr(p, i + 4); sub(/\\.[a-z]+$/, "", v)
    return ((m "@" v) in keepset)
  }
  n = split(p, parts, "/"); d = ""
  for (i = 1; i <= n; i++) { d = (i == 1 ? parts[1] : d "/" parts[i]); if (index(parts[i], "@") > 0) return (d in keepset) }
  return 0
}
BEGIN { usekeep = 0; if (keepfile != "") { usekeep = 1; while ((getline line < keepfile) > 0) keepset[line] = 1 } }
$1 != "f" { next }
{ path = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", path); size = $3 + 0 }
cutoff > 0 && $2 + 0 < cutoff { dropped++; next }
usekeep && !kept(path) { dropped++; next }
max > 0 && used + size > max { dropped++; next }
{ used += size; print path > "/tmp/files"; n = split(path, parts, "/"); d = ""; for (i = 1; i < n; i++) { d = (i == 1 ? parts[1] : d "/" parts[i]); dirs[d] = 1 } }
END { printf "" > "/tmp/files"; printf "" > "/tmp/dirs"; for (d in dirs) print d > "/tmp/dirs"; if (dropped > 0) print dropped > "/tmp/dropped" }
'
# Directories first, each parent before its children: tar then creates them with their own owner and
# mode. Listed after the files, they would already exist (made by tar, owned by root) when their entry
# comes, and --no-overwrite-dir on import would keep them root-owned: a non-root build could not add
# an entry to its own cache.
{ sort -u /tmp/dirs; cat /tmp/files; } >/tmp/list
tar --create --file="/out/$f" --no-recursion --hard-dereference --numeric-owner --verbatim-files-from --files-from=/tmp/list
echo "warmbuild-exported $f dropped=$(cat /tmp/dropped 2>/dev/null || echo 0)"
`;

/**
 * import.sh FILE SHA256
 * Checks the file BuildKit was given against the manifest's checksum (what warmbuild verified is what
 * gets extracted), then untars it into this one cache. A failed extraction removes what it wrote.
 * Always exits 0: one bad archive must not stop the others.
 */
export const IMPORT_SCRIPT = `set -u
f=$1; sha=$2; in=${IMPORTED}
cd ${CACHE} || exit 0
if ! echo "$sha  $in" | sha256sum --check --status; then
  echo "warmbuild-refused $f: its checksum inside BuildKit differs from the manifest"
  exit 0
fi
# Go's module cache is read-only on purpose; make it writable so the restore can replace files.
chmod -R u+w . 2>/dev/null
if err=$(tar --extract --file="$in" --same-owner --preserve-permissions --no-overwrite-dir --delay-directory-restore 2>&1); then
  echo "warmbuild-restored $f"
else
  tar --list --file="$in" 2>/dev/null | while IFS= read -r p; do [ -d "$p" ] || rm -f -- "$p"; done
  echo "warmbuild-refused $f: tar failed: $(printf '%s' "$err" | head -c 300 | tr '\\n' ' ')"
fi
`;

export interface ExportJob {
  use: CacheUse;
  file: string;
  maxBytes?: number;
  /** Unix seconds: files last used before this are dropped. */
  cutoff?: number;
  /** The fingerprint the store holds for this cache; equal means skip. */
  expected?: string;
  /** Name of a file in the helper context listing module@version to keep. */
  keepFile?: string;
}

/** The nonce is written literally into each RUN, so every helper run is new and its records can be pruned by it. */
function marker(nonce: string, file: string): string {
  return `: warmbuild-${nonce} ${file};`;
}

/** The mount flag a helper build uses to reach the very same cache: its identity, written literally. */
export function cacheMountFlag(identity: CacheIdentity, target: string): string {
  const fields: Array<MountFields[number]> = [
    ['type', 'cache'],
    ['id', identity.id],
    ['target', target],
    ['sharing', 'locked'],
  ];
  if (identity.uid !== undefined) fields.push(['uid', String(identity.uid)]);
  if (identity.gid !== undefined) fields.push(['gid', String(identity.gid)]);
  if (identity.mode !== undefined) fields.push(['mode', `0${identity.mode.toString(8)}`]);
  return mountFlag(fields, { literal: true });
}

/** Where the archives are in the export build's local output. */
export const EXPORT_OUTPUT_DIR = 'out';

export function exportDockerfile(helperImage: string, nonce: string, jobs: readonly ExportJob[]): string {
  const lines = [`FROM --platform=$BUILDPLATFORM ${helperImage} AS export`];
  for (const j of jobs) {
    const args = [j.file, String(j.maxBytes ?? 0), String(j.cutoff ?? 0), j.expected ?? '', j.keepFile ? `${CONTEXT}/${j.keepFile}` : '']
      .map(shellQuote)
      .join(' ');
    lines.push(`RUN ${bindMount(CONTEXT)} ${cacheMountFlag(j.use.identity, CACHE)} ${marker(nonce, j.file)} sh ${CONTEXT}/export.sh ${args}`);
  }
  // The output is this stage itself, emptied of the helper image by one rm (loaded before it deletes
  // anything): a COPY to a scratch stage would write every archive once more inside BuildKit.
  lines.push(`RUN ${marker(nonce, 'cleanup')} cd / && rm -rf $(ls -A / | grep -vx -e out -e proc -e sys -e dev) 2>/dev/null; true`);
  return `${lines.join('\n')}\n`;
}

export interface ImportJob {
  use: CacheUse;
  file: string;
  sha256: string;
}

/** One RUN per cache, so an archive can only ever write into its own cache. Only tar runs. */
export function importDockerfile(helperImage: string, nonce: string, jobs: readonly ImportJob[]): string {
  const lines = [`FROM --platform=$BUILDPLATFORM ${helperImage}`];
  for (const j of jobs) {
    lines.push(
      `RUN ${bindMount(SCRIPTS)} ${bindMount(IMPORTED, { from: 'store', source: j.file })} ${cacheMountFlag(j.use.identity, CACHE)} ${marker(nonce, j.file)} sh ${SCRIPTS}/import.sh ${shellQuote(j.file)} ${shellQuote(j.sha256)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** What the helper RUNs reported, per archive file. */
export interface HelperOutcome {
  status: 'exported' | 'unchanged' | 'restored' | 'refused';
  reason?: string;
  dropped?: number;
  seconds?: number;
}

/**
 * Reads the helpers' marker lines and step durations from `--progress=plain` output. A plain-progress
 * line of step N is `#N <seconds> <text>`; the step ends with `#N DONE <seconds>s`.
 */
export function parseHelperProgress(progress: string, nonce: string): Map<string, HelperOutcome> {
  const out = new Map<string, HelperOutcome>();
  const stepFile = new Map<string, string>();
  const markerText = `warmbuild-${nonce} `;
  for (const line of progress.split('\n')) {
    const header = /^#(\d+) \[.*?\] RUN /.exec(line);
    if (header && line.includes(markerText)) {
      const file = line
        .slice(line.indexOf(markerText) + markerText.length)
        .split(';')[0]!
        .trim();
      stepFile.set(header[1]!, file);
      continue;
    }
    const done = /^#(\d+) DONE (\d+(?:\.\d+)?)s/.exec(line);
    if (done) {
      const file = stepFile.get(done[1]!);
      const outcome = file ? out.get(file) : undefined;
      if (outcome) outcome.seconds = Number(done[2]);
      continue;
    }
    const m = /^#\d+ \d+\.\d+ warmbuild-(exported|unchanged|restored|refused) ([\w.-]+)(?::? ?(.*))?$/.exec(line);
    if (!m) continue;
    const status = m[1] as HelperOutcome['status'];
    const rest = m[3] ?? '';
    const dropped = /^dropped=(\d+)/.exec(rest);
    out.set(m[2]!, { status, ...(status === 'refused' ? { reason: rest } : {}), ...(dropped ? { dropped: Number(dropped[1]) } : {}) });
  }
  return out;
}
