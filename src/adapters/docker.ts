import { spawn } from 'node:child_process';
import { AbortedError, EngineError, TimeoutError } from '../errors.js';

// The Docker edge: every process warmbuild starts against the engine goes through here. Every buildx
// call names its builder: `--builder`, else BUILDX_BUILDER, else buildx's current builder.

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

export interface ExecOptions {
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  onStderr?: (chunk: string) => void;
  /** Written to the process's stdin (a Dockerfile for `-f -`). */
  input?: string;
}

/** Rejects with AbortedError when `signal` aborts (TimeoutError when it aborted for a timeout); the process gets SIGINT, then SIGKILL. */
export function exec(cmd: string, args: readonly string[], options: ExecOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const aborted = (): Error => {
      const reason: unknown = options.signal?.reason;
      return reason instanceof DOMException && reason.name === 'TimeoutError'
        ? new TimeoutError(`${cmd} ${args.slice(0, 2).join(' ')} timed out`)
        : new AbortedError();
    };
    if (options.signal?.aborted) return reject(aborted());
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { env: { ...process.env, ...options.env }, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (options.input !== undefined) child.stdin!.end(options.input);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => {
      const chunk = d.toString();
      stderr += chunk;
      options.onStderr?.(chunk);
    });
    let killer: NodeJS.Timeout | undefined;
    const abort = (): void => {
      child.kill('SIGINT');
      // buildx cancels the build on SIGINT; one that does not answer is killed.
      killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      killer.unref();
    };
    options.signal?.addEventListener('abort', abort, { once: true });
    child.on('error', (error) => {
      reject((error as NodeJS.ErrnoException).code === 'ENOENT' ? new EngineError(`${cmd} is not installed or not on PATH`) : error);
    });
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', abort);
      if (killer) clearTimeout(killer);
      if (options.signal?.aborted) return reject(aborted());
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
    throw new EngineError(
      `no Docker engine answers (${version.stderr.trim().split('\n')[0] ?? 'docker version failed'}). Start Docker, or point DOCKER_HOST at a running engine.`,
    );
  }
  const buildx = await exec('docker', ['buildx', 'version']);
  if (buildx.code !== 0) throw new EngineError('docker buildx is not available: install the buildx plugin (BuildKit is required for cache mounts).');
  const inspect = await exec('docker', ['buildx', 'inspect', ...builderArgs(builder)]);
  if (inspect.code !== 0 && builder)
    throw new EngineError(`no buildx builder "${builder}" (${inspect.stderr.trim().split('\n')[0] ?? 'docker buildx inspect failed'}); see docker buildx ls`);
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

/** `--builder NAME` for the named builder, BUILDX_BUILDER, or nothing (buildx's current builder). */
export function builderArgs(builder: string | undefined): string[] {
  const name = builder || process.env.BUILDX_BUILDER;
  return name ? ['--builder', name] : [];
}

export interface HelperBuildRequest {
  builder?: string;
  /** The Dockerfile's text, given on stdin. */
  dockerfile: string;
  context: string;
  namedContexts?: Record<string, string>;
  buildArgs?: Record<string, string>;
  /** A buildx `--output` value. */
  output: string;
  signal?: AbortSignal;
}

/** A build of warmbuild's own generated Dockerfile, with plain progress (stderr) for its marker lines. */
export function helperBuild(request: HelperBuildRequest): Promise<ProcessResult> {
  const args = ['buildx', 'build', ...builderArgs(request.builder), '--progress=plain', '-f', '-', '--output', request.output];
  for (const [name, dir] of Object.entries(request.namedContexts ?? {})) args.push('--build-context', `${name}=${dir}`);
  for (const [k, v] of Object.entries(request.buildArgs ?? {})) args.push('--build-arg', `${k}=${v}`);
  args.push(request.context);
  return exec('docker', args, { signal: request.signal, input: request.dockerfile });
}

/**
 * Removes the layer records whose description contains `fragment` (a helper's nonce): only what
 * warmbuild made. Cache mounts are never touched: a mount the helper created is named after it too.
 */
export async function pruneLayerRecords(fragment: string, builder?: string): Promise<void> {
  await exec('docker', ['buildx', 'prune', ...builderArgs(builder), '-f', '--filter', 'type=regular', '--filter', `description~=${fragment}`]);
}

/** Removes a local image; a missing one is fine. */
export async function removeImage(ref: string): Promise<void> {
  await exec('docker', ['image', 'rm', '-f', ref]);
}

/** The builder's driver (`docker`, `docker-container`, `kubernetes`, `remote`), or undefined when buildx cannot say. */
export async function builderDriver(builder?: string): Promise<string | undefined> {
  const inspect = await exec('docker', ['buildx', 'inspect', ...builderArgs(builder)]);
  return inspect.code === 0 ? /^Driver:\s*(\S+)/m.exec(inspect.stdout)?.[1] : undefined;
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
