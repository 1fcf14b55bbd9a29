import { spawn } from 'node:child_process';
import { WarmbuildError } from '../errors.js';

/** The Docker edge: every process warmbuild starts against the engine goes through here. */

export class EngineError extends WarmbuildError {}

export class AbortedError extends WarmbuildError {
  constructor() {
    super('interrupted');
  }
}

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

export function exec(cmd: string, args: readonly string[], options: { signal?: AbortSignal; env?: NodeJS.ProcessEnv; onStderr?: (chunk: string) => void } = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new AbortedError());
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => {
      const chunk = d.toString();
      stderr += chunk;
      options.onStderr?.(chunk);
    });
    const abort = (): void => void child.kill('SIGINT');
    options.signal?.addEventListener('abort', abort, { once: true });
    child.on('error', (error) => {
      reject((error as NodeJS.ErrnoException).code === 'ENOENT' ? new EngineError(`${cmd} is not installed or not on PATH`) : error);
    });
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', abort);
      if (options.signal?.aborted) return reject(new AbortedError());
      resolve({ code: code ?? -1, stdout, stderr, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    });
  });
}

export interface EngineIdentity {
  engine: string;
  buildx: string;
  buildkit: string;
  driver: string;
  cpus: number;
}

/** Engine, buildx and BuildKit versions; a clear error when there is no engine or no BuildKit. */
export async function engineIdentity(builder?: string): Promise<EngineIdentity> {
  const version = await exec('docker', ['version', '--format', '{{.Server.Version}}']);
  if (version.code !== 0) {
    throw new EngineError(`no Docker engine answers (${version.stderr.trim().split('\n')[0] ?? 'docker version failed'}). Start Docker, or point DOCKER_HOST at a running engine.`);
  }
  const buildx = await exec('docker', ['buildx', 'version']);
  if (buildx.code !== 0) throw new EngineError('docker buildx is not available: install the buildx plugin (BuildKit is required for cache mounts).');
  const inspect = await exec('docker', ['buildx', 'inspect', ...builderArgs(builder)]);
  if (inspect.code !== 0 && builder) throw new EngineError(`no buildx builder "${builder}" (${inspect.stderr.trim().split('\n')[0] ?? 'docker buildx inspect failed'}); see docker buildx ls`);
  const field = (name: string): string => new RegExp(`^${name}:\\s*(.+)$`, 'm').exec(inspect.stdout)?.[1]?.trim() ?? 'unknown';
  const info = await exec('docker', ['info', '--format', '{{.NCPU}}']);
  return {
    engine: version.stdout.trim(),
    buildx: buildx.stdout.trim().split(/\s+/)[1] ?? buildx.stdout.trim(),
    buildkit: field('BuildKit version'),
    driver: field('Driver'),
    cpus: Number(info.stdout.trim()) || 0,
  };
}

export interface BuildRequest {
  context: string;
  dockerfile: string;
  buildArgs: Record<string, string>;
  hostNetwork?: boolean;
  target?: string;
  /** Tag for the image the build exports, so that it can be removed afterwards. */
  tag: string;
  /** The buildx builder (`--builder`); unset: BUILDX_BUILDER or the current builder. */
  builder?: string;
  /** One target platform (`--platform`). */
  platform?: string;
  /** Named contexts (`--build-context NAME=VALUE`), e.g. a local stand-in image for one platform. */
  buildContexts?: Record<string, string>;
}

/** `--builder NAME` when a builder is named; buildx itself falls back to BUILDX_BUILDER. */
export function builderArgs(builder: string | undefined): string[] {
  return builder ? ['--builder', builder] : [];
}

/** `docker buildx build --progress=rawjson`, exporting the image as a real build would. */
export async function buildx(request: BuildRequest, signal?: AbortSignal): Promise<ProcessResult> {
  const args = ['buildx', 'build', ...builderArgs(request.builder), '--progress=rawjson', '-t', request.tag, '-f', request.dockerfile];
  if (request.platform) args.push('--platform', request.platform);
  for (const [k, v] of Object.entries(request.buildContexts ?? {})) args.push('--build-context', `${k}=${v}`);
  for (const [k, v] of Object.entries(request.buildArgs)) args.push('--build-arg', `${k}=${v}`);
  if (request.hostNetwork) args.push('--network=host');
  if (request.target) args.push('--target', request.target);
  args.push(request.context);
  return exec('docker', args, { signal });
}

/** Removes the cache mounts of one BUILDKIT_CACHE_MOUNT_NS namespace. */
export async function pruneCacheNamespace(namespace: string, builder?: string): Promise<void> {
  await exec('docker', ['buildx', 'prune', ...builderArgs(builder), '-f', '--filter', 'type=exec.cachemount', '--filter', `description~=${namespace}`]);
}

/** The engine's own platform (os/arch), which is $BUILDPLATFORM for builds on the docker driver. */
export async function enginePlatform(): Promise<string> {
  const r = await exec('docker', ['version', '--format', '{{.Server.Os}}/{{.Server.Arch}}']);
  if (r.code !== 0) throw new EngineError(`no Docker engine answers (${r.stderr.trim().split('\n')[0] ?? 'docker version failed'})`);
  return r.stdout.trim();
}

/** A local image's platform (os/arch[/variant]); an EngineError when there is no such image. */
export async function imagePlatform(image: string): Promise<string> {
  const r = await exec('docker', ['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}{{if .Variant}}/{{.Variant}}{{end}}', image]);
  if (r.code !== 0) throw new EngineError(`no local image ${image} (${r.stderr.trim().split('\n')[0] ?? 'docker image inspect failed'})`);
  return r.stdout.trim();
}
