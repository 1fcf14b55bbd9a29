import { applyEdits, type Edit } from '../../src/fix/edits.js';
import { parseDockerfile, stageByRef } from '../../src/model/dockerfile.js';

/** The images the shared engine has (no registry here), and the stand-ins tests build with. */
export const LOCAL_IMAGES = new Set([
  'golang:1.25',
  'golang:1.25-trixie',
  'debian:trixie-slim',
  'busybox',
  'busybox:latest',
  'gcr.io/distroless/static-debian12',
  'gcr.io/distroless/static-debian12:nonroot',
  'scratch',
]);

function standIn(image: string): string {
  return /(^|\/)golang(:|@|$)/.test(image) ? 'golang:1.25' : 'debian:trixie-slim';
}

/**
 * The Dockerfile with every image the engine cannot have replaced by a local stand-in (FROM,
 * COPY --from, RUN --mount=from=), platforms set to the build platform, and `# syntax=` removed, since
 * no frontend image can be pulled: BuildKit then gets past resolving images to dispatching the stages.
 */
export function withLocalImages(text: string): string {
  const model = parseDockerfile(text);
  const edits: Edit[] = [];
  // Removed, not blanked: a `#` line would end the directives and turn a following `# escape=` into a comment.
  for (const d of model.directives)
    if (d.name === 'syntax') edits.push({ span: { start: d.span.start, end: model.lines.lineStart(model.lines.lineOf(d.span.start) + 1) }, text: '' });
  const external = (ref: string, before: number): boolean => !stageByRef(model, ref, before) && !LOCAL_IMAGES.has(ref);
  for (const stage of model.stages) {
    const image = stage.from.args[0];
    if (image && !stage.base && external(stage.resolvedImage ?? stage.image, stage.index))
      edits.push({ span: image.span, text: standIn(stage.resolvedImage ?? stage.image) });
    const platform = stage.from.flags.find((f) => f.name === 'platform');
    if (platform?.valueSpan) edits.push({ span: platform.valueSpan, text: '$BUILDPLATFORM' });
    for (const instruction of stage.instructions) {
      const from = instruction.flags.find((f) => f.name === 'from');
      if (from?.valueSpan && from.value && (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') && external(from.value, stage.index + 1))
        edits.push({ span: from.valueSpan, text: standIn(from.value) });
      for (const mount of instruction.mounts) {
        const option = mount.options.find((o) => o.name === 'from');
        if (option?.valueSpan && mount.from && external(mount.from, stage.index + 1)) edits.push({ span: option.valueSpan, text: standIn(mount.from) });
      }
    }
  }
  return applyEdits(text, edits);
}
