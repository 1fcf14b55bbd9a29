import { defineRule } from '../define.js';
import { goCacheMounts } from '../go-facts.js';

export const cacheIdSharedAcrossProjects = defineRule({
  name: 'cache-id-shared-across-projects',
  code: 'WB131',
  meta: {
    description: 'A Go cache mount without id= is shared by every project on the builder that mounts the same path.',
    severity: 'info',
    optIn: true,
    fixable: null,
    docs: { summary: 'a Go cache mount without `id=` on a builder other projects share', fix: "none (only you know the project's name)" },
    messages: {
      sharedId:
        'This cache mount has no id=, so its id is its target ({{target}}): every project built on the same builder shares it. Go trusts its build cache, so a project can poison another project. On shared builders set id=<project>-{{kind}}, or build with --build-arg BUILDKIT_CACHE_MOUNT_NS=<project>.',
    },
  },
  create(context) {
    return {
      RUN(run) {
        for (const { mount, looksLike, coversBuildCache, coversModCache } of goCacheMounts(context, run)) {
          if (mount.id !== undefined) continue;
          const build = looksLike === 'GOCACHE' || coversBuildCache;
          if (!build && looksLike !== 'GOMODCACHE' && !coversModCache) continue;
          context.report({ span: mount.span, messageId: 'sharedId', data: { target: mount.target!, kind: build ? 'gocache' : 'gomodcache' } });
        }
      },
    };
  },
});
