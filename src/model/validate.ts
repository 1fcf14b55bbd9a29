import { type DockerfileModel, KEYWORDS } from './dockerfile.js';

export interface SyntaxProblem {
  line: number;
  message: string;
}

const KNOWN_KEYWORDS: ReadonlySet<string> = new Set(KEYWORDS);

/**
 * The errors BuildKit's parser would stop at, which the model reads through: a file that fails here
 * is reported as unreadable rather than linted or rewritten.
 */
export function findSyntaxProblem(model: DockerfileModel): SyntaxProblem | undefined {
  if (model.text.includes('\u0000'))
    return { line: model.lines.positionAt(model.text.indexOf('\u0000')).line, message: 'not a text file (contains NUL bytes)' };
  for (const instruction of model.instructions) {
    if (!KNOWN_KEYWORDS.has(instruction.keyword)) return { line: instruction.line, message: `unknown instruction: ${instruction.keyword}` };
    if (instruction.keyword === 'FROM' && instruction.args.length === 0) return { line: instruction.line, message: 'FROM requires an image' };
    if (instruction.keyword === 'FROM' && instruction.args.length !== 1 && instruction.args.length !== 3)
      return { line: instruction.line, message: 'FROM requires either one or three arguments' };
  }
  const firstNonArg = model.instructions.find((i) => i.keyword !== 'ARG');
  if (firstNonArg && firstNonArg.keyword !== 'FROM') return { line: firstNonArg.line, message: `${firstNonArg.keyword} before the first FROM` };
  if (model.instructions.length === 0) return { line: 1, message: 'the file has no instructions' };
  const repeated = model.directives.find((d, i) => model.directives.findIndex((other) => other.name === d.name) < i);
  if (repeated) return { line: model.lines.positionAt(repeated.span.start).line, message: `only one ${repeated.name} parser directive can be used` };
  for (const instruction of model.instructions) {
    const withHeredocs = instruction.trigger ?? instruction;
    if (withHeredocs.heredocs.some((h) => !h.terminated)) return { line: instruction.line, message: 'unterminated heredoc' };
  }
  const escapeDirective = model.directives.find((d) => d.name === 'escape');
  if (escapeDirective && escapeDirective.value !== '\\' && escapeDirective.value !== '`')
    return { line: model.lines.positionAt(escapeDirective.span.start).line, message: `invalid escape directive: ${escapeDirective.value}` };
  return undefined;
}
