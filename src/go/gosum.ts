// What go.sum says the module cache must keep. Pure.

/** Go's module path escaping (golang.org/x/mod/module.EscapePath): an upper-case letter becomes `!` + lower case. */
export function escapeModulePath(p: string): string {
  return p.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

/**
 * `module@version` (escaped, as the module cache names its directories) of every module go.sum
 * lists; `/go.mod`-only lines count too, since Go reads those go.mod files during resolution.
 */
export function goSumModules(goSum: string): string[] {
  const out = new Set<string>();
  for (const line of goSum.split(/\r?\n/)) {
    const [mod, version] = line.trim().split(/\s+/);
    if (!mod || !version) continue;
    out.add(`${escapeModulePath(mod)}@${escapeModulePath(version.replace(/\/go\.mod$/, ''))}`);
  }
  return [...out].sort();
}
