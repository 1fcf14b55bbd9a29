import { setMountOptions } from '../../fix/helpers.js';
import type { Rule } from '../types.js';

export const secretMountRequired: Rule = {
  name: 'secret-mount-required',
  code: 'WB121',
  meta: {
    description: 'A secret mount without required=true lets the step run silently without the secret.',
    severity: 'warning',
    fixable: 'suggestion',
    messages: {
      optional: 'This secret mount ({{id}}) is optional: when the secret is not passed, the step runs without it and fails later with a confusing error, or fetches from the wrong place. Add required=true.',
    },
  },
  create(context) {
    return {
      RUN(run) {
        for (const mount of run.mounts) {
          if (mount.type !== 'secret' || mount.required?.toLowerCase() === 'true') continue;
          context.report({
            span: mount.span,
            messageId: 'optional',
            data: { id: mount.id ?? mount.target ?? 'no id' },
            fix: { kind: 'suggestion', edits: setMountOptions(context.model, mount, [['required', 'true']]) },
          });
        }
      },
    };
  },
};
