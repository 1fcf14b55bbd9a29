// How warmbuild continues instructions over lines and quotes shell words, in the files it writes whole
// (init's Dockerfile, the cache helper builds) and in the edits it makes to a user's file (which keep
// that file's escape character and line ending). Pure.

/** What a Dockerfile's continuation lines are made of. */
export interface LineStyle {
  escapeChar: string;
  eol: string;
}

/** warmbuild's own files: backslash, LF, continuation lines indented by four spaces. */
export const GENERATED_STYLE = { escapeChar: '\\', eol: '\n', indent: '    ' } as const;

/** The text that ends a line inside an instruction. */
export function lineContinuation(style: LineStyle): string {
  return `${style.escapeChar}${style.eol}`;
}

/** One instruction over several lines, in warmbuild's own style; `operator` (`&&`) joins shell commands. */
export function continued(parts: readonly string[], operator?: string): string {
  return parts.join(` ${operator ? `${operator} ` : ''}${lineContinuation(GENERATED_STYLE)}${GENERATED_STYLE.indent}`);
}

/** A shell word: as is when it has nothing the shell reads, else single-quoted. */
export function shellQuote(s: string): string {
  return /^[\w./:=@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
