import { applyEdits, selectNonOverlapping, type Edit } from './fix/edits.js';
import { parseDockerfile, type DockerfileModel, type Instruction } from './model/dockerfile.js';
import { envAt, goPathsAt } from './model/env.js';
import { followRun, type Followed } from './context/follow.js';
import { analyzeRun, type RunAnalysis } from './model/shell.js';
import type { Span } from './model/text.js';
import { rules as allRules } from './rules/index.js';
import type { BuildContextFacts, FixKind, Keyword, Rule, RuleContext, Severity } from './rules/types.js';

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
  edits: Edit[];
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

interface Ignores {
  global: Set<string>;
  byInstruction: Map<Instruction, Set<string>>;
}

function collectIgnores(model: DockerfileModel): Ignores {
  const ignores: Ignores = { global: new Set(), byInstruction: new Map() };
  for (const comment of model.comments) {
    const m = IGNORE_COMMENT.exec(comment.text.trim());
    if (!m) continue;
    const ids = m[2]!.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    if (m[1]) {
      ids.forEach((id) => ignores.global.add(id));
      continue;
    }
    const next = model.instructions.find((i) => i.span.start > comment.span.start);
    if (!next) continue;
    const set = ignores.byInstruction.get(next) ?? new Set<string>();
    ids.forEach((id) => set.add(id));
    ignores.byInstruction.set(next, set);
  }
  return ignores;
}

function isIgnored(ignores: Ignores, model: DockerfileModel, rule: Rule, span: Span): boolean {
  const keys = [rule.name, rule.code.toLowerCase()];
  if (keys.some((k) => ignores.global.has(k))) return true;
  const owner = model.instructions.find((i) => i.span.start <= span.start && span.start <= i.span.end);
  const set = owner && ignores.byInstruction.get(owner);
  return !!set && keys.some((k) => set.has(k));
}

/** Runs the rules over a parsed Dockerfile. Pure: same model and options, same findings. */
export function lintModel(model: DockerfileModel, options: CheckOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const ignores = collectIgnores(model);
  const followed = new Map<Instruction, Followed>();
  const analyze = (instruction: Instruction): RunAnalysis => analyzeRun(model, instruction);
  const buildContext = options.facts?.context;
  for (const rule of allRules) {
    const configured = configuredSeverity(rule, options.rules);
    if (configured === 'off') continue;
    const context: RuleContext = {
      model,
      facts: options.facts ?? {},
      env: (instruction) => envAt(model, instruction),
      goPaths: (instruction, overrides) => goPathsAt(envAt(model, instruction), overrides),
      run: analyze,
      follow: (instruction) => {
        let result = followed.get(instruction);
        if (!result) {
          result = buildContext ? followRun(model, instruction, buildContext, analyze(instruction)) : { go: [], unknown: [], wanted: [], wantsList: false };
          followed.set(instruction, result);
        }
        return result;
      },
      report: (d) => {
        if (isIgnored(ignores, model, rule, d.span)) return;
        const template = rule.meta.messages[d.messageId] ?? d.messageId;
        const message = template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_match: string, key: string) => String(d.data?.[key] ?? ''));
        const start = model.lines.positionAt(d.span.start);
        const end = model.lines.positionAt(d.span.end);
        findings.push({
          rule: rule.name,
          code: rule.code,
          severity: configured ?? d.severity ?? rule.meta.severity,
          messageId: d.messageId,
          message,
          line: start.line,
          column: start.column,
          endLine: end.line,
          endColumn: end.column,
          span: d.span,
          fix: d.fix ? d.fix.kind : null,
          edits: d.fix?.edits ?? [],
        });
      },
    };
    const visitors = rule.create(context);
    for (const instruction of model.instructions) {
      // An ONBUILD RUN runs in every build FROM this image: its RUN is checked, and fixed, where it is written.
      if (instruction.keyword === 'ONBUILD') {
        if (instruction.trigger?.keyword === 'RUN') visitors.RUN?.(instruction.trigger);
        continue;
      }
      visitors[instruction.keyword as Keyword]?.(instruction);
    }
    visitors['Dockerfile:exit']?.();
  }
  return findings.sort((a, b) => a.span.start - b.span.start || a.code.localeCompare(b.code));
}

export function checkText(text: string, options: CheckOptions = {}): Finding[] {
  return lintModel(parseDockerfile(text), options);
}

/** One fixer pass: every offered fix whose edits overlap no earlier pick, applied at once. */
export function fixPass(text: string, findings: readonly Finding[], unsafe: boolean): { output: string; applied: Finding[] } {
  const fixable = findings.filter((f) => f.edits.length > 0 && (f.fix === 'safe' || unsafe));
  const applied = selectNonOverlapping(fixable);
  return { output: applied.length > 0 ? applyEdits(text, applied.flatMap((f) => f.edits)) : text, applied };
}

/**
 * Applies fixes in up to ten passes: each pass re-parses and applies what `fixPass` picks; the
 * fixer stops when nothing changes or a text repeats (a cycle).
 */
export function fixText(text: string, options: FixOptions = {}): FixResult {
  let current = text;
  const seen = new Set([text]);
  let applied = 0;
  let passes = 0;
  let cycle = false;
  let findings = checkText(current, options);
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
    findings = checkText(current, options);
  }
  return { output: current, changed: current !== text, applied, passes, cycle, remaining: findings };
}
