import { dockerignored } from '../../context/build-context.js';
import { InputError } from '../../errors.js';
import { type GoModFile, parseGoMod } from '../../go/gomod.js';
import type { Instruction, Stage } from '../../model/dockerfile.js';
import { downloadsModules } from '../../model/shell.js';
import { insertBefore } from '../../writer/edit-builders.js';
import { defineRule } from '../define.js';
import { coveringMount, fetchesModules } from '../go-facts.js';
import type { RuleContext } from '../types.js';

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
      broadCopy:
        '{{keyword}} of the whole context before the stage downloads modules (line {{line}}): every source edit downloads all modules again. Copy go.mod and go.sum (and go.work, local replace dirs) first and run `go mod download`, or bind-mount them.',
      broadCopyBlocked:
        '{{keyword}} of the whole context before the stage downloads modules (line {{line}}): every source edit downloads all modules again. Copy the module manifests first and run `go mod download`, or bind-mount them. Not fixed automatically: {{reason}}.',
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
          const manifests = manifestsToCopy(context, stage, download);
          const data = { keyword: copy.keyword, line: download.line };
          if ('reason' in manifests) {
            context.report({ span: copy.span, messageId: 'broadCopyBlocked', data: { ...data, reason: manifests.reason } });
            continue;
          }
          const dest = copy.args[copy.args.length - 1]!.value;
          const destDir = dest.endsWith('/') ? dest : `${dest}/`;
          // The manifests get the owner and mode the whole-context copy gives them.
          const ownership = copy.flags
            .filter((f) => f.name === 'chown' || f.name === 'chmod')
            .map((f) => `${context.model.text.slice(f.span.start, f.span.end)} `)
            .join('');
          const lines = [`COPY ${ownership}${manifests.files.join(' ')} ${destDir}`];
          if (!context.run(download).go.some(downloadsModules) || download.span.start > copy.span.start) lines.push('RUN go mod download');
          context.report({
            span: copy.span,
            messageId: 'broadCopy',
            data,
            fix: { kind: 'suggestion', edits: [insertBefore(context.model, copy, lines)] },
          });
        }
      },
    };
  },
});

/**
 * The manifests a `COPY … && go mod download` needs, when the build context shows that copying them
 * alone builds: go.mod is there (not made by `go mod init`), go.sum only when it exists, and nothing
 * else is needed (no go.work, no local replace directory).
 */
function manifestsToCopy(context: RuleContext, stage: Stage, download: Instruction): { files: string[] } | { reason: string } {
  const ctx = context.facts.context;
  if (!ctx) return { reason: 'without the build context warmbuild cannot tell which manifests exist' };
  const init = stage.instructions.find(
    (i) => i.keyword === 'RUN' && i.span.start <= download.span.start && context.run(i).go.some((g) => g.subcommand === 'mod init'),
  );
  if (init) return { reason: `line ${init.line} creates go.mod with \`go mod init\`` };
  const present = (file: string): boolean => !dockerignored(ctx.dockerignore, file);
  const goMod = ctx.files['go.mod'];
  if (goMod === undefined || !present('go.mod')) return { reason: 'the build context has no go.mod at its root' };
  if (ctx.files['go.work'] !== undefined && present('go.work')) return { reason: 'the project is a Go workspace (go.work): its modules must be copied too' };
  let replaces: GoModFile['replaces'];
  try {
    replaces = parseGoMod(goMod, 'go.mod').replaces;
  } catch (error) {
    if (error instanceof InputError) return { reason: `go.mod does not parse (${error.message})` };
    throw error;
  }
  const local = replaces.find((r) => r.local);
  if (local) return { reason: `go.mod replaces ${local.oldPath} with the local directory ${local.newPath}, which the download needs too` };
  return { files: ctx.hasGoSum === true && present('go.sum') ? ['go.mod', 'go.sum'] : ['go.mod'] };
}

function isBroadCopy(instruction: Instruction): boolean {
  if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') return false;
  if (instruction.flags.some((f) => f.name === 'from')) return false;
  if (instruction.heredocs.length > 0 || instruction.args.length < 2) return false;
  return instruction.args.slice(0, -1).some((a) => BROAD_SOURCES.has(a.value));
}
