/**
 * The test oracle for src/model/parser.ts: warmbuild's Dockerfile model as it was built from
 * dockerfile-ast 0.7.1 (a devDependency kept for this), with the input rewritten where dockerfile-ast
 * reads a file differently from BuildKit (`astInput`). test/model/parser.test.ts checks that our
 * parser builds the same model.
 */
import type { Dockerfile as AstDockerfile, Instruction as AstInstruction } from 'dockerfile-ast';
import astModule from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';
import {
  type Comment,
  type Directive,
  type DockerfileModel,
  expand,
  type Flag,
  type Heredoc,
  type Instruction,
  type Property,
  parseJsonArray,
  resolveGlobalArgs,
  type Stage,
  unquote,
} from '../../src/model/dockerfile.js';
import { parseMount } from '../../src/model/mounts.js';
import { detectEol, LineIndex, type Span } from '../../src/model/text.js';

// dockerfile-ast is published as CommonJS; its named exports are only reachable through the default.
const { DockerfileParser } = astModule;

// dockerfile-ast recomputes an instruction's arguments on every call, about seven times per RUN while
// parsing and converting, each time a position lookup per word: a 10 MB RUN took over a minute. They
// never change after parsing, so each instruction object keeps its first result under a private key
// (callers get a copy: some shift the flags off it); the memo lives and dies with the parse's AST.
const RAW_ARGUMENTS = Symbol('warmbuild.rawArguments');
type AstInstructionObject = { [RAW_ARGUMENTS]?: unknown[] };
const astInstruction = astModule.Instruction.prototype as unknown as { getRawArguments(this: AstInstructionObject): unknown[] };
const computeRawArguments = astInstruction.getRawArguments;
astInstruction.getRawArguments = function (this: AstInstructionObject): unknown[] {
  this[RAW_ARGUMENTS] ??= computeRawArguments.call(this);
  return this[RAW_ARGUMENTS].slice();
};

export function parseDockerfileWithAst(text: string): DockerfileModel {
  const lines = new LineIndex(text);
  const directives = readDirectives(text, lines);
  const escapeChar = directives.find((d) => d.name === 'escape')?.value === '`' ? '`' : '\\';
  const ast: AstDockerfile = DockerfileParser.parse(astInput(text, lines, directives, escapeChar));
  // dockerfile-ast's positions are 0-based line and character
  const offsetAt = (line: number, character: number): number => {
    const start = lines.lineStarts[line];
    if (start === undefined) return text.length;
    return Math.min(start + character, lines.lineStarts[line + 1] ?? text.length);
  };
  const span = (range: Range): Span => ({
    start: offsetAt(range.start.line, range.start.character),
    end: offsetAt(range.end.line, range.end.character),
  });

  const lastDirective = directives[directives.length - 1];
  const directivesEnd = lastDirective ? lines.lineStart(lines.lineOf(lastDirective.span.end) + 1) : 0;
  const commentText = (s: Span): string =>
    text
      .slice(s.start, s.end)
      .replace(/^\uFEFF?[ \t]*#[ \t]*/, '')
      .trimEnd();
  const comments: Comment[] = ast
    .getComments()
    .map((c) => ({ text: commentText(span(c.getRange())), span: span(c.getRange()), line: c.getRange().start.line + 1 }));
  // dockerfile-ast takes any leading `# key=value` line for a directive; BuildKit only knows three.
  for (const d of ast.getDirectives()) {
    const directiveSpan = span(d.getRange());
    if (directives.some((known) => known.span.start === directiveSpan.start)) continue;
    comments.push({ text: commentText(directiveSpan), span: directiveSpan, line: d.getRange().start.line + 1 });
  }
  comments.sort((a, b) => a.span.start - b.span.start);

  const model: DockerfileModel = {
    text,
    lines,
    bom: text.charCodeAt(0) === 0xfeff,
    eol: detectEol(text),
    escapeChar,
    directives,
    directivesEnd,
    instructions: [],
    stages: [],
    comments,
    lowercaseKeywords: false,
    globalArgs: { values: new Map(), before: new Map() },
  };

  const convert = (node: AstInstruction, index: number, stage: Stage | undefined): Instruction => {
    const keyword = node.getKeyword().toUpperCase();
    const anyNode = node as unknown as Record<string, unknown>;
    const flags: Flag[] = [];
    if (typeof anyNode.getFlags === 'function') {
      for (const f of (node as unknown as { getFlags(): import('dockerfile-ast').Flag[] }).getFlags()) {
        const valueRange = f.getValueRange();
        flags.push({ name: f.getName().toLowerCase(), value: f.getValue(), span: span(f.getRange()), valueSpan: valueRange ? span(valueRange) : null });
      }
    }
    const mounts = flags.filter((f) => f.name === 'mount' && f.valueSpan).map((f) => parseMount(text, f.span, f.valueSpan!));
    const args = node.getArguments().map((a) => ({ value: a.getValue(), span: span(a.getRange()) }));
    const instrSpan = span(node.getRange());
    const firstArg = args[0];
    const argsSpan = firstArg ? { start: firstArg.span.start, end: instrSpan.end } : null;
    const heredocs: Heredoc[] = [];
    if (typeof anyNode.getHeredocs === 'function') {
      for (const h of (anyNode.getHeredocs as () => import('dockerfile-ast').Heredoc[]).call(node)) {
        const content = h.getContentRange();
        heredocs.push({ name: h.getName(), contentSpan: content ? span(content) : null, terminated: h.getDelimiterRange() !== null });
      }
    }
    const properties: Property[] = [];
    if (keyword === 'ARG') {
      // `ARG A B=1` declares several names; dockerfile-ast reads it as ENV's legacy `key value` form.
      for (const word of args) {
        const eq = word.value.indexOf('=');
        properties.push({ name: eq < 0 ? word.value : word.value.slice(0, eq), value: eq < 0 ? null : unquote(word.value.slice(eq + 1)), span: word.span });
      }
    } else if (typeof anyNode.getProperties === 'function') {
      for (const p of (anyNode.getProperties as () => import('dockerfile-ast').Property[]).call(node)) {
        const value = p.getValue();
        properties.push({ name: p.getName(), value: value === null ? null : unquote(value), span: span(p.getRange()) });
      }
    }
    const instruction: Instruction = {
      index,
      keyword,
      span: instrSpan,
      keywordSpan: span(node.getInstructionRange()),
      line: node.getRange().start.line + 1,
      flags,
      mounts,
      argsSpan,
      args,
      form:
        firstArg?.value.startsWith('[') && (keyword === 'RUN' || keyword === 'CMD' || keyword === 'ENTRYPOINT') && parseJsonArray(text, argsSpan!) !== null
          ? 'exec'
          : 'shell',
      heredocs,
      properties,
      stage,
      trigger: undefined,
    };
    if (keyword === 'ONBUILD' && typeof anyNode.getTriggerInstruction === 'function') {
      const trigger = (anyNode.getTriggerInstruction as () => AstInstruction | null).call(node);
      if (trigger) instruction.trigger = convert(trigger, index, stage);
    }
    return instruction;
  };

  let current: Stage | undefined;
  ast.getInstructions().forEach((node, index) => {
    if (node.getKeyword().toUpperCase() !== 'FROM') {
      const instruction = convert(node, index, current);
      current?.instructions.push(instruction);
      model.instructions.push(instruction);
      return;
    }
    const stage: Stage = {
      index: model.stages.length,
      name: undefined,
      from: undefined as unknown as Instruction,
      image: '',
      resolvedImage: undefined,
      platform: undefined,
      base: undefined,
      instructions: [],
    };
    const instruction = convert(node, index, stage);
    stage.from = instruction;
    stage.image = instruction.args[0]?.value ?? '';
    const as = instruction.args[1]?.value.toUpperCase() === 'AS' ? instruction.args[2]?.value : undefined;
    stage.name = as?.toLowerCase();
    stage.platform = instruction.flags.find((f) => f.name === 'platform')?.value ?? undefined;
    stage.instructions.push(instruction);
    model.stages.push(stage);
    model.instructions.push(instruction);
    current = stage;
  });

  // Every global ARG comes before the first FROM, so all of them are known before any stage is read.
  model.globalArgs = resolveGlobalArgs(model.instructions.filter((i) => i.stage === undefined));
  for (const stage of model.stages) {
    stage.resolvedImage = expand(stage.image, model.globalArgs.values).value;
    const image = (stage.resolvedImage ?? stage.image).toLowerCase();
    stage.base = model.stages.find((s) => s.index < stage.index && s.name !== undefined && s.name === image);
  }

  const first = model.instructions[0];
  model.lowercaseKeywords = first !== undefined && text.slice(first.keywordSpan.start, first.keywordSpan.end) === first.keyword.toLowerCase();
  return model;
}

// BuildKit's directive syntax (frontend/dockerfile/parser/directives.go): a value of at least one
// character, so `# escape=` is a comment; Go's \s is [\t\n\f\r ].
const DIRECTIVE = /^#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$/;
const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check']);

/**
 * Parser directives as BuildKit reads them: leading `# name=value` lines of the three known names,
 * until the first other line (a comment that is not one, an unknown name, a blank line). A repeated
 * name is kept, as the last directive, for the validator to reject as BuildKit does.
 */
function readDirectives(text: string, lines: LineIndex): Directive[] {
  const directives: Directive[] = [];
  for (let line = 0; line < lines.lineStarts.length; line++) {
    let start = lines.lineStart(line) + (line === 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0);
    const end = lines.lineContentEnd(line);
    while (start < end && /\s/.test(text[start]!)) start++;
    const m = DIRECTIVE.exec(text.slice(start, end));
    if (!m || !KNOWN_DIRECTIVES.has(m[1]!.toLowerCase())) break;
    const name = m[1]!.toLowerCase();
    directives.push({ name, value: m[2]!, span: { start, end } });
    if (directives.filter((d) => d.name === name).length > 1) break;
  }
  return directives;
}

/**
 * The text dockerfile-ast parses: the file with the places where dockerfile-ast would read it
 * differently from BuildKit neutralised, offset for offset, so every span still points into the file.
 * dockerfile-ast reads every leading `# key=value` line as a directive (an `# escape=` below an
 * ordinary comment would change its escape char: the `=` of the line that ends BuildKit's directives
 * are blanked), it breaks lines at a lone \r (blanked), and it continues a line ending in a doubled
 * escape char, which BuildKit does not (the last one is replaced by a private-use character, which
 * ends no line and continues none).
 */
function astInput(text: string, lines: LineIndex, directives: readonly Directive[], escapeChar: string): string {
  const replaced = new Map<number, string>();
  const endLine = directives.length;
  if (endLine < lines.lineStarts.length) {
    const start = lines.lineStart(endLine);
    const content = text.slice(start, lines.lineContentEnd(endLine));
    if (/^\uFEFF?[ \t]*#/.test(content)) for (let i = content.indexOf('='); i >= 0; i = content.indexOf('=', i + 1)) replaced.set(start + i, ' ');
  }
  const e = escapeChar === '`' ? '`' : '\\\\';
  for (const m of text.matchAll(new RegExp(`${e}{2}[ \\t]*(?=\\r?\\n|$)`, 'g'))) replaced.set(m.index + 1, '\uE000');
  // After an escape char and blanks dockerfile-ast skips one character: an escape char there that
  // continues the line would be missed.
  for (const m of text.matchAll(new RegExp(`${e}[ \\t]+(?=${e}[ \\t]*(\\r?\\n|$))`, 'g'))) replaced.set(m.index, '\uE000');
  // dockerfile-ast breaks lines at a lone \r too; BuildKit does not.
  for (const m of text.matchAll(/\r(?!\n)/g)) replaced.set(m.index, ' ');
  if (replaced.size === 0) return text;
  let input = '';
  let from = 0;
  for (const at of [...replaced.keys()].sort((a, b) => a - b)) {
    input += text.slice(from, at) + replaced.get(at)!;
    from = at + 1;
  }
  return input + text.slice(from);
}
