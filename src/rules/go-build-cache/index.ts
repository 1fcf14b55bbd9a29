import { compiles } from '../../model/shell.js';
import { addRunMount } from '../../writer/edit-builders.js';
import { goCacheMountValue } from '../../writer/mount.js';
import { defineRule } from '../define.js';
import { cacheMounts, coveringMount, goCommands, inFinalStage, looksLikeBuildCache } from '../go-facts.js';

export const goBuildCache = defineRule({
  name: 'go-build-cache',
  code: 'WB101',
  meta: {
    description: 'A RUN that compiles Go must mount a BuildKit cache on GOCACHE, or every build recompiles every package.',
    severity: 'warning',
    fixable: 'safe-or-suggestion',
    fixTitles: { missing: 'Mount a cache on GOCACHE', missingUncertain: 'Mount a cache on the likely GOCACHE' },
    docs: {
      summary: 'a RUN compiles Go (itself, or through make, a script, `xx-go`, goreleaser) without a cache mount on its effective GOCACHE',
      fix: 'safe when GOCACHE is certain, a suggestion otherwise',
    },
    messages: {
      missing:
        '`{{command}}` compiles without a cache mount on GOCACHE ({{gocache}}): every build recompiles every package. Add --mount=type=cache,target={{gocache}}.',
      missingUncertain:
        '`{{command}}` compiles without a cache mount on GOCACHE (probably {{gocache}}; the base image or a build arg could move it). Add --mount=type=cache,target={{gocache}}.',
      unknown:
        '`{{command}}` compiles without a cache mount on GOCACHE, whose location the Dockerfile does not determine: set ENV GOCACHE and mount a cache there.',
      namedUser:
        '`{{command}}` compiles without a cache mount on GOCACHE ({{gocache}}). Not fixed automatically: Go runs as USER {{user}}, whose uid the Dockerfile does not tell; add --mount=type=cache,target={{gocache}},uid=<uid of {{user}}>,gid=<its gid>, or use a numeric USER.',
    },
  },
  create(context) {
    return {
      RUN(run) {
        // The RUN's own Go command first; a build through make or a script when it has none.
        const found = goCommands(context, run).find((g) => compiles(g.go));
        if (!found) return;
        const go = found.go;
        // A mount that is meant for GOCACHE but misses it is cache-target-mismatch's finding.
        if (cacheMounts(run).some((m) => m.target && looksLikeBuildCache(m.target))) return;
        const env = context.env(run);
        const paths = context.goPaths(run, go.command.env);
        const gocache = paths.gocache.value;
        if (gocache && coveringMount(context, run, gocache)) return;
        const command = found.label;
        const span = found.span;
        if (!gocache) {
          context.report({ span, messageId: 'unknown', data: { command } });
          return;
        }
        const mount = goCacheMountValue(gocache, env);
        if (!mount) {
          context.report({ span, messageId: 'namedUser', data: { command, gocache, user: env.user ?? '' } });
          return;
        }
        context.report({
          span,
          messageId: paths.gocache.certain ? 'missing' : 'missingUncertain',
          data: { command, gocache },
          fix: { kind: paths.gocache.certain && !inFinalStage(context, run) ? 'safe' : 'suggestion', edits: [addRunMount(context.model, run, mount)] },
        });
      },
    };
  },
});
