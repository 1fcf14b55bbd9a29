import type { Edit } from '../fix/edits.js';
import type { DockerfileModel, Instruction } from '../model/dockerfile.js';
import type { Mount } from '../model/mounts.js';
import type { ShellWord } from '../model/shell.js';
import { lineContinuation } from './lines.js';
import { formatMountField, type MountFields, mountFlagOf, needsQuotes } from './mount.js';

// Format-preserving edits of a user's Dockerfile: every fix goes through these, so the file's escape
// character, line endings, continuation style, indentation and keyword case are kept in one place.

/**
 * Adds `--mount=<value>` to a RUN, joining its existing flags in their own style: on the same line,
 * or on a continuation line of its own with the same indentation.
 */
export function addRunMount(model: DockerfileModel, run: Instruction, value: string): Edit {
  const flag = mountFlagOf(value);
  const continuation = lineContinuation(model);
  const lastFlag = run.flags[run.flags.length - 1];
  if (lastFlag) {
    const line = model.lines.lineOf(lastFlag.span.start);
    const lineStart = model.lines.lineStart(line);
    const before = model.text.slice(lineStart, lastFlag.span.start);
    if (line !== model.lines.lineOf(run.keywordSpan.start) && /^[ \t]*$/.test(before)) {
      return { span: { start: lastFlag.span.end, end: lastFlag.span.end }, text: ` ${continuation}${before}${flag}` };
    }
    return { span: { start: lastFlag.span.end, end: lastFlag.span.end }, text: ` ${flag}` };
  }
  const start = run.argsSpan?.start ?? run.keywordSpan.end;
  const line = model.lines.lineOf(start);
  if (line !== model.lines.lineOf(run.keywordSpan.start)) {
    const indent = /^[ \t]*/.exec(model.text.slice(model.lines.lineStart(line), start))![0];
    return { span: { start, end: start }, text: `${flag} ${continuation}${indent}` };
  }
  if (!run.argsSpan) return { span: { start, end: start }, text: ` ${flag}` };
  return { span: { start, end: start }, text: `${flag} ` };
}

/**
 * Sets mount options: an existing option's value is replaced in place, new options are appended as
 * one `,key=value...` edit, so the options already there keep their order.
 */
export function setMountOptions(model: DockerfileModel, mount: Mount, fields: MountFields): Edit[] {
  const edits: Edit[] = [];
  const appended: string[] = [];
  for (const [name, value] of fields) {
    const existing = mount.options.find((o) => o.name === name);
    if (!existing) {
      appended.push(formatMountField(name, value));
      continue;
    }
    const quotedField = model.text[existing.span.start] === '"';
    if (existing.valueSpan && !quotedField && !needsQuotes(value)) edits.push({ span: existing.valueSpan, text: value });
    else edits.push({ span: existing.span, text: formatMountField(existing.key, value) });
  }
  if (appended.length > 0) {
    const last = mount.options[mount.options.length - 1];
    // A flag value quoted as a whole (`--mount="type=cache,..."`) gets the new fields inside the quotes.
    const end = last ? last.span.end : mount.valueSpan.end;
    edits.push({ span: { start: end, end }, text: `,${appended.join(',')}` });
  }
  return edits;
}

/** Removes one mount option together with the comma that joins it to its neighbours. */
export function removeMountOption(mount: Mount, name: string): Edit | undefined {
  const index = mount.options.findIndex((o) => o.name === name);
  const option = mount.options[index];
  if (!option) return undefined;
  const previous = mount.options[index - 1];
  const next = mount.options[index + 1];
  if (previous) return { span: { start: previous.span.end, end: option.span.end }, text: '' };
  if (next) return { span: { start: option.span.start, end: next.span.start }, text: '' };
  return { span: option.span, text: '' };
}

/** Inserts whole instructions on their own lines before `instruction`, with its indentation and keyword case. */
export function insertBefore(model: DockerfileModel, instruction: Instruction, lines: readonly string[]): Edit {
  const line = model.lines.lineOf(instruction.span.start);
  const lineStart = Math.max(model.lines.lineStart(line), model.directivesEnd);
  const indent = /^[ \t\uFEFF]*/.exec(model.text.slice(lineStart, instruction.span.start))![0].replace('\uFEFF', '');
  const at = lineStart + (model.text.charCodeAt(lineStart) === 0xfeff ? 1 : 0);
  const text = lines.map((l) => `${indent}${keywordCase(model, l)}${model.eol}`).join('');
  return { span: { start: at, end: at }, text };
}

/** Inserts whole instructions on their own lines right after `instruction`, at its indentation. */
export function insertAfter(model: DockerfileModel, instruction: Instruction, lines: readonly string[]): Edit {
  const line = model.lines.lineOf(instruction.span.end);
  const next = model.lines.lineStarts[line + 1];
  const indent = /^[ \t]*/.exec(
    model.text.slice(model.lines.lineStart(model.lines.lineOf(instruction.span.start)), instruction.span.start).replace('\uFEFF', ''),
  )![0];
  const body = lines.map((l) => `${indent}${keywordCase(model, l)}`).join(model.eol);
  if (next === undefined) return { span: { start: model.text.length, end: model.text.length }, text: `${model.eol}${body}${model.eol}` };
  return { span: { start: next, end: next }, text: `${body}${model.eol}` };
}

/** Removes an instruction's whole lines, line break included. */
export function removeInstruction(model: DockerfileModel, instruction: Instruction): Edit {
  const start = model.lines.lineStart(model.lines.lineOf(instruction.span.start));
  const next = model.lines.lineStarts[model.lines.lineOf(instruction.span.end) + 1];
  return { span: { start: Math.max(start, model.directivesEnd), end: next ?? model.text.length }, text: '' };
}

function keywordCase(model: DockerfileModel, line: string): string {
  return model.lowercaseKeywords ? line.replace(/^[A-Z]+/, (k) => k.toLowerCase()) : line;
}

/** Removes a shell word and the blanks before it; undefined when the word has no exact source. */
export function removeWord(model: DockerfileModel, word: ShellWord): Edit | undefined {
  if (!word.charOffsets) return undefined;
  let start = word.span.start;
  while (start > 0 && (model.text[start - 1] === ' ' || model.text[start - 1] === '\t')) start--;
  return { span: { start, end: word.span.end }, text: '' };
}

/** Puts text (`NAME=value ` assignments) right before a shell word; undefined when the word has no exact source. */
export function prefixWord(word: ShellWord, text: string): Edit | undefined {
  if (!word.charOffsets) return undefined;
  return { span: { start: word.span.start, end: word.span.start }, text };
}

/** Replaces a shell word written without quotes; undefined when it has quotes or no exact source. */
export function replaceWord(model: DockerfileModel, word: ShellWord, text: string): Edit | undefined {
  if (!word.charOffsets || model.text.slice(word.span.start, word.span.end) !== word.value) return undefined;
  return { span: word.span, text };
}

/** Adds a flag (`--platform=$BUILDPLATFORM`) to a FROM, before its image. */
export function addFromFlag(from: Instruction, flag: string): Edit | undefined {
  const image = from.args[0];
  if (!image) return undefined;
  return { span: { start: image.span.start, end: image.span.start }, text: `${flag} ` };
}
