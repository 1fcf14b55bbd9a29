import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { buildx, engineIdentity, enginePlatform, exec, imagePlatform, pruneCacheNamespace } from '../adapters/docker.js';
import { exists, readText } from '../adapters/fs.js';
import { answers } from '../adapters/net.js';
import { readProjectFiles } from '../adapters/project.js';
import { copyIfPresent, copyTree, removeDir, rewriteFile, scratchDir, writeFiles } from '../adapters/scratch.js';
import { InputError, UsageError, WarmbuildError } from '../errors.js';
import { analyzeGoProject, type GoProject, readsText } from '../go/project.js';
import { fixFiles } from '../runner.js';
import { GOLANG_IMAGE_DEFAULTS } from '../writer/mount.js';
import { builderImage, chooseEditFile, editedSource, forwardedEnv, needsHostNetwork, type PlatformImage, platformContexts, withStageArgs } from './plan.js';
import { compiledPackages, failureTail, parseRawJson, type Step } from './rawjson.js';
import { round, summarize } from './stats.js';
import { type BenchReport, type NativeScenario, SCENARIOS, type Scenario, type ScenarioResult } from './types.js';

export interface BenchOptions {
  projectDir: string;
  /** Relative to the project. */
  dockerfile: string;
  /** Another Dockerfile to compare with, or undefined for warmbuild's fixed version. */
  vs?: string;
  /** Include suggestions in the fixed variant. */
  unsafe?: boolean;
  /** A way to generate a Dockerfile for `--vs generated` (warmbuild init). */
  generate?: (projectDir: string) => Promise<string>;
  scenarios: Scenario[];
  runs: number;
  /** Relative to the project. */
  edit?: string;
  native: boolean;
  target?: string;
  /** Target platforms, each built on its own (the docker driver exports one platform per image); unset: the builder's default. */
  platforms?: string[];
  /** `REF=LOCAL`: a local image that stands in for REF on the platform it was made for (see README). */
  platformImages?: string[];
  /** The buildx builder every build and prune goes to; unset: BUILDX_BUILDER, else the current builder. */
  builder?: string;
  env: NodeJS.ProcessEnv;
  progress: (message: string) => void;
  signal?: AbortSignal;
}

const BUST_ARG = 'WARMBUILD_BENCH_RUN';

interface Variant {
  name: string;
  dockerfile: string;
}

/** The fixed variant exactly as `warmbuild fix` writes it: same loading of the build context and the config file. */
export async function fixedVariant(
  dockerfilePath: string,
  projectDir: string,
  unsafe: boolean | undefined,
): Promise<{ output: string; changed: boolean; suggestions: boolean }> {
  const once = async (withSuggestions: boolean) => {
    const [result] = await fixFiles([dockerfilePath], { dryRun: true, unsafe: withSuggestions, context: projectDir });
    if (result!.error) throw new WarmbuildError(result!.error);
    return result!;
  };
  const fixed = await once(unsafe === true);
  const changed = fixed.fix!.changed;
  const suggestions = !changed && unsafe !== true && (await once(true)).fix!.changed;
  return { output: fixed.source!, changed, suggestions };
}

async function resolvePlatformImages(specs: readonly string[]): Promise<PlatformImage[]> {
  const images: PlatformImage[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1)
      throw new UsageError(`--platform-image ${spec}: expected REF=LOCAL_IMAGE, e.g. golang:1.25=warmbuild-test/golang:1.25-trixie-arm64`);
    const local = spec.slice(eq + 1);
    images.push({ ref: spec.slice(0, eq), local, platform: await imagePlatform(local) });
  }
  return images;
}

/** Whether deps can run: vendored projects and those with nothing to download need no proxy; otherwise the proxy must answer. */
async function depsBlocker(project: GoProject, env: Record<string, string>): Promise<string | undefined> {
  if (project.vendored || !project.hasRequirements) return undefined;
  const proxy = (env.GOPROXY ?? 'https://proxy.golang.org,direct').split(/[,|]/)[0]!;
  if (proxy === 'off') return 'GOPROXY=off: a dependency change cannot download modules';
  const target = proxy === 'direct' ? new URL('https://github.com') : new URL(proxy);
  if (target.protocol === 'file:') return 'a file:// GOPROXY is not visible inside builds; serve it on 127.0.0.1 over http';
  const reachable = await answers(target.hostname, Number(target.port) || (target.protocol === 'https:' ? 443 : 80), 3000);
  return reachable ? undefined : `no module proxy answers at ${target.origin} (set GOPROXY to one that does)`;
}

function nsName(prefix: string, variant: string, rep: number): string {
  return `${prefix}-${variant.replace(/[^a-zA-Z0-9_.-]/g, '_')}-${rep}`;
}

/**
 * Runs the experiment: each repetition builds every variant cold (fresh cache-mount namespace, busted
 * layers), then no-op, one-file edit and dependency change, alternating variants within each scenario;
 * plus the native incremental `go build` in the builder image. Scratch copies only; cleans up always.
 */
export async function runBench(options: BenchOptions): Promise<{ report: BenchReport; failed: boolean }> {
  const projectDir = path.resolve(options.projectDir);
  if (!(await exists(path.join(projectDir, 'go.mod')))) throw new InputError(projectDir, undefined, 'no go.mod here: bench needs a Go module project');
  const dockerfilePath = path.join(projectDir, options.dockerfile);
  if (!(await exists(dockerfilePath))) throw new InputError(dockerfilePath, undefined, 'no such Dockerfile (use --dockerfile)');
  const original = await readText(dockerfilePath);
  const builder = options.builder ?? (options.env.BUILDX_BUILDER || undefined);
  const engine = await engineIdentity(builder);
  const buildPlatform = await enginePlatform();
  const platformImages = await resolvePlatformImages(options.platformImages ?? []);

  const variants: Variant[] = [{ name: 'original', dockerfile: original }];
  if (options.vs === 'generated') {
    if (!options.generate) throw new UsageError('--vs generated needs warmbuild init');
    variants.push({ name: 'generated', dockerfile: await options.generate(projectDir) });
  } else if (options.vs) {
    variants.push({ name: path.basename(options.vs), dockerfile: await readText(path.resolve(options.vs)) });
  } else {
    const fixed = await fixedVariant(dockerfilePath, projectDir, options.unsafe);
    if (!fixed.changed) {
      options.progress(
        `warmbuild finds nothing to fix in this Dockerfile: the fixed variant equals the original${fixed.suggestions ? ' (it has suggestions: --unsafe applies them)' : ''}`,
      );
    }
    variants.push({ name: 'fixed', dockerfile: fixed.output });
  }

  const project = analyzeGoProject(await readProjectFiles(projectDir, readsText), projectDir);
  const editFile = options.edit ?? chooseEditFile(project.mainPackages);
  if (!editFile && options.scenarios.includes('edit')) throw new InputError(projectDir, undefined, 'no main package .go file to edit (use --edit PATH)');
  const goEnv = forwardedEnv(options.env);
  const hostNetwork = needsHostNetwork(goEnv);
  const skipped: BenchReport['skipped'] = [];
  const scenarios = [...options.scenarios];
  if (scenarios.includes('deps')) {
    const reason = await depsBlocker(project, goEnv);
    if (reason) {
      skipped.push({ scenario: 'deps', reason });
      scenarios.splice(scenarios.indexOf('deps'), 1);
      options.progress(`skipping the dependency-change scenario: ${reason}`);
    }
  }

  const id = randomBytes(4).toString('hex');
  const prefix = `warmbuild-bench-${id}`;
  const scratch = await scratchDir('warmbuild-bench-');
  // Named, so that what a SIGKILL leaves behind can be found; every other exit removes it all.
  options.progress(`images, volumes and cache namespaces of this run are named ${prefix}-*; scratch copies are in ${scratch}`);
  const namespaces: string[] = [];
  const tags: string[] = [];
  const volumes: string[] = [];
  const times = new Map<string, { seconds: number[]; steps: Step[][]; packages: string[][]; error?: string }>();
  const native: Record<'cold' | 'noop' | 'edit', { seconds: number[]; packages: string[][] }> = {
    cold: { seconds: [], packages: [] },
    noop: { seconds: [], packages: [] },
    edit: { seconds: [], packages: [] },
  };
  const image = builderImage(original) ?? variants.map((v) => builderImage(v.dockerfile)).find(Boolean);
  const nativePackage = editFile ? `./${path.posix.dirname(editFile)}` : '.';
  // One build per variant and target platform: with the docker driver an image holds one platform.
  const builds = variants.flatMap((variant) =>
    (options.platforms ?? [undefined]).map((platform) => ({
      variant,
      platform,
      key: platform ? `${variant.name}\u0001${platform}` : variant.name,
      label: platform ? `${variant.name} ${platform}` : variant.name,
      buildContexts: platform ? platformContexts(variant.dockerfile, platform, buildPlatform, platformImages) : {},
    })),
  );
  const total = options.runs * ((scenarios.length + (scenarios.includes('cold') ? 0 : 1)) * builds.length + (options.native && image ? 3 : 0));
  let done = 0;
  const step = (label: string): void => options.progress(`[${++done}/${total}] ${label}`);

  try {
    for (let rep = 1; rep <= options.runs; rep++) {
      const bust = `${id}-${rep}`;
      const contexts = new Map<string, { ctx: string; file: string; ns: string; tag: string }>();
      for (const [index, { variant, key, label }] of builds.entries()) {
        const dir = path.join(scratch, `${label.replace(/[^\w.-]/g, '_')}-${rep}`);
        const ctx = path.join(dir, 'context');
        await copyTree(projectDir, ctx);
        const file = path.join(dir, 'Dockerfile');
        await writeFiles(dir, { Dockerfile: withStageArgs(variant.dockerfile, [BUST_ARG, ...Object.keys(goEnv)]) });
        await copyIfPresent(`${dockerfilePath}.dockerignore`, `${file}.dockerignore`);
        const ns = nsName(prefix, label, rep);
        namespaces.push(ns);
        const tag = `${prefix}-${index}:${rep}`;
        tags.push(tag);
        contexts.set(key, { ctx, file, ns, tag });
      }
      // Every repetition starts cold; when cold is not asked for, that build only primes the caches.
      for (const scenario of ['cold', ...scenarios.filter((s) => s !== 'cold')] as Scenario[]) {
        const recorded = scenarios.includes(scenario);
        for (const { key, label, platform, buildContexts } of builds) {
          const c = contexts.get(key)!;
          if (scenario === 'edit') await mutate(path.join(c.ctx, editFile!), `${rep}`);
          if (scenario === 'deps') await mutate(path.join(c.ctx, 'go.mod'), `deps ${rep}`);
          step(`${label}: ${recorded ? scenario : 'priming build'} (run ${rep}/${options.runs})`);
          const result = await buildx(
            {
              context: c.ctx,
              dockerfile: c.file,
              buildArgs: { ...goEnv, [BUST_ARG]: bust, BUILDKIT_CACHE_MOUNT_NS: c.ns },
              hostNetwork,
              target: options.target,
              tag: c.tag,
              builder,
              platform,
              buildContexts,
            },
            options.signal,
          );
          const steps = parseRawJson(result.stderr);
          const failure = result.code === 0 ? undefined : (failureTail(steps) ?? result.stderr.trim().split('\n').slice(-20).join('\n'));
          if (!recorded) {
            // A failed priming build fails every scenario of the variant.
            for (const s of failure ? scenarios : []) times.set(`${key}\u0000${s}`, { seconds: [], steps: [], packages: [], error: failure });
            continue;
          }
          const entry = times.get(`${key}\u0000${scenario}`) ?? { seconds: [], steps: [], packages: [] };
          if (failure) {
            entry.error = failure;
          } else {
            entry.seconds.push(result.seconds);
            entry.steps.push(steps);
            // Every RUN: GOFLAGS=-v reaches Go behind make and scripts too.
            entry.packages.push(steps.filter((s) => /\bRUN\b/.test(s.name)).flatMap((s) => compiledPackages(s.log)));
          }
          times.set(`${key}\u0000${scenario}`, entry);
        }
      }
      if (options.native && image) await runNative(rep);
    }
  } finally {
    await removeDir(scratch);
    for (const ns of namespaces) await pruneCacheNamespace(ns, builder).catch(() => undefined);
    if (tags.length > 0) await exec('docker', ['image', 'rm', '-f', ...tags]).catch(() => undefined);
    if (volumes.length > 0) await exec('docker', ['volume', 'rm', '-f', ...volumes]).catch(() => undefined);
  }

  async function runNative(rep: number): Promise<void> {
    const ctx = path.join(scratch, `native-${rep}`);
    await copyTree(projectDir, ctx);
    const cacheVolume = `${prefix}-native-gocache-${rep}`;
    const modVolume = `${prefix}-native-gomodcache-${rep}`;
    volumes.push(cacheVolume, modVolume);
    const script = `s=$(date +%s.%N); go build -buildvcs=false -o /tmp/out ${nativePackage}; rc=$?; e=$(date +%s.%N); echo "WARMBUILD_NATIVE $s $e" >&2; exit $rc`;
    const envArgs = Object.entries(goEnv).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const once = async (label: 'cold' | 'noop' | 'edit'): Promise<void> => {
      step(`native go build: ${label} (run ${rep}/${options.runs})`);
      const result = await exec(
        'docker',
        [
          'run',
          '--rm',
          ...(hostNetwork ? ['--network=host'] : []),
          '-v',
          `${ctx}:/src:ro`,
          '-w',
          '/src',
          '-v',
          `${cacheVolume}:${GOLANG_IMAGE_DEFAULTS.gocache}`,
          '-v',
          `${modVolume}:${GOLANG_IMAGE_DEFAULTS.gomodcache}`,
          ...envArgs,
          image!,
          'sh',
          '-c',
          script,
        ],
        { signal: options.signal },
      );
      const m = /WARMBUILD_NATIVE (\S+) (\S+)/.exec(result.stderr);
      if (result.code !== 0 || !m) {
        options.progress(`native go build failed: ${result.stderr.trim().split('\n').slice(-5).join(' | ')}`);
        return;
      }
      native[label].seconds.push(Number(m[2]) - Number(m[1]));
      native[label].packages.push(compiledPackages(result.stderr.replace(/WARMBUILD_NATIVE.*\n?/, '')));
    };
    await once('cold');
    await once('noop');
    if (editFile) {
      await mutate(path.join(ctx, editFile), `native ${rep}`);
      await once('edit');
    }
  }

  const results: ScenarioResult[] = [];
  for (const { variant, platform, key } of builds) {
    for (const scenario of scenarios) {
      const entry = times.get(`${key}\u0000${scenario}`);
      if (!entry) continue;
      const summary = summarize(entry.seconds) ?? { median: 0, min: 0, max: 0 };
      results.push({
        variant: variant.name,
        ...(platform ? { platform } : {}),
        scenario,
        seconds: entry.seconds.map((s) => round(s, 3)),
        median: round(summary.median, 3),
        min: round(summary.min, 3),
        max: round(summary.max, 3),
        steps: medianSteps(entry.steps),
        packages: entry.packages,
        ...(entry.error ? { error: entry.error } : {}),
      });
    }
  }
  const nativeReport: BenchReport['native'] = options.native && image ? { image, package: nativePackage } : undefined;
  if (nativeReport) {
    for (const label of ['cold', 'noop', 'edit'] as const) {
      const s = summarize(native[label].seconds);
      if (s)
        nativeReport[label] = {
          seconds: native[label].seconds.map((x) => round(x, 3)),
          median: round(s.median, 3),
          packages: native[label].packages,
        } satisfies NativeScenario;
    }
  }
  const report: BenchReport = {
    version: 1,
    engine,
    project: projectDir,
    runs: options.runs,
    variants: variants.map((v) => v.name),
    ...(options.platforms ? { platforms: options.platforms, buildPlatform } : {}),
    scenarios: SCENARIOS.filter((s) => scenarios.includes(s)),
    skipped,
    results,
    ...(nativeReport ? { native: nativeReport } : {}),
  };
  return { report, failed: results.some((r) => r.error) };
}

async function mutate(file: string, marker: string): Promise<void> {
  await rewriteFile(file, (text) => editedSource(text, marker));
}

/** Per step name, the median over runs; steps that never took time are left out. */
function medianSteps(runs: readonly Step[][]): { name: string; seconds: number }[] {
  const byName = new Map<string, number[]>();
  for (const steps of runs) {
    for (const s of steps) {
      if (s.cached) continue;
      byName.set(s.name, [...(byName.get(s.name) ?? []), s.seconds]);
    }
  }
  return [...byName.entries()]
    .map(([name, values]) => ({ name, seconds: round(summarize(values)!.median, 3) }))
    .filter((s) => s.seconds >= 0.005)
    .sort((a, b) => b.seconds - a.seconds);
}
