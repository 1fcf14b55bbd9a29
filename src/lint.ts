import { type Followed, followRun } from './context/follow.js';
import { RuleError } from './errors.js';
import { applyEdits, type Edit, selectNonOverlapping } from './fix/edits.js';
import { type DockerfileModel, type Instruction, type Keyword, parseDockerfile } from './model/dockerfile.js';
import { analyzeDockerfile, type SemanticModel } from './model/semantic.js';
import type { Span } from './model/text.js';
import { rules as allRules } from './rules/index.js';
import type { BuildContextFacts, FixKind, ReportDescriptor, Rule, RuleContext, Severity } from './rules/types.js';
import { unusedIgnore } from './rules/unused-ignore/index.js';

export type RuleSetting = Severity | 'off';

export interface CheckOptions {
  /** Severity overrides by rule name or code. */
  rules?: Record<string, RuleSetting>;
  facts?: BuildContextFacts;
}

export interface FixOptions extends CheckOptions {
  /** Also apply suggestions: fixes that could change the image. */
  unsafe?: boolean;
}

export interface Suggestion {
  messageId: string;
  /** The suggestion's rendered message. */
  title: string;
  edits: Edit[];
}

export interface Finding {
  rule: string;
  code: string;
  severity: Severity;
  /** Which of the rule's messages this is. */
  messageId: string;
  message: string;
  /** 1-based */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  span: Span;
  fix: FixKind | null;
  /** What the fix does, as a quick-fix label; null without a fix. */
  fixTitle: string | null;
  edits: Edit[];
  /** Alternatives an editor may offer; `fix` never applies them. */
  suggestions: Suggestion[];
}

export interface FixResult {
  output: string;
  changed: boolean;
  /** Fixes applied over all passes. */
  applied: number;
  passes: number;
  /** True when the fixer stopped because a pass produced an earlier text again. */
  cycle: boolean;
  /** Findings still present in the output. */
  remaining: Finding[];
}

const MAX_PASSES = 10;

function configuredSeverity(rule: Rule, settings: Record<string, RuleSetting> | undefined): RuleSetting | undefined {
  return settings?.[rule.name] ?? settings?.[rule.code];
}

const IGNORE_COMMENT = /^warmbuild\s+(global\s+)?ignore=([\w,\s-]+)$/i;

/** One name in one ignore comment, and whether it suppressed a finding. */
interface IgnoreEntry {
  id: string;
  comment: Span;
  global: boolean;
  /** The instruction a non-global ignore applies to; none when the comment is the last thing in the file. */
  instruction?: Instruction;
  used: boolean;
}

/** The first instruction that starts at or after `offset` (instructions are in file order): a binary search. */
function firstInstructionFrom(model: DockerfileModel, offset: number): number {
  let lo = 0;
  let hi = model.instructions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (model.instructions[mid]!.span.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Ignores {
  entries: IgnoreEntry[];
  global: IgnoreEntry[];
  byInstruction: Map<Instruction, IgnoreEntry[]>;
}

function collectIgnores(model: DockerfileModel): Ignores {
  const ignores: Ignores = { entries: [], global: [], byInstruction: new Map() };
  for (const comment of model.comments) {
    const m = IGNORE_COMMENT.exec(comment.text.trim());
    if (!m) continue;
    const global = !!m[1];
    const instruction = global ? undefined : model.instructions[firstInstructionFrom(model, comment.span.start + 1)];
    for (const id of m[2]!
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean)) {
      const entry: IgnoreEntry = { id, comment: comment.span, global, ...(instruction ? { instruction } : {}), used: false };
      ignores.entries.push(entry);
      if (global) ignores.global.push(entry);
      else if (instruction) ignores.byInstruction.set(instruction, [...(ignores.byInstruction.get(instruction) ?? []), entry]);
    }
  }
  return ignores;
}

function isNamedBy(rule: Rule, id: string): boolean {
  return id === rule.name || id === rule.code.toLowerCase();
}

/** Whether an ignore comment suppresses `rule` at `span`; every comment that does is marked used. */
function suppress(ignores: Ignores, model: DockerfileModel, rule: Rule, span: Span): boolean {
  const candidate = model.instructions[firstInstructionFrom(model, span.start + 1) - 1];
  const owner = candidate && span.start <= candidate.span.end ? candidate : undefined;
  let suppressed = false;
  for (const entry of [...ignores.global, ...((owner && ignores.byInstruction.get(owner)) ?? [])]) {
    if (!isNamedBy(rule, entry.id)) continue;
    entry.used = true;
    suppressed = true;
  }
  return suppressed;
}

/** Fills `{{name}}` placeholders; a placeholder without a value is the rule's bug. */
function render(rule: Rule, messageId: string, data: Record<string, string | number> | undefined): string {
  const template = (rule.meta.messages as Record<string, string | undefined>)[messageId];
  if (template === undefined) throw new RuleError(rule.name, `reported the unknown messageId "${messageId}"`);
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_match: string, key: string) => {
    const value = data?.[key];
    if (value === undefined) throw new RuleError(rule.name, `message "${messageId}" needs data.${key}`);
    return String(value);
  });
}

const ALLOWED_FIXES: Record<string, readonly FixKind[]> = { safe: ['safe'], suggestion: ['suggestion'], 'safe-or-suggestion': ['safe', 'suggestion'] };

function toFinding(model: DockerfileModel, rule: Rule, severity: Severity, d: ReportDescriptor): Finding {
  if (d.fix && !(ALLOWED_FIXES[rule.meta.fixable ?? ''] ?? []).includes(d.fix.kind)) {
    throw new RuleError(rule.name, `offered a ${d.fix.kind} fix, which meta.fixable (${rule.meta.fixable}) does not allow`);
  }
  if (d.suggest?.length && !rule.meta.hasSuggestions) throw new RuleError(rule.name, 'offered suggestions without meta.hasSuggestions');
  const fixTitle = d.fix ? (d.fix.title ?? rule.meta.fixTitles?.[d.messageId]) : undefined;
  if (d.fix && fixTitle === undefined) throw new RuleError(rule.name, `a fix for message "${d.messageId}" has no title (meta.fixTitles)`);
  const start = model.lines.positionAt(d.span.start);
  const end = model.lines.positionAt(d.span.end);
  return {
    rule: rule.name,
    code: rule.code,
    severity,
    messageId: d.messageId,
    message: render(rule, d.messageId, d.data),
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    span: d.span,
    fix: d.fix ? d.fix.kind : null,
    fixTitle: fixTitle ?? null,
    edits: d.fix?.edits ?? [],
    suggestions: (d.suggest ?? []).map((s) => ({ messageId: s.messageId, title: render(rule, s.messageId, s.data), edits: s.edits })),
  };
}

/** unused-ignore's findings: names no rule knows, and ignores of rules that ran but reported nothing there. */
function unusedIgnores(ignores: Ignores, ruleList: readonly Rule[], ran: ReadonlySet<Rule>): ReportDescriptor<'unknown' | 'unused'>[] {
  return ignores.entries.flatMap((entry): ReportDescriptor<'unknown' | 'unused'>[] => {
    if (isNamedBy(unusedIgnore, entry.id) || entry.used) return [];
    const rule = ruleList.find((r) => isNamedBy(r, entry.id)) ?? allRules.find((r) => isNamedBy(r, entry.id));
    if (!rule) return [{ span: entry.comment, messageId: 'unknown', data: { name: entry.id } }];
    if (!ran.has(rule)) return [];
    const where = entry.global ? 'in this file' : entry.instruction ? `on line ${entry.instruction.line}` : 'after this comment';
    return [{ span: entry.comment, messageId: 'unused', data: { rule: rule.name, where, name: entry.id } }];
  });
}

/**
 * The instructions the visitors see, in file order: an ONBUILD RUN runs in every build FROM this image,
 * so its RUN is checked, and fixed, where it is written; other ONBUILD instructions are not visited.
 */
function visitedInstructions(model: DockerfileModel): { all: Instruction[]; byKeyword: Map<Keyword, Instruction[]> } {
  const all: Instruction[] = [];
  const byKeyword = new Map<Keyword, Instruction[]>();
  for (const written of model.instructions) {
    const instruction = written.keyword === 'ONBUILD' ? written.trigger : written;
    if (!instruction || (written.keyword === 'ONBUILD' && instruction.keyword !== 'RUN')) continue;
    all.push(instruction);
    const keyword = instruction.keyword as Keyword;
    const list = byKeyword.get(keyword);
    if (list) list.push(instruction);
    else byKeyword.set(keyword, [instruction]);
  }
  return { all, byKeyword };
}

/** Runs the rules over an analysed Dockerfile. Pure: same model and options, same findings. */
export function lintModel(model: SemanticModel, options: CheckOptions = {}, ruleList: readonly Rule[] = allRules): Finding[] {
  const findings: Finding[] = [];
  const ignores = collectIgnores(model);
  const followed = new Map<Instruction, Followed>();
  const shared = new Map<(context: RuleContext, key: never) => unknown, Map<object, unknown>>();
  const buildContext = options.facts?.context;
  const visited = visitedInstructions(model);
  const ran = new Set<Rule>();
  for (const rule of ruleList) {
    const configured = configuredSeverity(rule, options.rules);
    if (configured === 'off' || (configured === undefined && rule.meta.optIn)) continue;
    ran.add(rule);
    const context: RuleContext = {
      model,
      facts: options.facts ?? {},
      env: model.env,
      goPaths: model.goPaths,
      run: model.run,
      follow: (instruction) => {
        let result = followed.get(instruction);
        if (!result) {
          result = buildContext ? followRun(model, instruction, buildContext) : { go: [], unknown: [], wanted: [], wantsList: false };
          followed.set(instruction, result);
        }
        return result;
      },
      shared: (fact, key) => {
        let values = shared.get(fact);
        if (!values) {
          values = new Map();
          shared.set(fact, values);
        }
        const known = values.get(key) as ReturnType<typeof fact> | undefined;
        if (known !== undefined || values.has(key)) return known as ReturnType<typeof fact>;
        const value = fact(context, key);
        values.set(key, value);
        return value;
      },
      report: (d) => {
        const finding = toFinding(model, rule, configured ?? d.severity ?? rule.meta.severity, d);
        if (!suppress(ignores, model, rule, d.span)) findings.push(finding);
      },
    };
    const visitors = rule.create(context);
    const keywords = Object.keys(visitors).filter((k): k is Keyword => k !== 'Dockerfile:exit' && visitors[k as Keyword] !== undefined);
    // A rule that visits one keyword (most do) walks only those instructions; file order is kept either way.
    if (keywords.length === 1) {
      const keyword = keywords[0]!;
      for (const instruction of visited.byKeyword.get(keyword) ?? []) visitors[keyword]!(instruction);
    } else if (keywords.length > 1) {
      const visiting = new Set<string>(keywords);
      for (const instruction of visited.all) if (visiting.has(instruction.keyword)) visitors[instruction.keyword as Keyword]!(instruction);
    }
    visitors['Dockerfile:exit']?.();
  }
  const configured = configuredSeverity(unusedIgnore, options.rules);
  if (ran.has(unusedIgnore) && configured !== 'off') {
    for (const d of unusedIgnores(ignores, ruleList, ran)) {
      const finding = toFinding(model, unusedIgnore, configured ?? unusedIgnore.meta.severity, d);
      if (!suppress(ignores, model, unusedIgnore, d.span)) findings.push(finding);
    }
  }
  return findings.sort((a, b) => a.span.start - b.span.start || a.code.localeCompare(b.code));
}

export function checkText(text: string, options: CheckOptions = {}, ruleList: readonly Rule[] = allRules): Finding[] {
  return lintModel(analyzeDockerfile(parseDockerfile(text)), options, ruleList);
}

/** One fixer pass: every offered fix whose edits overlap no earlier pick, applied at once. */
export function fixPass(text: string, findings: readonly Finding[], unsafe: boolean): { output: string; applied: Finding[] } {
  const fixable = findings.filter((f) => f.edits.length > 0 && (f.fix === 'safe' || unsafe));
  const applied = selectNonOverlapping(fixable);
  return {
    output:
      applied.length > 0
        ? applyEdits(
            text,
            applied.flatMap((f) => f.edits),
          )
        : text,
    applied,
  };
}

/** `fixModel` over a text. */
export function fixText(text: string, options: FixOptions = {}, ruleList: readonly Rule[] = allRules): FixResult {
  return fixModel(analyzeDockerfile(parseDockerfile(text)), options, ruleList);
}

/**
 * Applies fixes in up to ten passes: the first from `model` (the one `check` lints), each later one
 * re-parses the fixed text and applies what `fixPass` picks; the fixer stops when nothing changes or
 * a text repeats (a cycle).
 */
export function fixModel(model: SemanticModel, options: FixOptions = {}, ruleList: readonly Rule[] = allRules): FixResult {
  const text = model.text;
  let current = text;
  const seen = new Set([text]);
  let applied = 0;
  let passes = 0;
  let cycle = false;
  let findings = lintModel(model, options, ruleList);
  while (passes < MAX_PASSES) {
    const pass = fixPass(current, findings, options.unsafe === true);
    if (pass.applied.length === 0 || pass.output === current) break;
    passes++;
    if (seen.has(pass.output)) {
      cycle = true;
      break;
    }
    seen.add(pass.output);
    current = pass.output;
    applied += pass.applied.length;
    findings = checkText(current, options, ruleList);
  }
  return { output: current, changed: current !== text, applied, passes, cycle, remaining: findings };
}
