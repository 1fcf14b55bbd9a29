import { setMountOptions } from '../../writer/edit-builders.js';
import { defineRule } from '../define.js';
import { goCacheDirs, goCacheMounts } from '../go-facts.js';

export const cacheTargetMismatch = defineRule({
  name: 'cache-target-mismatch',
  code: 'WB103',
  meta: {
    description: 'A cache mount meant for GOCACHE or GOMODCACHE must target where Go really puts that cache in this RUN.',
    severity: 'warning',
    fixable: 'safe-or-suggestion',
    fixTitles: { mismatch: 'Point the cache mount at where Go puts the cache' },
    docs: {
      summary: 'a Go cache mount aimed where Go does not put its cache (ENV, HOME, USER)',
      fix: 'safe when the real location is certain, a suggestion otherwise',
    },
    messages: {
      mismatch: 'This cache mount targets {{target}}, but {{variable}} is {{actual}} here{{why}}: Go never uses the cache. Target {{actual}}.',
    },
  },
  create(context) {
    return {
      RUN(run) {
        const env = context.env(run);
        const dirs = goCacheDirs(context, run);
        for (const { mount, looksLike: kind, coversBuildCache, coversModCache } of goCacheMounts(context, run)) {
          if (!kind) continue;
          const expected = kind === 'GOCACHE' ? dirs.gocache : dirs.gomodcache;
          if (expected.length === 0 || (kind === 'GOCACHE' ? coversBuildCache : coversModCache)) continue;
          const actual = expected[0]!;
          const paths = context.goPaths(run);
          const resolved = kind === 'GOCACHE' ? paths.gocache : paths.gomodcache;
          const certain = resolved.certain && resolved.value === actual && expected.length === 1;
          // Where the base image is unknown, its own ENV may well put the cache at the target.
          if (!certain && !env.vars.has(kind) && env.user === undefined) continue;
          const targetOption = mount.options.find((o) => o.name === 'target')!;
          context.report({
            span: targetOption.span,
            messageId: 'mismatch',
            data: { target: mount.target!, variable: kind, actual, why: reasonFor(env.vars.has(kind), env.user) },
            fix: { kind: certain ? 'safe' : 'suggestion', edits: setMountOptions(context.model, mount, [['target', actual]]) },
          });
        }
      },
    };
  },
});

function reasonFor(setByEnv: boolean, user: string | undefined): string {
  if (setByEnv) return ' (set by ENV)';
  if (user !== undefined) return ` (USER ${user} has another HOME)`;
  return '';
}
