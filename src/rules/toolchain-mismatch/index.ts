import { InputError } from '../../errors.js';
import { parseGoMod, requiredGoVersion } from '../../go/gomod.js';
import { type GoVersion, golangImageVersion, isCertainlyOlder } from '../../go/version.js';
import type { Instruction } from '../../model/dockerfile.js';
import { defineRule } from '../define.js';
import type { RuleContext } from '../types.js';

function requiredVersion(context: RuleContext): { version: GoVersion; text: string } | undefined {
  const files = context.facts.context?.files ?? {};
  for (const [file, kind] of [
    ['go.work', 'work'],
    ['go.mod', 'mod'],
  ] as const) {
    const text = files[file];
    if (text === undefined) continue;
    let required: ReturnType<typeof requiredGoVersion>;
    try {
      required = requiredGoVersion(parseGoMod(text, file, kind));
    } catch (error) {
      // A go.mod Go itself rejects fails the build anyway, and says why better than this rule could.
      if (error instanceof InputError) continue;
      throw error;
    }
    if (required) return { version: required.version, text: `${file} ${required.directive}` };
  }
  return undefined;
}

function imageGoVersion(from: Instruction): { version: GoVersion; image: string } | undefined {
  const image = from.stage!.resolvedImage;
  const version = image ? golangImageVersion(image) : undefined;
  return version && image ? { version, image } : undefined;
}

export const toolchainMismatch = defineRule({
  name: 'toolchain-mismatch',
  code: 'WB112',
  meta: {
    description: "The builder image's Go must satisfy go.mod with GOTOOLCHAIN=local; a toolchain download during the build is slow and unpinned.",
    severity: 'error',
    fixable: null,
    docs: { summary: 'builder Go older than go.mod with GOTOOLCHAIN=local; toolchain downloads during the build' },
    messages: {
      tooOld:
        "{{image}} is older than {{required}}, and the golang images set GOTOOLCHAIN=local: the build fails. Use a newer image (e.g. ARG GO_VERSION with go.mod's version).",
      download:
        'GOTOOLCHAIN={{value}} makes Go download a toolchain during the build when go.mod asks for a newer one: slow, and outside the image pin. Use a builder image that matches go.mod.',
    },
  },
  create(context) {
    const reportDownload = (span: { start: number; end: number }, value: string): void => {
      if (value === 'auto' || /^go\d/.test(value) || /\+auto$/.test(value)) context.report({ span, messageId: 'download', data: { value } });
    };
    return {
      FROM(from) {
        const stage = from.stage!;
        if (stage.base) return;
        const runsGo = stage.instructions.some((i) => i.keyword === 'RUN' && context.run(i).go.length > 0);
        if (!runsGo) return;
        const required = requiredVersion(context);
        const image = imageGoVersion(from);
        if (!required || !image) return;
        const toolchain = stage.instructions.find((i) => i.keyword === 'ENV' && i.properties.some((p) => p.name === 'GOTOOLCHAIN'));
        if (toolchain) return;
        if (isCertainlyOlder(image.version, required.version))
          context.report({ span: from.span, messageId: 'tooOld', data: { image: image.image, required: required.text } });
      },
      ENV(env) {
        for (const p of env.properties) if (p.name === 'GOTOOLCHAIN' && p.value) reportDownload(p.span, p.value);
      },
      ARG(arg) {
        for (const p of arg.properties) if (p.name === 'GOTOOLCHAIN' && p.value) reportDownload(p.span, p.value);
      },
      RUN(run) {
        for (const go of context.run(run).go) {
          const value = go.command.env.GOTOOLCHAIN;
          if (value !== undefined) reportDownload(go.command.argv[0]!.span, value);
        }
      },
    };
  },
});
