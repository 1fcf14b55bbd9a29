import type { Span } from '../../model/text.js';
import { defineRule } from '../define.js';

/** Why a Go environment setting turns module verification off, or undefined when it does not. */
export function weakensVerification(name: string, value: string): string | undefined {
  switch (name) {
    case 'GOSUMDB':
      return value.trim().toLowerCase() === 'off' ? 'GOSUMDB=off skips the checksum database' : undefined;
    case 'GONOSUMDB':
    case 'GONOSUMCHECK':
    case 'GONOSUMCHECKS':
      return value.split(',').some((p) => p.trim() === '*' || p.trim() === '1')
        ? `${name}=${value} exempts every module from checksum verification`
        : undefined;
    case 'GOINSECURE':
      return value.trim() ? `GOINSECURE=${value} fetches modules over plain HTTP without certificate checks` : undefined;
    case 'GOFLAGS':
      if (/(^|\s)-insecure(\s|$)/.test(value)) return 'GOFLAGS=-insecure allows insecure fetches';
      if (/(^|\s)-mod=mod(\s|$)/.test(value)) return 'GOFLAGS=-mod=mod lets every Go command rewrite go.mod and go.sum with whatever it resolves';
      return undefined;
    default:
      return undefined;
  }
}

export const checksumOff = defineRule({
  name: 'checksum-off',
  code: 'WB122',
  meta: {
    description: 'Module checksum verification must stay on: turning it off lets a tampered module into the build.',
    severity: 'warning',
    fixable: null,
    docs: { summary: '`GOSUMDB=off`, `GONOSUMDB=*`, `GOINSECURE`, `-mod=mod`, `-insecure`' },
    messages: {
      weakened:
        '{{why}}: a tampered or substituted module would build silently. Use GOPRIVATE/GONOSUMDB for your private module patterns only, and keep go.sum committed.',
    },
  },
  create(context) {
    const check = (name: string, value: string | null | undefined, span: Span): void => {
      const why = value === null || value === undefined ? undefined : weakensVerification(name, value);
      if (why) context.report({ span, messageId: 'weakened', data: { why } });
    };
    return {
      ENV(env) {
        for (const p of env.properties) check(p.name, p.value, p.span);
      },
      ARG(arg) {
        for (const p of arg.properties) check(p.name, p.value, p.span);
      },
      RUN(run) {
        const reported = new Set<string>();
        for (const go of context.run(run).go) {
          for (const [name, value] of Object.entries(go.command.env)) {
            // A value from ENV/ARG is reported there; one set in the RUN, once per RUN.
            if (context.env(run).vars.get(name)?.value === value || reported.has(name)) continue;
            reported.add(name);
            check(name, value, go.command.argv[0]!.span);
          }
          if (go.subcommand === 'env') {
            for (const arg of go.args) {
              const m = /^([A-Z]+)=(.*)$/.exec(arg.value);
              if (m) check(m[1]!, m[2]!, arg.span);
            }
          }
          if (go.args.some((a) => a.value === '-insecure')) check('GOFLAGS', '-insecure', go.command.argv[0]!.span);
        }
      },
    };
  },
});
