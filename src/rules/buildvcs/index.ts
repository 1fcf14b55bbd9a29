import type { Instruction } from '../../model/dockerfile.js';
import { compiles } from '../../model/shell.js';
import { defineRule } from '../define.js';
import { commandSpan, stampsVcs } from '../go-facts.js';
import type { RuleContext } from '../types.js';

const CONTEXT_ROOT = new Set(['.', './', '*', './*', '/']);

/** Whether the stage (or a stage it builds on) puts the context root, and so .git, where Go builds. */
function copiesContext(run: Instruction): boolean {
  for (let stage = run.stage; stage; stage = stage.base) {
    for (const i of stage.instructions) {
      if (stage === run.stage && i.span.start > run.span.start) break;
      if (
        (i.keyword === 'COPY' || i.keyword === 'ADD') &&
        !i.flags.some((f) => f.name === 'from') &&
        i.args.slice(0, -1).some((a) => CONTEXT_ROOT.has(a.value))
      )
        return true;
    }
  }
  return run.mounts.some((m) => m.type === 'bind' && !m.from && (m.source === undefined || CONTEXT_ROOT.has(m.source)));
}

/** Git in the builder: the Debian-based golang images ship it; alpine and others need it installed. */
function hasGit(context: RuleContext, run: Instruction): boolean {
  for (let stage = run.stage; stage; stage = stage.base) {
    if (
      stage.instructions.some(
        (i) =>
          i.keyword === 'RUN' &&
          /\b(apk|apt-get|apt|yum|dnf|microdnf)\b[^&|;]*\binstall\b[^&|;]*\sgit(\s|$)|\bapk add\b[^&|;]*\sgit(\s|$)/.test(
            context.model.text.slice(i.span.start, i.span.end),
          ),
      )
    )
      return true;
    if (!stage.base) return context.env(stage.from).golangImage && !/alpine/i.test(stage.image);
  }
  return false;
}

/** .dockerignore patterns that drop part of .git but not all of it. */
function partialGitExclusion(dockerignore: string): string | undefined {
  const patterns = dockerignore
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const whole = patterns.some((p) => /^\/?(\.git|\.git\/|\.git\/\*\*|\*\*\/\.git)$/.test(p));
  if (whole) return undefined;
  return patterns.find((p) => /^\/?\.git\/./.test(p));
}

export const buildvcs = defineRule({
  name: 'buildvcs',
  code: 'WB111',
  meta: {
    description:
      'Go stamps VCS information into binaries; with .git partly excluded, or no git in the builder, the build fails with "error obtaining VCS status".',
    severity: 'error',
    fixable: null,
    docs: { summary: 'VCS stamping with `.git` partly excluded or no git in the builder', fix: 'none (two good choices; the message names both)' },
    messages: {
      partial:
        '`go {{command}}` stamps VCS information, but .dockerignore excludes part of .git ({{pattern}}): Go fails with "error obtaining VCS status". Add -buildvcs=false, or exclude .git entirely.',
      noGit:
        '`go {{command}}` stamps VCS information from the copied .git, but the builder image has no git: Go fails with "error obtaining VCS status". Add -buildvcs=false, exclude .git in .dockerignore, or install git.',
    },
  },
  create(context) {
    return {
      RUN(run) {
        const ctx = context.facts.context;
        if (!ctx?.hasGit) return;
        const go = context.run(run).go.find((g) => (g.subcommand === 'build' || g.subcommand === 'install') && compiles(g) && stampsVcs(context, run, g));
        if (!go || !copiesContext(run)) return;
        const partial = ctx.dockerignore === undefined ? undefined : partialGitExclusion(ctx.dockerignore);
        if (partial) {
          context.report({ span: commandSpan(go), messageId: 'partial', data: { command: go.subcommand, pattern: partial } });
          return;
        }
        const excluded = (ctx.dockerignore?.split(/\r?\n/) ?? []).some((l) => /^\/?(\.git|\.git\/|\.git\/\*\*|\*\*\/\.git)$/.test(l.trim()));
        if (!excluded && !hasGit(context, run)) context.report({ span: commandSpan(go), messageId: 'noGit', data: { command: go.subcommand } });
      },
    };
  },
});
