import { isRootUser, numericUser } from '../../model/env.js';
import { setMountOptions } from '../../writer/edit-builders.js';
import { defineRule } from '../define.js';
import { cacheMounts } from '../go-facts.js';

export const cacheMountNonroot = defineRule({
  name: 'cache-mount-nonroot',
  code: 'WB106',
  meta: {
    description: 'Go running as a non-root USER cannot write a cache mount that lacks uid/gid: BuildKit creates it owned by root.',
    severity: 'error',
    fixable: 'safe',
    fixTitles: { numeric: 'Set uid and gid of the cache mount to the USER' },
    docs: { summary: 'non-root Go with a root-owned cache mount: permission denied', fix: 'safe for a numeric `USER`' },
    messages: {
      numeric:
        'Go runs as USER {{user}}, but this cache mount has no uid/gid, so BuildKit creates it owned by root: Go fails with "permission denied". Add uid={{uid}},gid={{gid}}.',
      named:
        'Go runs as USER {{user}}, but this cache mount has no uid/gid, so BuildKit creates it owned by root: Go fails with "permission denied". Add uid=<uid of {{user}}>,gid=<its gid>, or use a numeric USER.',
    },
  },
  create(context) {
    return {
      RUN(run) {
        const env = context.env(run);
        if (isRootUser(env) || context.run(run).go.length === 0) return;
        const owner = numericUser(env.user);
        for (const mount of cacheMounts(run)) {
          if (mount.uid !== undefined) continue;
          context.report({
            span: mount.span,
            messageId: owner ? 'numeric' : 'named',
            data: { user: env.user!, uid: owner?.uid ?? '', gid: owner?.gid ?? '' },
            fix: owner
              ? {
                  kind: 'safe',
                  edits: setMountOptions(context.model, mount, [['uid', owner.uid], ...(mount.gid === undefined ? [['gid', owner.gid] as const] : [])]),
                }
              : undefined,
          });
        }
      },
    };
  },
});
