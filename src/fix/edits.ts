import type { Span } from '../model/text.js';

/** A plain text edit: replace `span` of the original text with `text` (ESLint fixer style). */
export interface Edit {
  span: Span;
  text: string;
}

/** Applies non-overlapping edits; throws on overlap, which callers prevent with `selectNonOverlapping`. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  let out = '';
  let cursor = 0;
  for (const edit of sorted) {
    if (edit.span.start < cursor) throw new Error(`overlapping edits at offset ${edit.span.start}`);
    out += text.slice(cursor, edit.span.start) + edit.text;
    cursor = edit.span.end;
  }
  return out + text.slice(cursor);
}

function overlaps(a: Edit, b: Edit): boolean {
  // Two insertions at the same point overlap too: their order would be arbitrary.
  if (a.span.start === b.span.start) return true;
  return a.span.start < b.span.end && b.span.start < a.span.end;
}

/** Picks whole fixes, in order, whose edits touch nothing an earlier pick touches. */
export function selectNonOverlapping<T extends { edits: readonly Edit[] }>(fixes: readonly T[]): T[] {
  const taken: Edit[] = [];
  const chosen: T[] = [];
  for (const fix of fixes) {
    if (fix.edits.some((e) => taken.some((t) => overlaps(e, t)))) continue;
    if (hasInternalOverlap(fix.edits)) continue;
    taken.push(...fix.edits);
    chosen.push(fix);
  }
  return chosen;
}

function hasInternalOverlap(edits: readonly Edit[]): boolean {
  for (let i = 0; i < edits.length; i++) {
    for (let j = i + 1; j < edits.length; j++) if (overlaps(edits[i]!, edits[j]!)) return true;
  }
  return false;
}
