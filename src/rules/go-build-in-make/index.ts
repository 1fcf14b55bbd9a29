import { goCommandsOfMake, parseMakefile, type Makefile } from '../../context/makefile.js';
import { globRegExp, makefileFlag, scriptCandidates } from '../../context/collect.js';
import { copiedFrom } from '../../context/copies.js';
import { addRunMount } from '../../fix/helpers.js';
import { analyzeScript, compiles, lexShell, type GoInvocation, type SimpleCommand } from '../../model/shell.js';
import type { BuildContext } from '../types.js';
import { coveringMount, goCacheMountValue, inFinalStage, isGoBuilderStage, usesModules, vendorMode } from '../go-facts.js';
import { defineRule } from '../define.js';

const MAKEFILES = ['GNUmakefile', 'makefile', 'Makefile'];

/** The Go commands an opaque command runs, as far as the context shows; undefined when it does not. */
function goCommandsOf(command: SimpleCommand, context: BuildContext, copied: (script: string) => readonly string[]): GoInvocation[] | undefined {
  const argv = command.argv.map((w) => w.value);
  const name = argv[0]?.split('/').pop();
  if (name === 'make' || name === 'gmake') {
    if (argv.includes('-C') || argv.some((a) => a.startsWith('--directory'))) return undefined;
    const named = makefileFlag(argv);
    const names = named !== undefined ? [named.replace(/^\.\//, '')] : MAKEFILES;
    const found = names.map((n) => context.files[n]).find((t) => t !== undefined);
    if (found === undefined) return undefined;
    const mk: Makefile = parseMakefile(found);
    for (const include of mk.includes) {
      const pattern = globRegExp(include);
      for (const [file, text] of Object.entries(context.files)) if (pattern.test(file)) parseMakefile(text, mk);
    }
    const targets = argv.slice(1).filter((a, i, all) => !a.startsWith('-') && !a.includes('=') && all[i - 1] !== '-f' && all[i - 1] !== '--file' && all[i - 1] !== '-j');
    const result = goCommandsOfMake(mk, targets);
    return result.resolved || result.go.length > 0 ? result.go : undefined;
  }
  const script = scriptCandidates(argv, copied).map((c) => context.files[c]).find((t) => t !== undefined);
  return script === undefined ? undefined : analyzeScript(lexShell(script, null)).go;
}

export const goBuildInMake = defineRule({
  name: 'go-build-in-make',
  code: 'WB110',
  meta: {
    description: 'Go compiled by `make` or a script, as the build context shows, needs the same cache mounts as a direct `go build`.',
    severity: 'warning',
    fixable: 'safe-or-suggestion',
    fixTitles: { compiles: 'Mount a cache on GOCACHE for the make or script RUN', downloads: 'Mount a cache on GOMODCACHE for the make or script RUN' },
    docs: { summary: '`make` or a script compiles Go (per the build context) without the cache mounts', severityNote: 'info without the build context', fix: 'safe when GOCACHE is certain' },
    messages: {
      compiles: '`{{command}}` runs `go {{go}}` (per the build context) without a cache mount on GOCACHE ({{gocache}}): every build recompiles every package. Add --mount=type=cache,target={{gocache}}.',
      downloads: '`{{command}}` runs `go {{go}}` (per the build context), which downloads modules, without a cache mount on GOMODCACHE ({{dir}}). Add --mount=type=cache,target={{dir}}.',
      unknown: 'RUN {{command}} in a Go builder stage: if it compiles Go, mount GOCACHE ({{gocache}}). warmbuild could not read what it runs (give it the build context with --context).',
    },
  },
  create(context) {
    return {
      RUN(run) {
        const analysis = context.run(run);
        if (analysis.opaque.length === 0) return;
        const paths = context.goPaths(run);
        const gocache = paths.gocache.value;
        const gomodcache = paths.gomodcache.value;
        const hasBuildCache = gocache !== undefined && coveringMount(context, run, gocache) !== undefined;
        const hasModCache = gomodcache !== undefined && coveringMount(context, run, gomodcache) !== undefined;
        // Direct Go commands in the same RUN are go-build-cache's and go-mod-cache's to report.
        const directCompile = analysis.go.some(compiles);
        const directModules = analysis.go.some(usesModules);
        const env = context.env(run);
        const first = analysis.opaque[0]!;
        const label = first.argv.map((w) => w.value).join(' ').slice(0, 60);
        const span = { start: first.argv[0]!.span.start, end: first.argv[first.argv.length - 1]!.span.end };
        const ctx = context.facts.context;
        const found = ctx ? analysis.opaque.map((c) => ({ command: c, go: goCommandsOf(c, ctx, (script) => copiedFrom(context.model, run, script)) })) : [];
        const known = found.filter((f) => f.go !== undefined);
        if (known.length === 0) {
          if (hasBuildCache || directCompile || !isGoBuilderStage(context, run)) return;
          context.report({ span, severity: 'info', messageId: 'unknown', data: { command: label, gocache: gocache ?? '$GOCACHE' } });
          return;
        }
        const gocacheMount = gocache === undefined ? undefined : goCacheMountValue(gocache, env);
        const gomodcacheMount = gomodcache === undefined ? undefined : goCacheMountValue(gomodcache, env);
        const compile = known.flatMap((f) => f.go!).find(compiles);
        if (compile && !hasBuildCache && !directCompile) {
          context.report({
            span,
            messageId: 'compiles',
            data: { command: label, go: compile.subcommand, gocache: gocache ?? '$GOCACHE' },
            fix: gocacheMount ? { kind: paths.gocache.certain && !inFinalStage(context, run) ? 'safe' : 'suggestion', edits: [addRunMount(context.model, run, gocacheMount)] } : undefined,
          });
        }
        const fetch = known.flatMap((f) => f.go!).find((g) => usesModules(g) && !vendorMode(context, run, g));
        if (fetch && !hasModCache && !directModules) {
          context.report({
            span,
            messageId: 'downloads',
            data: { command: label, go: fetch.subcommand, dir: gomodcache ?? '$GOMODCACHE' },
            // Suggestion only: whether the rest of the stage relies on modules in the layer is not visible here.
            fix: gomodcacheMount ? { kind: 'suggestion', edits: [addRunMount(context.model, run, gomodcacheMount)] } : undefined,
          });
        }
      },
    };
  },
});
