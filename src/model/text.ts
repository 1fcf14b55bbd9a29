/** Offsets are UTF-16 code-unit indices into the original text, `end` exclusive. */
export interface Span {
  start: number;
  end: number;
}

export interface Position {
  /** 1-based */
  line: number;
  /** 1-based, in UTF-16 code units, not counting a byte-order mark */
  column: number;
}

/**
 * Maps between offsets and positions, splitting lines as BuildKit does: at \n (a \r before it belongs to
 * the line break); a lone \r is no line break to BuildKit's scanner.
 */
export class LineIndex {
  readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.lineStarts = starts;
  }

  positionAt(offset: number): Position {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const lineStart = this.lineStarts[lo]!;
    let column = offset - lineStart + 1;
    if (lo === 0 && this.text.charCodeAt(0) === 0xfeff && offset > 0) column--;
    return { line: lo + 1, column };
  }

  lineStart(line0: number): number {
    return this.lineStarts[line0] ?? this.text.length;
  }

  /** End of the line's content, before its line break. */
  lineContentEnd(line0: number): number {
    const next = this.lineStarts[line0 + 1];
    if (next === undefined) return this.text.length;
    let end = next;
    if (this.text.charCodeAt(end - 1) === 10) end--;
    if (this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineOf(offset: number): number {
    return this.positionAt(offset).line - 1;
  }
}

/**
 * Text with Dockerfile line continuations (escape char + optional blanks + line break) and the
 * comment lines inside them removed, with a map from every logical character back to its original
 * offset, so shell tokens found in the logical text can be edited in the original.
 */
export interface LogicalText {
  text: string;
  /** offsets[i] is the original offset of text[i]; offsets[text.length] is the end. */
  offsets: number[];
}

export function joinContinuations(source: string, span: Span, escapeChar: string): LogicalText {
  let text = '';
  const offsets: number[] = [];
  let i = span.start;
  let atLineStart = false;
  while (i < span.end) {
    if (atLineStart) {
      atLineStart = false;
      let j = i;
      while (j < span.end && (source[j] === ' ' || source[j] === '\t')) j++;
      if (source[j] === '#' || isBreak(source, j)) {
        // BuildKit drops comment and empty lines inside a continued instruction.
        const eol = skipLine(source, j, span.end);
        if (eol > j || source[j] === '#') {
          i = eol;
          atLineStart = true;
          continue;
        }
      }
    }
    // Up to the next escape char nothing is joined: that run is copied in one piece.
    let next = source.indexOf(escapeChar, i);
    if (next < 0 || next > span.end) next = span.end;
    if (next > i) {
      text += source.slice(i, next);
      for (let k = i; k < next; k++) offsets.push(k);
      i = next;
      continue;
    }
    // BuildKit's continuation: the escape char and blanks end the line, and the char before it is not
    // the escape char too (`echo \\` at the end of a line ends the instruction).
    if (source[i - 1] !== escapeChar) {
      let j = i + 1;
      while (j < span.end && (source[j] === ' ' || source[j] === '\t')) j++;
      if (isBreak(source, j) || j >= span.end) {
        i = skipBreak(source, j);
        atLineStart = true;
        continue;
      }
    }
    text += escapeChar;
    offsets.push(i);
    i++;
  }
  offsets.push(span.end);
  return { text, offsets };
}

function isBreak(source: string, i: number): boolean {
  return source[i] === '\n' || (source[i] === '\r' && source[i + 1] === '\n');
}

function skipBreak(source: string, i: number): number {
  if (source[i] === '\r' && source[i + 1] === '\n') return i + 2;
  if (source[i] === '\n') return i + 1;
  return i;
}

function skipLine(source: string, i: number, end: number): number {
  let j = i;
  while (j < end && !isBreak(source, j)) j++;
  return skipBreak(source, j);
}

/** The file's line break, for inserted lines: \r\n or \n (a lone \r breaks no line for BuildKit). */
export function detectEol(text: string): '\r\n' | '\n' | '\r' {
  const i = text.indexOf('\n');
  return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n';
}
