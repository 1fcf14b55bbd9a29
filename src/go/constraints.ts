// Go build constraints (`//go:build` lines and file-name suffixes): which files a build compiles. Pure.

/** Whether a //go:build expression holds when exactly the tags `has` accepts are set. */
export function constraintHolds(expression: string, has: (tag: string) => boolean): boolean {
  const tokens = expression.match(/!|&&|\|\||\(|\)|[\w.]+/g) ?? [];
  let i = 0;
  const or = (): boolean => {
    let v = and();
    while (tokens[i] === '||') {
      i++;
      v = and() || v;
    }
    return v;
  };
  const and = (): boolean => {
    let v = not();
    while (tokens[i] === '&&') {
      i++;
      v = not() && v;
    }
    return v;
  };
  const not = (): boolean => {
    if (tokens[i] === '!') {
      i++;
      return !not();
    }
    if (tokens[i] === '(') {
      i++;
      const v = or();
      i++;
      return v;
    }
    return has(tokens[i++] ?? '');
  };
  return or();
}

/** Whether a //go:build expression holds for linux on amd64 or arm64, with or without cgo. */
export function buildsOnLinux(expression: string): boolean {
  return ['amd64', 'arm64'].some((arch) =>
    [true, false].some((cgo) =>
      constraintHolds(
        expression,
        (tag) => tag === 'linux' || tag === 'unix' || tag === 'gc' || tag === arch || (tag === 'cgo' && cgo) || /^go1\.\d+$/.test(tag),
      ),
    ),
  );
}

/** One build: the target platform, whether cgo is on, and the -tags. */
export interface BuildConfig {
  goos: string;
  goarch: string;
  cgo: boolean;
  tags: readonly string[];
}

const KNOWN_OS = new Set([
  'aix',
  'android',
  'darwin',
  'dragonfly',
  'freebsd',
  'hurd',
  'illumos',
  'ios',
  'js',
  'linux',
  'nacl',
  'netbsd',
  'openbsd',
  'plan9',
  'solaris',
  'wasip1',
  'windows',
  'zos',
]);
const KNOWN_ARCH = new Set([
  '386',
  'amd64',
  'amd64p32',
  'arm',
  'armbe',
  'arm64',
  'arm64be',
  'loong64',
  'mips',
  'mipsle',
  'mips64',
  'mips64le',
  'mips64p32',
  'mips64p32le',
  'ppc',
  'ppc64',
  'ppc64le',
  'riscv',
  'riscv64',
  's390',
  's390x',
  'sparc',
  'sparc64',
  'wasm',
]);

/** The file-name constraint: `x_linux.go`, `x_amd64.go`, `x_linux_arm64.go` build only there. */
export function nameConstraintHolds(fileName: string, config: Pick<BuildConfig, 'goos' | 'goarch'>): boolean {
  const parts = fileName
    .replace(/\.go$/, '')
    .replace(/_test$/, '')
    .split('_');
  const last = parts[parts.length - 1]!;
  const before = parts[parts.length - 2];
  if (parts.length >= 3 && KNOWN_OS.has(before!) && KNOWN_ARCH.has(last)) return before === config.goos && last === config.goarch;
  if (parts.length >= 2 && KNOWN_OS.has(last)) return last === config.goos;
  if (parts.length >= 2 && KNOWN_ARCH.has(last)) return last === config.goarch;
  return true;
}
