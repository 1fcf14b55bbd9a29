import path from 'node:path';
import { applyEdits } from '../fix/edits.js';
import type { MainPackage } from '../go/project.js';
import { parseDockerfile } from '../model/dockerfile.js';
import { isGolangImage } from '../model/env.js';
import { insertAfter } from '../writer/edit-builders.js';

// Pure planning for bench: what each build gets, which file to edit, what native runs.

/** Build args the bench passes into every stage: declared right after each FROM, so RUNs see them. */
export function withStageArgs(dockerfile: string, names: readonly string[]): string {
  const model = parseDockerfile(dockerfile);
  const froms = model.stages.map((s) => s.from);
  return applyEdits(
    dockerfile,
    froms.map((from) => insertAfter(model, from, [`ARG ${names.join(' ')}`])),
  );
}

/** Go environment variables forwarded from the user's environment to builds and native runs. */
export const FORWARDED_GO_ENV = ['GOPROXY', 'GOSUMDB', 'GONOSUMDB', 'GONOSUMCHECK', 'GOPRIVATE', 'GONOPROXY', 'GOINSECURE'] as const;

export function forwardedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FORWARDED_GO_ENV) if (env[name]) out[name] = env[name]!;
  // -v makes every Go build list the packages it compiles: the bench reports that count.
  out.GOFLAGS = ['-v', env.GOFLAGS ?? ''].join(' ').trim();
  return out;
}

/** A proxy on loopback is reachable from builds only through the host network. */
export function needsHostNetwork(env: Record<string, string>): boolean {
  return /\/\/(127\.|localhost|\[::1\])/.test(env.GOPROXY ?? '');
}

/**
 * The file a one-file edit should touch: a file the build compiles (init's reading of main packages and
 * build constraints), main.go of the root package first, else of the shallowest main package.
 */
export function chooseEditFile(mainPackages: readonly MainPackage[]): string | undefined {
  const ordered = [...mainPackages].sort((a, b) => depth(a.dir) - depth(b.dir) || a.dir.localeCompare(b.dir));
  const chosen = ordered.find((m) => m.dir === '.') ?? ordered.find((m) => m.files.length > 0);
  if (!chosen) return undefined;
  return chosen.files.find((f) => path.posix.basename(f) === 'main.go') ?? chosen.files[0];
}

function depth(dir: string): number {
  return dir === '.' ? 0 : dir.split('/').length;
}

/** The golang image the Dockerfile builds with (global ARG defaults expanded), for the native reference. */
export function builderImage(dockerfile: string): string | undefined {
  return parseDockerfile(dockerfile)
    .stages.map((s) => s.resolvedImage)
    .find((image) => image !== undefined && isGolangImage(image));
}

/** The text of a one-file edit: a trailing comment changes the file's hash, so Go recompiles its package. */
export function editedSource(text: string, marker: string): string {
  return `${text}${text.endsWith('\n') ? '' : '\n'}// warmbuild bench edit ${marker}\n`;
}

/** A local image standing in for an image reference on one platform (`--platform-image REF=LOCAL`). */
export interface PlatformImage {
  ref: string;
  local: string;
  /** The local image's platform, as `docker image inspect` reports it (os/arch[/variant]). */
  platform: string;
}

/** The platform a stage runs on when the build targets `target` on a machine of platform `build`. */
export function stagePlatform(platformFlag: string | undefined, target: string, build: string): string {
  if (platformFlag === undefined) return target;
  const [os, arch, variant] = build.split('/');
  const [tos, tarch, tvariant] = target.split('/');
  const vars: Record<string, string> = {
    BUILDPLATFORM: build,
    BUILDOS: os ?? '',
    BUILDARCH: arch ?? '',
    BUILDVARIANT: variant ?? '',
    TARGETPLATFORM: target,
    TARGETOS: tos ?? '',
    TARGETARCH: tarch ?? '',
    TARGETVARIANT: tvariant ?? '',
  };
  return platformFlag.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => vars[name] ?? whole);
}

/**
 * Named build contexts (`--build-context REF=docker-image://LOCAL`) that give each stage the local
 * image of its own platform: with the docker driver one image name holds one platform, so a stage that
 * runs on another platform than the name's image needs a stand-in of its own.
 */
export function platformContexts(dockerfile: string, target: string, build: string, images: readonly PlatformImage[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const stage of parseDockerfile(dockerfile).stages) {
    if (stage.base) continue;
    const ref = stage.resolvedImage ?? stage.image;
    const platform = stagePlatform(stage.platform, target, build);
    const image = images.find((i) => i.ref === ref && samePlatform(i.platform, platform));
    if (image) out[ref] = `docker-image://${image.local}`;
  }
  return out;
}

/** linux/arm64 and linux/arm64/v8 are one platform. */
export function samePlatform(a: string, b: string): boolean {
  const norm = (p: string): string => p.toLowerCase().replace(/^(linux\/arm64)\/v8$/, '$1');
  return norm(a) === norm(b);
}
