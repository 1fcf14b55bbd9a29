import { insertBefore } from '../../fix/helpers.js';
import type { Instruction } from '../../model/dockerfile.js';
import { downloadsModules } from '../../model/shell.js';
import { coveringMount, fetchesModules } from '../go-facts.js';
import { defineRule } from '../define.js';

const BROAD_SOURCES = new Set(['.', './', '*', './*', './.', '/']);

export const copyBeforeModDownload = defineRule({
  name: 'copy-before-mod-download',
  code: 'WB104',
  meta: {
    description: 'Copy go.mod and go.sum and download modules before copying the whole context, so source edits keep the download layer cached.',
    severity: 'warning',
    fixable: 'suggestion',
    fixTitles: { broadCopy: 'Copy go.mod and go.sum and download modules first' },
    docs: { summary: '`COPY . .` before the module download, so every edit re-downloads', fix: 'suggestion only' },
    messages: {
      broadCopy: '{{keyword}} of the whole context before the stage downloads modules (line {{line}}): every source edit downloads all modules again. Copy go.mod and go.sum (and go.work, local replace dirs) first and run `go mod download`, or bind-mount them.',
    },
  },
  create(context) {
    return {
      'Dockerfile:exit'() {
        for (const stage of context.model.stages) {
          const download = stage.instructions.find((i) => i.keyword === 'RUN' && context.run(i).go.some((g) => fetchesModules(context, i, g, false)));
          if (!download) continue;
          const go = context.run(download).go.find((g) => fetchesModules(context, download, g, false))!;
          const gomodcache = context.goPaths(download, go.command.env).gomodcache.value;
          // With the module cache mounted, a re-run download is a cheap check, not a download.
          if (gomodcache && coveringMount(context, download, gomodcache)) continue;
          const copy = stage.instructions.find((i) => i.span.start < download.span.start && isBroadCopy(i));
          if (!copy) continue;
          const dest = copy.args[copy.args.length - 1]!.value;
          const destDir = dest.endsWith('/') ? dest : `${dest}/`;
          const lines = [`COPY go.mod go.sum ${destDir}`];
          if (!context.run(download).go.some(downloadsModules) || download.span.start > copy.span.start) lines.push('RUN go mod download');
          context.report({
            span: copy.span,
            messageId: 'broadCopy',
            data: { keyword: copy.keyword, line: download.line },
            fix: { kind: 'suggestion', edits: [insertBefore(context.model, copy, lines)] },
          });
        }
      },
    };
  },
});

function isBroadCopy(instruction: Instruction): boolean {
  if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') return false;
  if (instruction.flags.some((f) => f.name === 'from')) return false;
  if (instruction.heredocs.length > 0 || instruction.args.length < 2) return false;
  return instruction.args.slice(0, -1).some((a) => BROAD_SOURCES.has(a.value));
}
