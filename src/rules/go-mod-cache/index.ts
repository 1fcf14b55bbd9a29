import type { Edit } from '../../fix/edits.js';
import type { Resolved } from '../../model/dockerfile.js';
import { type DockerfileModel, type Instruction, type Stage, stageDependents } from '../../model/dockerfile.js';
import { isWithin } from '../../model/env.js';
import type { CacheMount } from '../../model/mounts.js';
import { addRunMount } from '../../writer/edit-builders.js';
import { goCacheMountValue } from '../../writer/mount.js';
import { defineRule } from '../define.js';
import { cacheMounts, coveringMount, fetchesModules, type GoCommand, goCommands, looksLikeModCache, usesModules, vendorMode } from '../go-facts.js';
import type { FixKind, RuleContext } from '../types.js';

interface ModuleRun {
  run: Instruction;
  dir: Resolved;
  mount: CacheMount | undefined;
  /** A mount aimed at the module cache that misses it: cache-target-mismatch reports those. */
  misaimed: boolean;
}

interface Problem {
  kind: 'missing' | 'shadow';
  run: Instruction;
  go?: GoCommand;
  mount?: CacheMount;
  dir: string;
  filledBy?: Instruction;
}

export const goModCache = defineRule({
  name: 'go-mod-cache',
  code: 'WB102',
  meta: {
    description: 'Module downloads need a BuildKit cache mount on GOMODCACHE, the same one on every Go RUN of the stage.',
    severity: 'warning',
    fixable: 'safe-or-suggestion',
    fixTitles: { missing: 'Mount a cache on GOMODCACHE on every Go RUN of the stage', shadow: 'Mount the module cache before the first download of the stage' },
    docs: {
      summary: 'module downloads (also through make and scripts) without a GOMODCACHE mount; a mount that shadows modules an earlier layer downloaded',
      fix: 'safe, a suggestion, or none with the reason',
    },
    messages: {
      missing:
        '`{{command}}` downloads modules without a cache mount on GOMODCACHE ({{dir}}): every change to go.mod or go.sum downloads all modules again. Mount --mount=type=cache,target={{dir}} on every Go RUN of this stage.',
      missingBlocked: '`{{command}}` downloads modules without a cache mount on GOMODCACHE ({{dir}}). Not fixed automatically: {{reason}}.',
      shadow:
        'This cache mount on GOMODCACHE ({{dir}}) hides the modules line {{line}} downloaded into the image layer: Go downloads them again, or fails offline. Mount the same cache on every Go RUN of the stage.',
      shadowBlocked:
        'This cache mount on GOMODCACHE ({{dir}}) hides the modules line {{line}} downloaded into the image layer: Go downloads them again, or fails offline. Not fixed automatically: {{reason}}.',
    },
  },
  create(context) {
    const filledAtEnd = new Map<Stage, Instruction | undefined>();
    return {
      'Dockerfile:exit'() {
        for (const stage of context.model.stages) {
          const inherited = stage.base ? filledAtEnd.get(stage.base) : undefined;
          let filledBy = inherited;
          const moduleRuns: ModuleRun[] = [];
          const problems: Problem[] = [];
          for (const run of stage.instructions) {
            if (run.keyword !== 'RUN') continue;
            const gos = goCommands(context, run).filter((g) => usesModules(g.go) && !vendorMode(context, run, g.go));
            if (gos.length === 0) continue;
            const dir = context.goPaths(run, gos[0]!.go.command.env).gomodcache;
            const mount = dir.value ? coveringMount(context, run, dir.value) : undefined;
            const misaimed = !mount && cacheMounts(run).some((m) => m.target !== undefined && looksLikeModCache(m.target));
            moduleRuns.push({ run, dir, mount, misaimed });
            if (misaimed) continue;
            if (mount) {
              if (filledBy) problems.push({ kind: 'shadow', run, mount, dir: dir.value!, filledBy });
              continue;
            }
            const fetching = gos.find((g) => fetchesModules(context, run, g.go, filledBy !== undefined));
            if (fetching) {
              problems.push({ kind: 'missing', run, go: fetching, dir: dir.value ?? 'location unknown' });
              filledBy ??= run;
            }
          }
          filledAtEnd.set(stage, filledBy);
          if (problems.length === 0) continue;
          const plan = planStageFix(context, stage, moduleRuns, inherited);
          for (const problem of problems) {
            const blocked = 'reason' in plan;
            const fix = blocked ? undefined : { kind: plan.kind, edits: plan.edits };
            if (problem.kind === 'missing') {
              context.report({
                span: problem.go!.span,
                messageId: blocked ? 'missingBlocked' : 'missing',
                data: { command: problem.go!.label, dir: problem.dir, reason: blocked ? plan.reason : '' },
                fix,
              });
            } else {
              context.report({
                span: problem.mount!.span,
                messageId: blocked ? 'shadowBlocked' : 'shadow',
                data: { dir: problem.dir, line: problem.filledBy!.line, reason: blocked ? plan.reason : '' },
                fix,
              });
            }
          }
        }
      },
    };
  },
});

type Plan = { kind: FixKind; edits: Edit[] } | { reason: string };

/** One fix for the whole stage: the module mount on every Go RUN that lacks it, or the reason there is none. */
function planStageFix(context: RuleContext, stage: Stage, moduleRuns: ModuleRun[], inherited: Instruction | undefined): Plan {
  const model = context.model;
  if (inherited)
    return { reason: `the modules come from the layers of stage ${stageLabel(stage.base!)} (line ${inherited.line}); mount the cache there as well` };
  const lacking = moduleRuns.filter((r) => !r.mount);
  if (lacking.some((r) => r.misaimed)) return { reason: 'a cache mount in this stage aims at the module cache but misses it (see cache-target-mismatch)' };
  const unknown = lacking.find((r) => r.dir.value === undefined);
  if (unknown) return { reason: `GOMODCACHE at line ${unknown.run.line} is not determined by the Dockerfile; set ENV GOMODCACHE` };
  const firstLacking = lacking[0]!;
  // A later make or script the context shows fully is one of the module RUNs (and gets the mount); any other may need the modules in the layer.
  const followed = (i: Instruction): boolean => moduleRuns.some((r) => r.run === i) && context.follow(i).unknown.length === 0;
  const opaque = stage.instructions.find(
    (i) => i.keyword === 'RUN' && i.span.start > firstLacking.run.span.start && context.run(i).opaque.length > 0 && !followed(i),
  );
  if (opaque) return { reason: `line ${opaque.line} runs a script or make that may need the modules in the layer` };
  const dependent = dependentNeedingModules(
    context,
    stage,
    lacking.map((r) => r.dir.value!),
  );
  if (dependent) return { reason: `line ${dependent.line} builds on this stage and may need the modules in its layer` };
  const named = lacking.find((r) => goCacheMountValue(r.dir.value!, context.env(r.run)) === undefined);
  if (named)
    return { reason: `line ${named.run.line} runs as USER ${context.env(named.run).user}, whose uid the Dockerfile does not tell: use a numeric USER` };
  const edits = lacking.map((r) => addRunMount(model, r.run, goCacheMountValue(r.dir.value!, context.env(r.run))!));
  const finalStage = stage === model.stages[model.stages.length - 1];
  const certain = lacking.every((r) => r.dir.certain);
  return { kind: certain && !finalStage ? 'safe' : 'suggestion', edits };
}

function dependentNeedingModules(context: RuleContext, stage: Stage, dirs: string[]): Instruction | undefined {
  const model: DockerfileModel = context.model;
  return stageDependents(model, stage).find((user) => {
    if (user.keyword === 'FROM') {
      const child = user.stage!;
      return child.instructions.some((i) => i.keyword === 'RUN' && (context.run(i).go.length > 0 || context.run(i).opaque.length > 0));
    }
    if (user.keyword === 'COPY' || user.keyword === 'ADD') {
      const sources = user.args.slice(0, -1).map((a) => a.value);
      return sources.some((src) => dirs.some((d) => isWithin(src, d) || isWithin(d, src)));
    }
    return user.mounts.some((m) => m.source !== undefined && dirs.some((d) => isWithin(m.source!.startsWith('/') ? m.source! : `/${m.source}`, d)));
  });
}

function stageLabel(stage: Stage): string {
  return stage.name ? `"${stage.name}"` : `#${stage.index}`;
}
