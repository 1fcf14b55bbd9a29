import { defineRule } from '../define.js';
import { compilesHere, coveringMount, goCommands, isGoBuilderStage, wordsSpan } from '../go-facts.js';

/**
 * Builds run through make, scripts and wrappers are go-build-cache's and go-mod-cache's to report, as
 * the build context shows them. This rule speaks where the context does not show what a RUN runs.
 */
export const goBuildInMake = defineRule({
  name: 'go-build-in-make',
  code: 'WB110',
  meta: {
    description: 'A RUN in a Go builder stage runs make, a script or a build tool that warmbuild cannot follow, without a cache mount on GOCACHE.',
    severity: 'info',
    fixable: null,
    docs: { summary: 'a RUN in a Go builder runs `make`, a script or a build tool that warmbuild cannot follow (the hint says why)' },
    messages: {
      unknown:
        'RUN {{command}} in a Go builder stage: if it compiles Go, mount GOCACHE ({{gocache}}). warmbuild could not read what it runs (give it the build context with --context).',
      unfollowed: 'RUN {{command}} in a Go builder stage: if it compiles Go, mount GOCACHE ({{gocache}}). warmbuild could not follow it: {{reason}}.',
    },
  },
  create(context) {
    return {
      RUN(run) {
        const analysis = context.run(run);
        if (analysis.opaque.length === 0) return;
        if (goCommands(context, run).some((g) => compilesHere(context, run, g.go))) return;
        const gocache = context.goPaths(run).gocache.value;
        if (gocache !== undefined && coveringMount(context, run, gocache)) return;
        if (!isGoBuilderStage(context, run)) return;
        const data = { gocache: gocache ?? '$GOCACHE' };
        if (!context.facts.context) {
          const first = analysis.opaque[0]!;
          context.report({ span: wordsSpan(first.argv), messageId: 'unknown', data: { ...data, command: label(first.argv) } });
          return;
        }
        const unfollowed = context.follow(run).unknown[0];
        if (!unfollowed) return;
        context.report({
          span: wordsSpan(unfollowed.via.argv),
          messageId: 'unfollowed',
          data: { ...data, command: label(unfollowed.via.argv), reason: unfollowed.reason },
        });
      },
    };
  },
});

function label(argv: ReadonlyArray<{ value: string }>): string {
  return argv
    .map((w) => w.value)
    .join(' ')
    .slice(0, 60);
}
