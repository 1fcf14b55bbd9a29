import { defineRule } from '../define.js';

// The linter reports this rule's findings itself, after every other rule ran: only it sees which
// findings an ignore comment suppressed. The definition gives it a name, a code, a severity and docs,
// so it is configured, listed and documented like any other rule.

export const unusedIgnore = defineRule({
  name: 'unused-ignore',
  code: 'WB000',
  meta: {
    description: 'An ignore comment that names no rule, or that suppresses nothing, hides nothing and misleads the reader.',
    severity: 'warning',
    fixable: null,
    docs: { summary: 'an ignore comment names an unknown rule, or suppresses nothing' },
    messages: {
      unknown: '"{{name}}" is not a warmbuild rule name or code (see `warmbuild rules`), so this ignore comment suppresses nothing.',
      unused: '{{rule}} reports nothing {{where}}: remove "{{name}}" from this ignore comment.',
    },
  },
  create: () => ({}),
});
