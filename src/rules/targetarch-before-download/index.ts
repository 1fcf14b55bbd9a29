import type { Edit } from '../../fix/edits.js';
import type { DockerfileModel, Instruction } from '../../model/dockerfile.js';
import { downloadsModules } from '../../model/shell.js';
import { insertAfter, removeInstruction } from '../../writer/edit-builders.js';
import { defineRule } from '../define.js';

const TARGET_ARGS = new Set(['TARGETOS', 'TARGETARCH', 'TARGETPLATFORM', 'TARGETVARIANT']);

export const targetarchBeforeDownload = defineRule({
  name: 'targetarch-before-download',
  code: 'WB130',
  meta: {
    description: 'In a --platform=$BUILDPLATFORM builder, declare TARGETOS/TARGETARCH after the module download, which is the same for every platform.',
    severity: 'warning',
    fixable: 'safe',
    fixTitles: { early: 'Move the ARG below the module download' },
    docs: {
      summary: '`ARG TARGETARCH` before the module download in a cross-compiling stage',
      fix: 'safe (moves the ARG below the download) when nothing before uses it',
    },
    messages: {
      early:
        'ARG {{names}} is declared before the module download (line {{line}}): every target platform gets its own copy of that step and downloads again, although modules are platform independent. Declare it after the download.',
    },
  },
  create(context) {
    return {
      'Dockerfile:exit'() {
        for (const stage of context.model.stages) {
          if (!/\$\{?BUILDPLATFORM\}?/.test(stage.platform ?? '')) continue;
          const download = stage.instructions.find((i) => i.keyword === 'RUN' && context.run(i).go.some(downloadsModules));
          if (!download) continue;
          for (const arg of stage.instructions.filter((i) => i.keyword === 'ARG' && i.span.start < download.span.start)) {
            const names = arg.properties.map((p) => p.name).filter((n) => TARGET_ARGS.has(n));
            if (names.length === 0) continue;
            // A RUN in between may read the variable implicitly (xx-apk, xx-go do): then the layers
            // before the download are per platform anyway, and moving the ARG would break them.
            if (stage.instructions.some((i) => i.keyword === 'RUN' && i.span.start > arg.span.start && i.span.start < download.span.start)) continue;
            context.report({
              span: arg.span,
              messageId: 'early',
              data: { names: names.join(' '), line: download.line },
              fix: moveAfter(context.model, arg, download, stage.instructions),
            });
          }
        }
      },
    };
  },
});

/**
 * Moves the ARG below the download when that is certainly harmless: it declares only TARGET* names
 * without defaults, and nothing from it down to the download (COPY --chown=$TARGETARCH, ...) uses them.
 */
function moveAfter(
  model: DockerfileModel,
  arg: Instruction,
  download: Instruction,
  instructions: readonly Instruction[],
): { kind: 'safe'; edits: Edit[] } | undefined {
  if (!arg.properties.every((p) => TARGET_ARGS.has(p.name) && p.value === null)) return undefined;
  const between = instructions.filter((i) => i.span.start > arg.span.start && i.span.start <= download.span.start);
  const uses = new RegExp(`\\$\\{?(${arg.properties.map((p) => p.name).join('|')})\\b`);
  if (between.some((i) => uses.test(model.text.slice(i.span.start, i.span.end)))) return undefined;
  return { kind: 'safe', edits: [removeInstruction(model, arg), insertAfter(model, download, [model.text.slice(arg.span.start, arg.span.end)])] };
}
