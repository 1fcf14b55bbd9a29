import type { Instruction } from '../../model/dockerfile.js';
import type { Rule, RuleContext } from '../types.js';

type Version = [number, number, number | undefined];

function parseVersion(text: string): Version | undefined {
  const m = /^(?:go)?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), m[3] === undefined ? undefined : Number(m[3])] : undefined;
}

/** True when the image's version is certainly older; a tag without patch means its newest patch. */
function older(image: Version, required: Version): boolean {
  if (image[0] !== required[0]) return image[0] < required[0];
  if (image[1] !== required[1]) return image[1] < required[1];
  if (image[2] === undefined || required[2] === undefined) return false;
  return image[2] < required[2];
}

function requiredVersion(context: RuleContext): { version: Version; text: string } | undefined {
  const files = context.facts.context?.files ?? {};
  for (const file of ['go.work', 'go.mod']) {
    const text = files[file];
    if (text === undefined) continue;
    const line = /^toolchain\s+(go\S+)/m.exec(text)?.[1] ?? /^go\s+(\S+)/m.exec(text)?.[1];
    const version = line ? parseVersion(line) : undefined;
    if (version) return { version, text: `${file} ${line!.startsWith('go') ? `toolchain ${line}` : `go ${line}`}` };
  }
  return undefined;
}

function imageGoVersion(from: Instruction): { version: Version; image: string } | undefined {
  const image = from.stage!.resolvedImage;
  const m = image ? /^(?:[\w.-]+(?::\d+)?\/)*(?:library\/)?golang:(\d+\.\d+(?:\.\d+)?)/.exec(image) : null;
  const version = m ? parseVersion(m[1]!) : undefined;
  return version && image ? { version, image } : undefined;
}

export const toolchainMismatch: Rule = {
  name: 'toolchain-mismatch',
  code: 'WB112',
  meta: {
    description: "The builder image's Go must satisfy go.mod with GOTOOLCHAIN=local; a toolchain download during the build is slow and unpinned.",
    severity: 'error',
    fixable: null,
    messages: {
      tooOld: '{{image}} is older than {{required}}, and the golang images set GOTOOLCHAIN=local: the build fails. Use a newer image (e.g. ARG GO_VERSION with go.mod\'s version).',
      download: 'GOTOOLCHAIN={{value}} makes Go download a toolchain during the build when go.mod asks for a newer one: slow, and outside the image pin. Use a builder image that matches go.mod.',
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
        if (older(image.version, required.version)) context.report({ span: from.span, messageId: 'tooOld', data: { image: image.image, required: required.text } });
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
};
