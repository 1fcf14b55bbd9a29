import { removeMountOption } from '../../fix/helpers.js';
import { isWithin, resolveTarget } from '../../model/env.js';
import { cacheMounts, goCacheDirs, looksLikeBuildCache, looksLikeModCache } from '../go-facts.js';
import type { Rule } from '../types.js';

export const goCacheLocked: Rule = {
  name: 'go-cache-locked',
  code: 'WB107',
  meta: {
    description: "Go's caches are safe for concurrent use; sharing=locked only serializes parallel builds.",
    severity: 'info',
    fixable: 'safe',
    messages: {
      locked: "sharing=locked on the Go {{what}} serializes parallel builds, and Go's caches are already safe for concurrent use. Drop it (the default, shared, is right).",
    },
  },
  create(context) {
    return {
      RUN(run) {
        const env = context.env(run);
        const dirs = goCacheDirs(context, run);
        for (const mount of cacheMounts(run)) {
          if (mount.sharing?.toLowerCase() !== 'locked' || mount.target === undefined) continue;
          const target = resolveTarget(mount.target, env);
          if (target === undefined) continue;
          const onBuildCache = looksLikeBuildCache(target) || dirs.gocache.some((d) => isWithin(d, target));
          const onModCache = looksLikeModCache(target) || dirs.gomodcache.some((d) => isWithin(d, target));
          if (!onBuildCache && !onModCache) continue;
          const option = mount.options.find((o) => o.name === 'sharing')!;
          const edit = removeMountOption(mount, 'sharing')!;
          context.report({ span: option.span, messageId: 'locked', data: { what: onBuildCache ? 'build cache' : 'module cache' }, fix: { kind: 'safe', edits: [edit] } });
        }
      },
    };
  },
};
