import { removeMountOption } from '../../writer/edit-builders.js';
import { defineRule } from '../define.js';
import { goCacheMounts } from '../go-facts.js';

export const goCacheLocked = defineRule({
  name: 'go-cache-locked',
  code: 'WB107',
  meta: {
    description: "Go's caches are safe for concurrent use; sharing=locked only serializes parallel builds.",
    severity: 'info',
    fixable: 'safe',
    fixTitles: { locked: 'Remove sharing=locked' },
    docs: { summary: '`sharing=locked` needlessly serializes parallel builds', fix: 'safe (removes the option)' },
    messages: {
      locked:
        "sharing=locked on the Go {{what}} serializes parallel builds, and Go's caches are already safe for concurrent use. Drop it (the default, shared, is right).",
    },
  },
  create(context) {
    return {
      RUN(run) {
        for (const { mount, looksLike, coversBuildCache, coversModCache } of goCacheMounts(context, run)) {
          if (mount.sharing?.toLowerCase() !== 'locked') continue;
          const onBuildCache = looksLike === 'GOCACHE' || coversBuildCache;
          if (!onBuildCache && looksLike !== 'GOMODCACHE' && !coversModCache) continue;
          const option = mount.options.find((o) => o.name === 'sharing')!;
          const edit = removeMountOption(mount, 'sharing')!;
          context.report({
            span: option.span,
            messageId: 'locked',
            data: { what: onBuildCache ? 'build cache' : 'module cache' },
            fix: { kind: 'safe', edits: [edit] },
          });
        }
      },
    };
  },
});
