import { defineRule } from '../define.js';

const CREDENTIAL_NAME = /(^|_)(TOKEN|PASSWORD|PASSWD|PASS|SECRET|NETRC|CREDENTIALS?|API_KEY|ACCESS_KEY)$/i;
const USERINFO_URL = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/@"'`]+@/i;

/** The variables a RUN interpolates into a credential position: URL userinfo, an insteadOf URL, a netrc line. */
function credentialUses(script: string): string[] {
  // Each pattern needs a `$`, the URLs a `://`: most RUNs have neither, and the scans are the rule's cost.
  if (!script.includes('$')) return [];
  const vars = new Set<string>();
  const variable = /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g;
  if (script.includes('://'))
    for (const m of script.matchAll(/[a-z][a-z0-9+.-]*:\/\/([^\s/@"']*\$[^\s/@"']*)@/gi)) for (const v of m[1]!.matchAll(variable)) vars.add(v[1]!);
  for (const m of script.matchAll(/\b(?:login|password)\s+["']?(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)/g)) for (const v of m[1]!.matchAll(variable)) vars.add(v[1]!);
  return [...vars];
}

export const secretInArgEnv = defineRule({
  name: 'secret-in-arg-env',
  code: 'WB120',
  meta: {
    description:
      'Credentials for private modules must come from a secret mount, never from ARG, ENV or the RUN line: those end up in the image or its history.',
    severity: 'error',
    fixable: null,
    docs: { summary: 'private-module credentials in ARG, ENV, URLs or files of a layer', fix: 'none (the secret must be provided differently)' },
    messages: {
      userinfo:
        '{{name}} holds a URL with credentials: it is stored in the image{{where}}. Pass credentials with --mount=type=secret,id=netrc,target=/root/.netrc,required=true.',
      env: 'ENV {{name}} stores a credential in the image for every later layer and container. Use --mount=type=secret,id=netrc,target=/root/.netrc,required=true (or --mount=type=ssh) in the RUN that needs it.',
      used: 'This RUN puts ${{name}} into a git URL or .netrc{{origin}}: build args and the commands that use them are recorded in the image history. Use --mount=type=secret,id=netrc,target=/root/.netrc,required=true, or --mount=type=ssh.',
      inline:
        'This RUN writes a credential into a URL or .netrc: the command line is recorded in the image history. Use --mount=type=secret,id=netrc,target=/root/.netrc,required=true.',
      persisted:
        'This RUN writes the secret ${{name}} into a file of the layer ({{file}}): it stays in the image although it came from a secret mount. Mount the file itself as the secret (--mount=type=secret,id=netrc,target=/root/.netrc,required=true) instead of writing it.',
    },
  },
  create(context) {
    const declared = new Map<string, string>();
    return {
      ARG(arg) {
        for (const p of arg.properties) {
          declared.set(p.name, 'ARG');
          if (p.value && USERINFO_URL.test(p.value))
            context.report({ span: p.span, messageId: 'userinfo', data: { name: `ARG ${p.name}`, where: "'s history" } });
        }
      },
      ENV(env) {
        for (const p of env.properties) {
          declared.set(p.name, 'ENV');
          if (p.value && USERINFO_URL.test(p.value)) context.report({ span: p.span, messageId: 'userinfo', data: { name: `ENV ${p.name}`, where: '' } });
          else if (CREDENTIAL_NAME.test(p.name) && p.value) context.report({ span: p.span, messageId: 'env', data: { name: p.name } });
        }
      },
      RUN(run) {
        if (!run.argsSpan) return;
        const script = context.model.text.slice(run.argsSpan.start, run.span.end);
        const fromSecrets = new Set(run.mounts.filter((m) => m.type === 'secret' && m.env).map((m) => m.env!));
        const credentials = credentialUses(script);
        const uses = credentials.filter((v) => !fromSecrets.has(v));
        const secretUses = credentials.filter((v) => fromSecrets.has(v));
        const persistedTo =
          uses.length === 0 && secretUses.length > 0 ? /(>>?)\s*(\S*(?:\.netrc|\.git-credentials|\.npmrc|\.gitconfig))/.exec(script)?.[2] : undefined;
        if (persistedTo) {
          context.report({ span: run.argsSpan, messageId: 'persisted', data: { name: secretUses[0]!, file: persistedTo } });
          return;
        }
        if (uses.length > 0) {
          const name = uses[0]!;
          const origin = declared.has(name) ? ` from ${declared.get(name)} ${name}` : '';
          context.report({ span: run.argsSpan, messageId: 'used', data: { name, origin } });
          return;
        }
        const literalUrl = script.includes('://') && /[a-z][a-z0-9+.-]*:\/\/[^\s/@"'$]+:[^\s/@"'$]+@/i.test(script);
        const literalNetrc = script.includes('machine') && /\bmachine\s+\S+\s+login\s+\S+\s+password\s+[^\s$]+/.test(script);
        if (literalUrl || literalNetrc) context.report({ span: run.argsSpan, messageId: 'inline' });
      },
    };
  },
});
