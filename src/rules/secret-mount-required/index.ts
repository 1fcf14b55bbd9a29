import { setMountOptions } from '../../writer/edit-builders.js';
import { defineRule } from '../define.js';

export const secretMountRequired = defineRule({
  name: 'secret-mount-required',
  code: 'WB121',
  meta: {
    description: 'A secret mount without required=true lets the step run silently without the secret.',
    severity: 'warning',
    fixable: 'suggestion',
    fixTitles: { optional: 'Add required=true to the secret mount' },
    docs: { summary: 'a secret mount without `required=true`', fix: 'suggestion (`required=true`)' },
    messages: {
      optional:
        'This secret mount ({{id}}) is optional: when the secret is not passed, the step runs without it and fails later with a confusing error, or fetches from the wrong place. Add required=true.',
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
});
