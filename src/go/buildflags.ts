// The flags of a `go build` command line, as the go command reads them. Pure.

export interface GoBuildFlags {
  tags: string[];
  /** -ldflags split into words the way the go command splits them. */
  ldflags: string[];
  trimpath: boolean;
  buildmode?: string;
  /** -mod=vendor and the like. */
  mod?: string;
  output?: string;
  /** Package arguments as written (`.`, `./cmd/x`, an import path). */
  packages: string[];
}

const VALUE_FLAGS = new Set([
  '-o',
  '-tags',
  '-ldflags',
  '-gcflags',
  '-asmflags',
  '-gccgoflags',
  '-buildmode',
  '-mod',
  '-modfile',
  '-p',
  '-pkgdir',
  '-overlay',
  '-pgo',
  '-C',
  '-compiler',
  '-installsuffix',
  '-toolexec',
  '-exec',
  '-coverpkg',
  '-covermode',
  '-buildvcs',
]);

/** Reads the words after `go build` (or `go install`). Unknown flags are skipped. */
export function parseGoBuildArgs(args: readonly string[]): GoBuildFlags {
  const flags: GoBuildFlags = { tags: [], ldflags: [], trimpath: false, packages: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) {
      flags.packages.push(arg);
      continue;
    }
    const normalized = arg.replace(/^--/, '-');
    const eq = normalized.indexOf('=');
    const name = eq >= 0 ? normalized.slice(0, eq) : normalized;
    let value: string | undefined = eq >= 0 ? normalized.slice(eq + 1) : undefined;
    if (value === undefined && VALUE_FLAGS.has(name) && name !== '-buildvcs') value = args[++i];
    switch (name) {
      case '-tags':
        // Go accepts comma- or space-separated tags.
        flags.tags.push(...(value ?? '').split(/[\s,]+/).filter(Boolean));
        break;
      case '-ldflags':
        flags.ldflags.push(...splitQuoted(value ?? ''));
        break;
      case '-trimpath':
        flags.trimpath = value === undefined || value === 'true';
        break;
      case '-buildmode':
        flags.buildmode = value;
        break;
      case '-mod':
        flags.mod = value;
        break;
      case '-o':
        flags.output = value;
        break;
    }
  }
  return flags;
}

/** Splits a flag value into words as cmd/internal/quoted does: spaces separate, '…' and "…" group. */
export function splitQuoted(text: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const quote = text[i];
    if (quote === "'" || quote === '"') {
      const end = text.indexOf(quote, i + 1);
      words.push(text.slice(i + 1, end < 0 ? text.length : end));
      i = end < 0 ? text.length : end + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !/\s/.test(text[j]!)) j++;
    words.push(text.slice(i, j));
    i = j;
  }
  return words;
}

export interface LinkerVariable {
  /** `main.version`, `github.com/x/y/pkg.Name`. */
  name: string;
  value: string;
}

/** The `-X name=value` settings among linker flags, and the other flags. */
export function linkerVariables(ldflags: readonly string[]): { variables: LinkerVariable[]; other: string[] } {
  const variables: LinkerVariable[] = [];
  const other: string[] = [];
  for (let i = 0; i < ldflags.length; i++) {
    const word = ldflags[i]!;
    const setting = word === '-X' || word === '--X' ? ldflags[++i] : /^--?X=/.test(word) ? word.replace(/^--?X=/, '') : undefined;
    if (setting === undefined) {
      other.push(word);
      continue;
    }
    const eq = setting.indexOf('=');
    if (eq > 0) variables.push({ name: setting.slice(0, eq), value: setting.slice(eq + 1) });
  }
  return { variables, other };
}
