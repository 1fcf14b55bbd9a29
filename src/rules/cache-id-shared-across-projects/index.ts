import { isWithin, resolveTarget } from '../../model/env.js';
import { cacheMounts, goCacheDirs, looksLikeBuildCache, looksLikeModCache } from '../go-facts.js';
import type { Rule } from '../types.js';

export const cacheIdSharedAcrossProjects: Rule = {
  name: 'cache-id-shared-across-projects',
  code: 'WB131',
  meta: {
    description: 'A Go cache mount without id= is shared by every project on the builder that mounts the same path.',
    severity: 'info',
    fixable: null,
    messages: {
      sharedId: 'This cache mount has no id=, so its id is its target ({{target}}): every project built on the same builder shares it. Go trusts its build cache, so a project can poison another project. On shared builders set id=<project>-{{kind}}, or build with --build-arg BUILDKIT_CACHE_MOUNT_NS=<project>.',
    },
  },
  create(context) {
    return {
      RUN(run) {
        const env = context.env(run);
        const dirs = goCacheDirs(context, run);
        for (const mount of cacheMounts(run)) {
          if (mount.id !== undefined || mount.target === undefined) continue;
          const target = resolveTarget(mount.target, env);
          if (target === undefined) continue;
          const build = looksLikeBuildCache(target) || dirs.gocache.some((d) => isWithin(d, target));
          const mod = looksLikeModCache(target) || dirs.gomodcache.some((d) => isWithin(d, target));
          if (!build && !mod) continue;
          context.report({ span: mount.span, messageId: 'sharedId', data: { target: mount.target, kind: build ? 'gocache' : 'gomodcache' } });
        }
      },
    };
  },
};
