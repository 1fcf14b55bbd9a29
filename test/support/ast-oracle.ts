/**
 * The test oracle for src/model/parser.ts: the instructions as warmbuild split them with dockerfile-ast
 * 0.7.1 (a devDependency kept for this), with the input rewritten where dockerfile-ast reads a file
 * differently from BuildKit (`astInput`), assembled into the model by the same `assembleModel`.
 * test/model/parser.test.ts checks that our parser builds the same model.
 */
import type { Dockerfile as AstDockerfile, Instruction as AstInstruction } from 'dockerfile-ast';
import astModule from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';
import {
  assembleModel,
  type Directive,
  type DockerfileModel,
  type Flag,
  type Heredoc,
  type ParsedInstruction,
  type Property,
  readHeader,
  unquote,
} from '../../src/model/dockerfile.js';
import type { LineIndex, Span } from '../../src/model/text.js';

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
  const header = readHeader(text);
  const { lines, directives, escapeChar } = header;
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

  const comments = ast.getComments().map((c) => span(c.getRange()));
  // dockerfile-ast takes any leading `# key=value` line for a directive; BuildKit only knows three.
  for (const d of ast.getDirectives()) {
    const directiveSpan = span(d.getRange());
    if (!directives.some((known) => known.span.start === directiveSpan.start)) comments.push(directiveSpan);
  }
  comments.sort((a, b) => a.start - b.start);

  const instruction = (node: AstInstruction): ParsedInstruction => {
    const keyword = node.getKeyword().toUpperCase();
    const anyNode = node as unknown as Record<string, unknown>;
    const flags: Flag[] = [];
    if (typeof anyNode.getFlags === 'function') {
      for (const f of (node as unknown as { getFlags(): import('dockerfile-ast').Flag[] }).getFlags()) {
        const valueRange = f.getValueRange();
        flags.push({ name: f.getName().toLowerCase(), value: f.getValue(), span: span(f.getRange()), valueSpan: valueRange ? span(valueRange) : null });
      }
    }
    const heredocs: Heredoc[] = [];
    if (typeof anyNode.getHeredocs === 'function') {
      for (const h of (anyNode.getHeredocs as () => import('dockerfile-ast').Heredoc[]).call(node)) {
        const content = h.getContentRange();
        heredocs.push({ name: h.getName(), contentSpan: content ? span(content) : null, terminated: h.getDelimiterRange() !== null });
      }
    }
    // The model reads ARG's declarations from its words, whichever parser split them.
    const properties: Property[] = [];
    if (keyword !== 'ARG' && typeof anyNode.getProperties === 'function') {
      for (const p of (anyNode.getProperties as () => import('dockerfile-ast').Property[]).call(node)) {
        const value = p.getValue();
        properties.push({ name: p.getName(), value: value === null ? null : unquote(value), span: span(p.getRange()) });
      }
    }
    const trigger =
      keyword === 'ONBUILD' && typeof anyNode.getTriggerInstruction === 'function'
        ? (anyNode.getTriggerInstruction as () => AstInstruction | null).call(node)
        : null;
    return {
      keyword,
      span: span(node.getRange()),
      keywordSpan: span(node.getInstructionRange()),
      flags,
      args: node.getArguments().map((a) => ({ value: a.getValue(), span: span(a.getRange()) })),
      heredocs,
      properties,
      trigger: trigger ? instruction(trigger) : undefined,
    };
  };

  return assembleModel(header, { instructions: ast.getInstructions().map(instruction), comments });
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
