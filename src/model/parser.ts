import type { Span } from './text.js';

export interface Flag {
  name: string;
  value: string | null;
  span: Span;
  valueSpan: Span | null;
}

export interface Word {
  value: string;
  span: Span;
}

export interface Property {
  name: string;
  /** Value with quotes removed, or null for `ARG NAME` without a default. */
  value: string | null;
  span: Span;
}

export interface Heredoc {
  name: string;
  /** The body between the opening line and the delimiter, or null when empty. */
  contentSpan: Span | null;
  /** Whether a delimiter line ends it before the end of the file (BuildKit rejects the file otherwise). */
  terminated: boolean;
}

/** One instruction as the file spells it; `dockerfile.ts` places it in its stage. */
export interface ParsedInstruction {
  /** Upper-case keyword. */
  keyword: string;
  span: Span;
  keywordSpan: Span;
  flags: Flag[];
  /** The words after the flags. */
  args: Word[];
  heredocs: Heredoc[];
  /** ENV and LABEL key/value pairs (ARG's are read from its words). */
  properties: Property[];
  /** For ONBUILD: the instruction it registers. */
  trigger: ParsedInstruction | undefined;
}

export interface ParsedFile {
  instructions: ParsedInstruction[];
  comments: Span[];
}

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const DQUOTE = 34;
const HASH = 35;
const DOLLAR = 36;
const QUOTE = 39;
const DASH = 45;
const LT = 60;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
/** Stands in for an escape char BuildKit reads as an ordinary character (see `readingText`). */
const LITERAL = '\uE000';

const WORD = /[^ \t\r\n]+/g;
const isBlank = (c: number): boolean => c === SPACE || c === TAB;
const isBreak = (c: number): boolean => c === LF || c === CR;
const isWhitespace = (c: number): boolean => c === SPACE || c === TAB || c === LF || c === CR;

/**
 * What follows the blanks from `from`, just after an escape char: a line break (a continuation; `at`
 * is its last char, the \n of \r\n), another char (`at` is that char), or nothing up to `end`.
 */
function afterEscapedBlanks(src: string, from: number, end: number): { kind: 'break' | 'char'; at: number } | undefined {
  for (let j = from; j < end; j++) {
    const c = src.charCodeAt(j);
    if (isBlank(c)) continue;
    if (c === CR) return { kind: 'break', at: j + 1 };
    return { kind: c === LF ? 'break' : 'char', at: j };
  }
  return undefined;
}

/**
 * Reads the instructions and comments after the parser directives (`start`), as BuildKit splits a file
 * into instructions: a line continues after an escape char and blanks, comment and empty lines inside a
 * continued instruction are skipped (the comments are kept), heredoc bodies of ADD, COPY and RUN run to
 * their delimiter line. Within an instruction, words, flags, ENV/LABEL pairs and heredocs are read as
 * warmbuild always has (the reading of dockerfile-ast 0.7.1, which test/support/ast-oracle.ts keeps
 * as the differential oracle), on offsets into the text, each piece read once.
 */
export function parseInstructions(text: string, escapeChar: string, start: number): ParsedFile {
  const reader = new Reader(readingText(text, escapeChar), escapeChar);
  const file = reader.read(start);
  if (reader.src !== text) for (const instruction of file.instructions) restoreLiterals(instruction, escapeChar);
  return file;
}

/**
 * The text the readers below scan, the same length as the file. BuildKit breaks no line at a lone \r
 * (read here as the blank its shell reader takes it for); and an escape char that would look like a
 * line continuation but is none to BuildKit (the second of a doubled escape char at the end of a line,
 * or one followed by blanks and the escape char that does continue the line) is replaced by a
 * stand-in that ends and continues nothing. Returns the file itself when it has none of these.
 */
function readingText(text: string, escapeChar: string): string {
  const escapes = ESCAPES_READ_AS_CHARS[escapeChar]!;
  escapes.lastIndex = 0;
  const someEscape = escapes.test(text);
  const loneCr = text.includes('\r') && LONE_CR.test(text);
  if (!someEscape && !loneCr) return text;
  const replaced = someEscape ? text.replace(escapes, LITERAL) : text;
  return loneCr ? replaced.replace(LONE_CR_ALL, ' ') : replaced;
}

/** The second of a doubled escape char ending a line; an escape char before blanks and the one continuing the line. */
const ESCAPES_READ_AS_CHARS: Record<string, RegExp> = {
  '\\': /(?<=\\)\\(?=[ \t]*(?:\r?\n|$))|\\(?=[ \t]+\\[ \t]*(?:\r?\n|$))/g,
  '`': /(?<=`)`(?=[ \t]*(?:\r?\n|$))|`(?=[ \t]+`[ \t]*(?:\r?\n|$))/g,
};
const LONE_CR = /\r(?!\n)/;
const LONE_CR_ALL = /\r(?!\n)/g;

/** Words read over the stand-in get their escape char back. */
function restoreLiterals(instruction: ParsedInstruction, escapeChar: string): void {
  const restore = (s: string): string => (s.includes(LITERAL) ? s.replaceAll(LITERAL, escapeChar) : s);
  for (const w of instruction.args) w.value = restore(w.value);
  for (const f of instruction.flags) {
    f.name = restore(f.name);
    if (f.value !== null) f.value = restore(f.value);
  }
  for (const p of instruction.properties) {
    p.name = restore(p.name);
    if (p.value !== null) p.value = restore(p.value);
  }
  for (const h of instruction.heredocs) h.name = restore(h.name);
  if (instruction.trigger) restoreLiterals(instruction.trigger, escapeChar);
}

/** The instructions that take flags: their leading `--name[=value]` words, as BuildKit reads them. */
const WITH_FLAGS = new Set(['ADD', 'COPY', 'RUN', 'FROM', 'HEALTHCHECK']);

/** The instructions BuildKit reads heredocs for (and ONBUILD's trigger when it is one of them). */
const WITH_HEREDOCS = new Set(['ADD', 'COPY', 'RUN']);

class Reader {
  readonly len: number;
  readonly esc: number;
  readonly comments: Span[] = [];
  readonly seen: Record<number, [number, number]> = {};

  constructor(
    readonly src: string,
    readonly escapeChar: string,
  ) {
    this.len = src.length;
    this.esc = escapeChar.charCodeAt(0);
  }

  /** The offset in the text, never between the \r and \n of a line break (spans end before it). */
  at(offset: number): number {
    const o = offset < 0 ? 0 : Math.min(offset, this.len);
    return this.src.charCodeAt(o - 1) === CR ? o - 1 : o;
  }

  span(start: number, end: number): Span {
    return { start: this.at(start), end: this.at(end) };
  }

  read(start: number): ParsedFile {
    const instructions: ParsedInstruction[] = [];
    const src = this.src;
    for (let i = start; i < this.len; i++) {
      const c = src.charCodeAt(i);
      if (isWhitespace(c)) continue;
      if (c === HASH) i = this.comment(i);
      else {
        const [instruction, end] = this.instruction(i);
        instructions.push(instruction);
        i = end;
      }
    }
    return { instructions, comments: this.comments };
  }

  comment(start: number): number {
    let end = this.src.indexOf('\n', start + 1);
    if (end === -1) end = this.len;
    else if (this.src.charCodeAt(end - 1) === CR) end--;
    this.comments.push({ start, end });
    return end;
  }

  /** The first `c` at or after `from` (or the end), remembered: the readers go forward through the text. */
  nextOf(c: number, from: number): number {
    const seen = this.seen[c];
    if (seen && seen[0] <= from && from <= seen[1]) return seen[1];
    const at = this.src.indexOf(String.fromCharCode(c), from);
    const found = at === -1 ? this.len : at;
    this.seen[c] = [from, found];
    return found;
  }

  /** The keyword, then the rest of the instruction: returns it and the offset it ends at. */
  instruction(start: number): [ParsedInstruction, number] {
    const src = this.src;
    const esc = this.esc;
    let keyword = src[start]!;
    let keywordEnd = -1;
    let escaped = false;
    for (let i = start + 1; i < this.len; i++) {
      const c = src.charCodeAt(i);
      if (c === esc) {
        escaped = true;
        const next = src.charCodeAt(i + 1);
        if (isBreak(next)) {
          if (keywordEnd === -1) keywordEnd = i;
          i++;
        } else if (isBlank(next)) {
          let j = i + 2;
          while (j < this.len && isBlank(src.charCodeAt(j))) j++;
          if (j === this.len) {
            keyword += this.escapeChar;
            return [this.build(keyword, start, i + 1, this.len), this.len];
          }
          if (isBreak(src.charCodeAt(j))) {
            i = j;
            continue;
          }
          keywordEnd = i + 1;
          keyword += this.escapeChar;
          i = j - 2;
        } else {
          keywordEnd = i + 1;
          keyword += this.escapeChar;
          escaped = false;
        }
      } else if (isBlank(c)) {
        if (escaped) {
          let j = i + 1;
          while (j < this.len && isBlank(src.charCodeAt(j))) j++;
          if (j < this.len && isBreak(src.charCodeAt(j))) {
            i = j;
            continue;
          }
          escaped = false;
        }
        if (keywordEnd === -1) keywordEnd = i;
        const end = this.rest(keyword, keywordEnd, i);
        return [this.build(keyword, start, keywordEnd, end), end];
      } else if (isBreak(c)) {
        if (escaped) continue;
        if (keywordEnd === -1) keywordEnd = i;
        return [this.build(keyword, start, i, i), i];
      } else if (c === HASH && escaped) {
        // a comment line inside a continued keyword
      } else {
        keywordEnd = i + 1;
        keyword += src[i];
        escaped = false;
      }
    }
    if (keywordEnd === -1) keywordEnd = this.len;
    return [this.build(keyword, start, keywordEnd, this.len), this.len];
  }

  /**
   * From the blank after the keyword to the end of the instruction, heredoc bodies included. A line
   * whose last non-blank is the escape char continues; after it, empty lines, comment lines and
   * escape chars are read char by char until the first other character.
   */
  rest(keyword: string, keywordEnd: number, offset: number): number {
    const src = this.src;
    const esc = this.esc;
    const len = this.len;
    let i = offset + 1;
    while (i < len) {
      let lf = src.indexOf('\n', i);
      if (lf === -1) lf = len;
      const lineEnd = lf > i && src.charCodeAt(lf - 1) === CR ? lf - 1 : lf;
      let last = lineEnd - 1;
      while (last >= i && isBlank(src.charCodeAt(last))) last--;
      if (last < i || src.charCodeAt(last) !== esc) return lineEnd === len ? len : this.heredocBodies(keyword, keywordEnd, lineEnd);
      let j = lf + 1;
      for (; j < len; j++) {
        const c = src.charCodeAt(j);
        if (c === LF || c === CR || c === SPACE || c === TAB) continue;
        if (c === HASH) j = this.comment(j);
        else if (c === esc) {
          const next = src.charCodeAt(j + 1);
          if (next === LF || next === CR) j++;
          else if (next === SPACE || next === TAB) {
            let k = j + 2;
            while (k < len && isBlank(src.charCodeAt(k))) k++;
            if (k === len) return len;
            // dockerfile-ast's reading skips the character after an escaped blank
            j = k;
          }
        } else break;
      }
      i = j + 1;
    }
    return len;
  }

  /** The end of the heredoc bodies an ADD, COPY or RUN (or its ONBUILD) opens on its first line ending at `lineEnd`. */
  heredocBodies(keyword: string, keywordEnd: number, lineEnd: number): number {
    if (this.nextOf(LT, keywordEnd) >= lineEnd) return lineEnd;
    let upper = keyword.toUpperCase();
    let args = this.words(keywordEnd, lineEnd);
    if (upper === 'ONBUILD') {
      const first = args[0];
      if (!first) return lineEnd;
      upper = this.src.substring(first.span.start, first.span.end).toUpperCase();
      args = this.words(first.span.end, lineEnd);
    }
    if (!WITH_HEREDOCS.has(upper)) return lineEnd;
    args = args.slice(this.flags(upper, args).length);
    const names: string[] = [];
    let tabbed = false;
    for (const arg of args) {
      const value = arg.value;
      if (value.startsWith('<<') && value.length > 2) {
        if (value.startsWith('<<-')) tabbed = true;
        const name = heredocName(value);
        if (name !== null) names.push(name);
      }
    }
    let offset = lineEnd;
    for (const name of names) offset = this.heredocEnd(name, offset, tabbed);
    return offset;
  }

  /** The line break ending the delimiter line `name` (after tabs for `<<-`), or the end of the file. */
  heredocEnd(name: string, offset: number, tabbed: boolean): number {
    const src = this.src;
    let wordStart = -1;
    let lineStart = true;
    for (let i = offset; i < this.len; i++) {
      const c = src.charCodeAt(i);
      if (c === SPACE) lineStart = false;
      else if (c === TAB) {
        if (!tabbed) lineStart = false;
      } else if (isBreak(c)) {
        if (wordStart !== -1 && i - wordStart === name.length && src.startsWith(name, wordStart)) return i;
        wordStart = -1;
        lineStart = true;
      } else if (lineStart) {
        wordStart = i;
        lineStart = false;
      }
    }
    return this.len;
  }

  build(keyword: string, start: number, keywordEnd: number, end: number): ParsedInstruction {
    const upper = keyword.toUpperCase();
    const words = this.words(keywordEnd, end);
    const flags = this.flags(upper, words);
    const args = flags.length === 0 ? words : words.slice(flags.length);
    const span = this.span(start, end);
    const instruction: ParsedInstruction = {
      keyword: upper,
      span,
      keywordSpan: this.span(start, keywordEnd),
      flags,
      args,
      heredocs: WITH_HEREDOCS.has(upper) ? this.heredocs(args, span) : [],
      properties: upper === 'ENV' || upper === 'LABEL' ? this.properties(this.propertyWords(start, keywordEnd, span.end)) : [],
      trigger: undefined,
    };
    const first = words[0];
    if (upper === 'ONBUILD' && first)
      instruction.trigger = this.build(this.src.substring(first.span.start, first.span.end), first.span.start, first.span.end, end);
    return instruction;
  }

  /**
   * The words from `from` to `to`: split at unescaped whitespace, an escape char taking the next char
   * literally (`\$` stays as written), continuations and the comment lines after them skipped.
   */
  words(from: number, to: number): Word[] {
    const src = this.src;
    const esc = this.esc;
    const end = this.at(to);
    const words: Word[] = [];
    // a word starts at an ordinary character and ends at a blank, a line break (at its \r when it is
    // \r\n) or an escape char: its span needs no adjusting
    if (this.nextOf(esc, from) >= end) {
      // no escape char: no continuation, no comment line, words are what blanks separate
      WORD.lastIndex = this.at(from);
      for (let m = WORD.exec(src); m !== null && m.index < end; m = WORD.exec(src))
        words.push({ value: m[0], span: { start: m.index, end: m.index + m[0].length } });
      return words;
    }
    let lineStart = false;
    let comment = false;
    let found = -1;
    // blanks seen after an escaped line break, before the next word
    let blankAfterContinuation = false;
    let continuing = false;
    let escapeMarker = -1;
    let value = '';
    for (let i = this.at(from); i < end; i++) {
      const c = src.charCodeAt(i);
      if (c === SPACE || c === TAB || c === LF || c === CR) {
        if (continuing) {
          blankAfterContinuation = true;
          if (c === LF || c === CR) {
            blankAfterContinuation = false;
            if (comment) {
              comment = false;
              lineStart = true;
            }
          }
        } else if (found !== -1) {
          words.push({ value, span: { start: found, end: escapeMarker === -1 ? i : escapeMarker } });
          escapeMarker = -1;
          value = '';
          found = -1;
        }
      } else if (c === esc) {
        const next = i + 1 < end ? src.charCodeAt(i + 1) : -1;
        if (next === SPACE || next === TAB) {
          const after = afterEscapedBlanks(src, i + 2, end);
          if (after?.kind === 'break') {
            comment = false;
            continuing = true;
            lineStart = true;
            if (found !== -1) escapeMarker = i;
            i = after.at;
          } else if (after) {
            escapeMarker = i;
            if (found === -1) i = after.at - 1;
          }
        } else if (next === CR || next === LF) {
          comment = false;
          continuing = true;
          lineStart = true;
          if (found !== -1 && escapeMarker === -1) escapeMarker = i;
          i += next === CR ? 2 : 1;
        } else {
          if (blankAfterContinuation && escapeMarker !== -1) {
            words.push({ value, span: { start: found, end: escapeMarker } });
            value = '';
            found = -1;
          }
          escapeMarker = -1;
          blankAfterContinuation = false;
          continuing = false;
          if (next === -1) break;
          value += next === DOLLAR ? src.substring(i, i + 2) : src[i + 1];
          if (found === -1) found = i;
          i++;
        }
      } else {
        // a run of ordinary characters: its first decides, the others follow
        let runEnd = i + 1;
        for (; runEnd < end; runEnd++) {
          const d = src.charCodeAt(runEnd);
          if (d === SPACE || d === TAB || d === LF || d === CR || d === esc) break;
        }
        if (!comment) {
          if (lineStart && c === HASH) {
            comment = true;
          } else {
            if (blankAfterContinuation && escapeMarker !== -1) {
              words.push({ value, span: { start: found, end: escapeMarker } });
              value = '';
              found = -1;
            }
            blankAfterContinuation = false;
            continuing = false;
            escapeMarker = -1;
            value += src.substring(i, runEnd);
            if (found === -1) found = i;
          }
          lineStart = false;
        }
        i = runEnd - 1;
      }
    }
    if (found !== -1) words.push({ value, span: { start: found, end: escapeMarker === -1 ? end : escapeMarker } });
    return words;
  }

  /** The leading `--name[=value]` words of an instruction that has flags. */
  flags(keyword: string, words: readonly Word[]): Flag[] {
    const flags: Flag[] = [];
    if (!WITH_FLAGS.has(keyword)) return flags;
    for (const word of words) {
      const value = word.value;
      if (!value.startsWith('--')) break;
      const { span } = word;
      const rawEq = this.src.substring(span.start, span.end).indexOf('=');
      if (rawEq === -1) flags.push({ name: value.substring(2).toLowerCase(), value: null, span, valueSpan: null });
      else if (rawEq === value.length - 1)
        flags.push({ name: value.substring(2, rawEq).toLowerCase(), value: '', span, valueSpan: { start: span.end, end: span.end } });
      else {
        const eq = value.indexOf('=');
        flags.push({
          name: value.substring(2, eq).toLowerCase(),
          value: value.substring(eq + 1),
          span,
          valueSpan: { start: this.at(span.start + rawEq + 1), end: span.end },
        });
      }
    }
    return flags;
  }

  spansLines(start: number, end: number): boolean {
    const lf = this.src.indexOf('\n', start);
    return lf !== -1 && lf < end;
  }

  heredocs(args: readonly Word[], span: Span): Heredoc[] {
    const first = args[0];
    if (!first || !args.some((a) => a.value.startsWith('<<'))) return [];
    if (!this.spansLines(span.start, span.end)) return this.openHeredocs(args);
    const src = this.src;
    const esc = this.esc;
    const heredocs: Heredoc[] = [];
    const openers: Word[] = [];
    let openingLineRead = false;
    let escaping = false;
    let contentStart = -1;
    let contentEnd = -1;
    let lineStart = -1;
    let current = 0;
    const base = first.span.start;
    const end = span.end;
    const n = end - base;
    const opener = (): { word: Word; name: string } | undefined => {
      const word = openers[current];
      return word && { word, name: this.heredocWordName(word.span) };
    };
    for (let i = 0; i < n; i++) {
      const c = src.charCodeAt(base + i);
      if (c === esc) {
        escaping = true;
        const after = afterEscapedBlanks(src, base + i + 1, base + n);
        if (after) {
          i = after.at - base;
        }
      } else if (c === CR) {
        // part of the line break
      } else if (c === LF) {
        if (escaping) continue;
        if (!openingLineRead) {
          for (const arg of args) {
            if (arg.span.start >= base + i) break;
            if (arg.value.startsWith('<<')) openers.push(arg);
          }
          openingLineRead = true;
          lineStart = -1;
          continue;
        }
        if (contentStart === -1) contentStart = i;
        contentEnd = i;
        const o = opener();
        if (o && this.isDelimiter(o.word, o.name, base + lineStart, base + i)) {
          heredocs.push({ name: o.name, contentSpan: this.span(base + contentStart, base + lineStart - 1), terminated: true });
          contentStart = -1;
          current++;
        }
        lineStart = -1;
      } else {
        if (escaping && (isBlank(c) || c === HASH)) {
          if (c === HASH) {
            const lf = src.indexOf('\n', base + i + 1);
            if (lf !== -1 && lf < end) {
              i = lf - base;
              continue;
            }
          } else continue;
        }
        escaping = false;
        if (openingLineRead) {
          if (contentStart === -1) contentStart = i;
          if (lineStart === -1) lineStart = i;
        }
      }
    }
    if (!openingLineRead) return this.openHeredocs(args);
    const o = opener();
    if (o) {
      const terminated = this.isDelimiter(o.word, o.name, base + lineStart, end);
      let contentSpan: Span | null = null;
      if (!terminated) contentSpan = this.span(base + contentStart, end);
      else if (contentEnd !== -1) contentSpan = this.span(base + contentStart, base + contentEnd);
      heredocs.push({ name: o.name, contentSpan, terminated });
      current++;
    }
    for (let i = current; i < openers.length; i++) heredocs.push({ name: this.heredocWordName(openers[i]!.span), contentSpan: null, terminated: false });
    return heredocs;
  }

  /** Heredocs opened on an instruction's only line: none has a body. */
  openHeredocs(args: readonly Word[]): Heredoc[] {
    const heredocs: Heredoc[] = [];
    for (const arg of args) {
      if (arg.value.startsWith('<<') && heredocName(arg.value) !== null)
        heredocs.push({ name: this.heredocWordName(arg.span), contentSpan: null, terminated: false });
    }
    return heredocs;
  }

  isDelimiter(opener: Word, name: string, start: number, end: number): boolean {
    const line = this.src.substring(this.at(start), this.at(end));
    if (!opener.value.startsWith('<<-')) return line === name;
    let tabs = 0;
    while (line.charCodeAt(tabs) === TAB) tabs++;
    return line.substring(tabs) === name;
  }

  /** The delimiter an opening `<<[-]["']NAME` word names, read from the word's text. */
  heredocWordName(span: Span): string {
    const src = this.src;
    const esc = this.esc;
    const base = span.start;
    const n = span.end - base;
    let ltSeen = false;
    let dashNext = false;
    let start = -1;
    let end = -1;
    let escaping = false;
    let quote = -1;
    for (let i = 0; i < n; i++) {
      const c = src.charCodeAt(base + i);
      if (c === DQUOTE || c === QUOTE) {
        if (quote === c) break;
        quote = c;
        continue;
      }
      if (c === esc) {
        const lf = src.indexOf('\n', base + i + 1);
        if (lf !== -1 && lf < span.end) escaping = true;
        continue;
      }
      if (isWhitespace(c)) continue;
      if (c === LT) {
        if (ltSeen) dashNext = true;
        else ltSeen = true;
        continue;
      }
      if (c === DASH && dashNext) {
        dashNext = false;
        continue;
      }
      if (c === HASH && escaping) {
        const lf = src.indexOf('\n', base + i + 1);
        if (lf !== -1 && lf < span.end) {
          i = lf - base;
          continue;
        }
      }
      if (start === -1) start = i;
      if (quote === -1) break;
      end = i + 1;
    }
    const nameStart = start === -1 ? span.end : this.at(base + start);
    const nameEnd = start === -1 || quote === -1 ? span.end : this.at(base + end);
    return this.heredocNameText(nameStart, nameEnd);
  }

  heredocNameText(start: number, end: number): string {
    const src = this.src;
    const esc = this.esc;
    let escaping = false;
    let name = '';
    const n = end - start;
    for (let i = 0; i < n; i++) {
      const c = src.charCodeAt(start + i);
      if (c === esc) {
        escaping = true;
        const after = afterEscapedBlanks(src, start + i + 1, start + n);
        if (after?.kind === 'char') name += src[after.at];
        if (after) i = after.at - start;
        continue;
      }
      if (c === HASH && escaping) {
        const lf = src.indexOf('\n', start + i + 1);
        if (lf !== -1 && lf < end) {
          i = lf - start;
          continue;
        }
        continue;
      }
      if (isWhitespace(c) && escaping) continue;
      name += src[start + i];
    }
    return name;
  }

  /** ENV and LABEL words: `key=value` pairs, quotes kept, or the legacy `key value`. */
  propertyWords(start: number, keywordEnd: number, end: number): Word[] {
    const src = this.src;
    const esc = this.esc;
    const words: Word[] = [];
    const nameEnd = this.at(keywordEnd);
    const full = src.substring(nameEnd, end);
    const lead = leadingNonWhitespace(full, this.escapeChar);
    if (lead === -1) return words;
    const base = nameEnd + lead;
    let escaped = this.spansLines(start, base);
    let endingEscape = false;
    let mark = -1;
    const content = full.substring(lead, trailingNonWhitespace(full, this.escapeChar) + 1);
    const n = content.length;
    let argStart = escaped ? -1 : 0;
    let spaced = false;
    const push = (from: number, to: number, spanEnd: number): void => {
      words.push({ value: content.substring(from, to), span: this.span(base + from, base + spanEnd) });
    };
    const spacedWord = (): void => {
      if (argStart !== -1) push(argStart, mark, mark);
    };
    scan: for (let i = 0; i < n; i++) {
      const c = content.charCodeAt(i);
      if (c === esc) {
        if (i + 1 === n) {
          endingEscape = true;
          break;
        }
        if (!escaped) mark = i;
        const next = content.charCodeAt(i + 1);
        if (isBlank(next)) {
          if (!isWhitespace(content.charCodeAt(i + 2))) {
            i++;
            continue;
          }
          const after = afterEscapedBlanks(content, i + 2, n);
          if (after?.kind === 'break') {
            escaped = true;
            i = after.at;
            continue;
          }
          if (after) {
            push(argStart, i, i + 2);
            argStart = after.at;
          }
          i = argStart - 1;
          continue;
        }
        if (next === CR || next === LF) {
          escaped = true;
          i += next === CR ? 2 : 1;
          continue;
        }
        if (argStart === -1) argStart = i;
        if (next === esc) i++;
        continue;
      }
      switch (c) {
        case QUOTE:
        case DQUOTE: {
          if (spaced) {
            spacedWord();
            argStart = i;
            spaced = false;
          }
          if (argStart === -1) argStart = i;
          for (let j = i + 1; j < n; j++) {
            const d = content.charCodeAt(j);
            if (d === c) {
              const after = content.charCodeAt(j + 1);
              if (after !== SPACE && j + 1 < n) {
                i = j;
                continue scan;
              }
              push(argStart, j + 1, j + 1);
              i = j;
              argStart = -1;
              continue scan;
            }
            if (d === esc) j++;
          }
          break scan;
        }
        case SPACE:
        case TAB:
          if (escaped) {
            if (argStart !== -1) spaced = true;
          } else if (argStart !== -1) {
            push(argStart, i, i);
            argStart = -1;
          }
          break;
        case CR:
          i++;
          spaced = false;
          break;
        case LF:
          spaced = false;
          break;
        case HASH:
          if (escaped) {
            for (let j = i + 1; j < n; j++) {
              const d = content.charCodeAt(j);
              if (d === CR || d === LF) {
                i = d === CR ? j + 1 : j;
                spaced = false;
                continue scan;
              }
            }
            if (argStart !== -1) {
              push(argStart, mark, mark);
              argStart = -1;
            }
            break scan;
          }
          if (argStart === -1) argStart = i;
          break;
        default:
          if (spaced) {
            spacedWord();
            argStart = i;
            spaced = false;
          }
          escaped = false;
          if (argStart === -1) argStart = i;
          if (c === DOLLAR && content.charCodeAt(i + 1) === OPEN_BRACE) {
            // `${...}` is one piece, blanks inside quotes or after an escape char included
            let single = false;
            let double = false;
            let escapedInBraces = false;
            for (let j = i + 1; j < n; j++) {
              const d = content.charCodeAt(j);
              if (d === esc) escapedInBraces = true;
              else if (d === QUOTE) {
                single = !single;
                escapedInBraces = false;
              } else if (d === DQUOTE) {
                double = !double;
                escapedInBraces = false;
              } else if (isBlank(d)) {
                if (!(escapedInBraces || single || double)) {
                  i = j - 1;
                  continue scan;
                }
              } else if (d === CLOSE_BRACE) {
                i = j;
                continue scan;
              } else if (!isBreak(d)) escapedInBraces = false;
            }
            break scan;
          }
      }
    }
    if (argStart !== -1 && argStart !== n) {
      const wordEnd = endingEscape ? n - 1 : n;
      push(argStart, wordEnd, wordEnd);
    }
    return words;
  }

  properties(words: readonly Word[]): Property[] {
    const [first, second] = words;
    if (!first) return [];
    if (!second) return [this.property(first)];
    if (!first.value.includes('=')) {
      if (words.length === 2) return [this.property(first, second)];
      const last = words[words.length - 1]!;
      const span = { start: second.span.start, end: last.span.end };
      return [this.property(first, { value: this.src.substring(span.start, span.end), span })];
    }
    return words.map((w) => this.property(w));
  }

  property(word: Word, valueWord?: Word): Property {
    const src = this.src;
    const nameSpan = propertyNameSpan(word, this);
    const name = propertyValue(src.substring(nameSpan.start, nameSpan.end), this.escapeChar);
    if (valueWord) {
      const value = propertyValue(src.substring(valueWord.span.start, valueWord.span.end), this.escapeChar);
      return { name, value: unquote(value), span: { start: nameSpan.start, end: valueWord.span.end } };
    }
    if (nameSpan.start === word.span.start && nameSpan.end === word.span.end) return { name, value: null, span: word.span };
    const valueStart = this.at(word.span.start + word.value.indexOf('=') + 1);
    const value = propertyValue(src.substring(valueStart, word.span.end), this.escapeChar);
    return { name, value: unquote(value), span: word.span };
  }
}

/** `NAME` of a heredoc opener `<<[-]NAME`, `<<"NAME"` or `<<'NAME'`; null for `<<<` and unbalanced quotes. */
function heredocName(word: string): string | null {
  let value = word.substring(2);
  if (value.charAt(0) === '-') value = value.substring(1);
  if (value.charAt(0) === '"') {
    if (value.charAt(value.length - 1) !== '"') return null;
    value = value.substring(1, value.length - 1);
  }
  if (value.charAt(0) === "'") {
    if (value.charAt(value.length - 1) !== "'") return null;
    value = value.substring(1, value.length - 1);
  }
  return value.charAt(0) === '<' ? null : value;
}

function leadingNonWhitespace(content: string, escapeChar: string): number {
  scan: for (let i = 0; i < content.length; i++) {
    const ch = content[i];
    if (ch === ' ' || ch === '\t') continue;
    if (ch !== escapeChar) return i;
    for (let j = i + 1; j < content.length; j++) {
      const next = content[j];
      if (next === ' ' || next === '\t') continue;
      if (next === '\r') {
        i = j + 1;
        continue scan;
      }
      if (next === '\n') {
        i = j;
        continue scan;
      }
      // an escape char before anything but a line break: dockerfile-ast finds no start
      return -1;
    }
    return -1;
  }
  return -1;
}

/** The last character of the content that is neither whitespace nor a continuation. */
function trailingNonWhitespace(content: string, escapeChar: string): number {
  for (let i = content.length - 1; i >= 0; i--) {
    const ch = content[i];
    if (ch === ' ' || ch === '\t') continue;
    if (ch === '\n' || ch === '\r') {
      if (ch === '\n' && content[i - 1] === '\r') i--;
      for (let j = i - 1; j >= 0; j--) {
        const prev = content[j];
        if (prev === ' ' || prev === '\t' || prev === '\r' || prev === '\n' || prev === escapeChar) continue;
        return j;
      }
      return content.length;
    }
    return i;
  }
  return content.length;
}

function propertyNameSpan(word: Word, reader: Reader): Span {
  const value = word.value;
  const eq = value.indexOf('=');
  if (eq !== -1) {
    const initial = value.charAt(0);
    const before = value.charAt(eq - 1);
    if ((initial === '"' && before === '"') || (initial === "'" && before === "'") || (initial !== '"' && initial !== "'"))
      return { start: word.span.start, end: reader.at(word.span.start + eq) };
  }
  return word.span;
}

/** A property's name or value as written: surrounding quotes dropped, continuations and comment lines removed. */
function propertyValue(raw: string, escapeChar: string): string {
  let escaped = false;
  const skip = leadingNonWhitespace(raw, escapeChar);
  if (skip !== 0 && raw.charAt(skip) === '#') escaped = true;
  let value = raw.substring(skip);
  const first = value.charAt(0);
  const last = value.charAt(value.length - 1);
  const literal = first === "'" || first === '"';
  const inSingle = first === "'" && last === "'";
  let inDouble = false;
  if (first === '"') {
    for (let i = 1; i < value.length; i++) {
      if (value.charAt(i) === escapeChar) i++;
      else if (value.charAt(i) === '"' && i === value.length - 1) inDouble = true;
    }
  }
  if (inSingle || inDouble) value = value.substring(1, value.length - 1);
  let commentCheck = -1;
  let out = '';
  parse: for (let i = 0; i < value.length; i++) {
    let char = value.charAt(i);
    switch (char) {
      case escapeChar: {
        if (i + 1 === value.length) {
          out += escapeChar;
          break parse;
        }
        char = value.charAt(i + 1);
        if (char === ' ' || char === '\t') {
          blanks: for (let j = i + 2; j < value.length; j++) {
            const char2 = value.charAt(j);
            switch (char2) {
              case ' ':
              case '\t':
                break;
              case '\r':
              case '\n':
                escaped = true;
                i = char2 === '\r' ? j + 1 : j;
                continue parse;
              default:
                if (!inDouble && !inSingle && !literal) {
                  if (char2 === escapeChar) {
                    out += char;
                    i = i + 1;
                  } else {
                    out += char + char2;
                    i = j;
                  }
                  continue parse;
                }
                break blanks;
            }
          }
        }
        // An escaped line break (\r\n counts as one) continues the value in every quoting.
        const lineBreak = char === '\r' ? 2 : char === '\n' ? 1 : 0;
        if (lineBreak > 0) {
          escaped = true;
          i += lineBreak;
          if (inDouble || inSingle || literal) continue parse;
          break;
        }
        if (inDouble) {
          if (char !== '"') {
            if (char === escapeChar) i++;
            out += escapeChar;
          }
          continue parse;
        }
        if (inSingle || literal) {
          out += escapeChar;
          continue parse;
        }
        out += char;
        i++;
        break;
      }
      case ' ':
      case '\t':
        if (escaped && commentCheck === -1) commentCheck = i;
        out += char;
        break;
      case '\r':
      case '\n':
        if (char === '\r') i++;
        if (escaped && commentCheck !== -1) {
          // blanks before a line break after a continuation are dropped
          out = out.substring(0, out.length - (i - commentCheck - 1));
          commentCheck = -1;
        }
        break;
      case '#':
        if (escaped) {
          if (commentCheck !== -1) {
            out = out.substring(0, out.length - (i - commentCheck));
            commentCheck = -1;
          }
          for (let j = i + 1; j < value.length; j++) {
            const c = value.charAt(j);
            if (c === '\r' || c === '\n') {
              i = c === '\r' ? j + 1 : j;
              break;
            }
          }
          continue parse;
        }
        out += char;
        break;
      default:
        if (escaped) {
          escaped = false;
          commentCheck = -1;
        }
        out += char;
        break;
    }
  }
  return out;
}

/** Removes shell quoting: quotes dropped, a backslash takes the next char (in double quotes or none). */
export function unquote(value: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < value.length) out += value[++i];
      else out += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '\\' && i + 1 < value.length) {
      out += value[++i];
    } else {
      out += ch;
    }
  }
  return out;
}
