import { golangImageVersion, isCertainlyOlder } from '../go/version.js';
import type { Instruction, Stage } from '../model/dockerfile.js';
import { isWithin, resolveTarget } from '../model/env.js';
import { type CacheMount, isCacheMount } from '../model/mounts.js';
import { compiles, downloadsModules, type GoInvocation, goFlags } from '../model/shell.js';
import type { Span } from '../model/text.js';
import type { RuleContext } from './types.js';

// Go facts several rules share, so each rule states only its own decision.

export function cacheMounts(run: Instruction): CacheMount[] {
  return run.mounts.filter(isCacheMount);
}

/** The RUN's cache mounts, each with its target as BuildKit resolves it (undefined when it cannot be resolved). */
function resolvedCacheMounts(context: RuleContext, run: Instruction): { mount: CacheMount; target: string | undefined }[] {
  return context.shared(resolveCacheMounts, run);
}

function resolveCacheMounts(context: RuleContext, run: Instruction): { mount: CacheMount; target: string | undefined }[] {
  const env = context.env(run);
  return cacheMounts(run).map((mount) => ({ mount, target: mount.target === undefined ? undefined : resolveTarget(mount.target, env) }));
}

/** The cache mount of `run` whose target is `dir` or a parent of it. */
export function coveringMount(context: RuleContext, run: Instruction, dir: string): CacheMount | undefined {
  return resolvedCacheMounts(context, run).find(({ target }) => target !== undefined && isWithin(dir, target))?.mount;
}

export function looksLikeBuildCache(target: string): boolean {
  return /(^|\/)go-build\/?$/.test(target);
}

export function looksLikeModCache(target: string): boolean {
  return /(^|\/)pkg\/mod\/?$/.test(target);
}

/** Whether Go resolves packages from vendor/ (or GOPATH mode) rather than the module cache. */
export function vendorMode(context: RuleContext, run: Instruction, go: GoInvocation): boolean {
  // Asked several times for each command (go-mod-cache, copy-before-mod-download): read once.
  const known = context.shared(vendorModes, run);
  let mode = known.get(go);
  if (mode === undefined) {
    mode = readVendorMode(context, run, go);
    known.set(go, mode);
  }
  return mode;
}

function vendorModes(): Map<GoInvocation, boolean> {
  return new Map();
}

function readVendorMode(context: RuleContext, run: Instruction, go: GoInvocation): boolean {
  const paths = context.goPaths(run, go.command.env);
  const flags = goFlags(go, paths.goflags.value);
  const modes = flags.flatMap((f, i) => (/^--?mod=/.test(f) ? [f.replace(/^--?mod=/, '')] : /^--?mod$/.test(f) && flags[i + 1] ? [flags[i + 1]!] : []));
  const mod = modes[modes.length - 1];
  if (gopathMode(context, run, go)) return true;
  if (mod === 'vendor') return true;
  if (mod === 'mod' || mod === 'readonly') return false;
  return context.facts.vendor === true;
}

/** GOPATH mode: GO111MODULE=off on the command or in the stage's environment. */
export function gopathMode(context: RuleContext, run: Instruction, go: GoInvocation): boolean {
  return (go.command.env.GO111MODULE ?? context.env(run).vars.get('GO111MODULE')?.value) === 'off';
}

const GO_GET_STOPS_BUILDING = { major: 1, minor: 18 };

/**
 * Whether a Go invocation compiles packages (so reads and writes GOCACHE) in this RUN's stage: what
 * `compiles` says, and `go get` without -d where it still builds and installs what it fetches, in
 * GOPATH mode and before Go 1.18 (known from the stage's golang image tag).
 */
export function compilesHere(context: RuleContext, run: Instruction, go: GoInvocation): boolean {
  if (compiles(go)) return true;
  if (go.subcommand !== 'get' || go.args.some((a) => /^--?d(=true)?$/.test(a.value))) return false;
  if (gopathMode(context, run, go)) return true;
  let stage = run.stage;
  while (stage?.base) stage = stage.base;
  const version = stage?.resolvedImage ? golangImageVersion(stage.resolvedImage) : undefined;
  return version !== undefined && isCertainlyOlder(version, GO_GET_STOPS_BUILDING);
}

/** Go commands that read the module cache (and fetch into it what is missing). */
export function usesModules(go: GoInvocation): boolean {
  return compiles(go) || downloadsModules(go) || go.subcommand === 'list' || go.subcommand.startsWith('mod ');
}

/** Whether this invocation fetches modules, given whether earlier layers already hold them. */
export function fetchesModules(context: RuleContext, run: Instruction, go: GoInvocation, layerHasModules: boolean): boolean {
  if (downloadsModules(go)) return true;
  if (!usesModules(go) || vendorMode(context, run, go)) return false;
  return !layerHasModules;
}

/** Both cache locations an instruction's Go commands use, deduplicated. */
export function goCacheDirs(context: RuleContext, run: Instruction): { gocache: string[]; gomodcache: string[] } {
  return context.shared(findGoCacheDirs, run);
}

function findGoCacheDirs(context: RuleContext, run: Instruction): { gocache: string[]; gomodcache: string[] } {
  const gocache = new Set<string>();
  const gomodcache = new Set<string>();
  const overrides = goCommands(context, run).map((g) => g.go.command.env);
  for (const o of overrides.length > 0 ? overrides : [{}]) {
    const paths = context.goPaths(run, o);
    if (paths.gocache.value) gocache.add(paths.gocache.value);
    if (paths.gomodcache.value) gomodcache.add(paths.gomodcache.value);
  }
  return { gocache: [...gocache], gomodcache: [...gomodcache] };
}

export interface GoCommand {
  go: GoInvocation;
  /** Where a finding points: the Go command's words, or the RUN's command that runs it out of sight. */
  span: Span;
  /** `go build`, or the chain to it: `make app → go build … ./cmd/app`. */
  label: string;
  /** Run through make, a script or a wrapper, as the build context shows. */
  hidden: boolean;
}

/** The Go commands a RUN runs: its own, then those its make, scripts and wrappers run. */
export function goCommands(context: RuleContext, run: Instruction): GoCommand[] {
  return context.shared(findGoCommands, run);
}

function findGoCommands(context: RuleContext, run: Instruction): GoCommand[] {
  const direct = context.run(run).go.map((go) => ({ go, span: commandSpan(go), label: `go ${go.subcommand}`, hidden: false }));
  const hidden = context.follow(run).go.map((h) => ({ go: h.go, span: wordsSpan(h.via.argv), label: h.chain.join(' → '), hidden: true }));
  return [...direct, ...hidden];
}

/** The span from a command's first word to its last. */
export function wordsSpan(argv: readonly { span: Span }[]): Span {
  return { start: argv[0]!.span.start, end: argv[argv.length - 1]!.span.end };
}

/** Where a finding about a Go command points: the command's words, e.g. `go build -o app .`. */
export function commandSpan(go: GoInvocation): Span {
  return wordsSpan(go.command.argv);
}

/** A stage that builds Go: FROM a golang image (or a stage of one), or with a Go command in a RUN. */
export function isGoBuilderStage(context: RuleContext, run: Instruction): boolean {
  const stage = run.stage;
  if (!stage) return false;
  if (context.env(run).golangImage) return true;
  return context.shared(runsGo, stage);
}

function runsGo(context: RuleContext, stage: Stage): boolean {
  return stage.instructions.some((i) => i.keyword === 'RUN' && goCommands(context, i).length > 0);
}

/** Whether `-buildvcs=false` (or GOFLAGS with it) applies to an invocation. */
export function stampsVcs(context: RuleContext, run: Instruction, go: GoInvocation): boolean {
  const flags = goFlags(go, context.goPaths(run, go.command.env).goflags.value);
  return !flags.some((f) => /^--?buildvcs=(false|0)$/.test(f));
}

export interface GoCacheMount {
  mount: CacheMount;
  /** The target as BuildKit resolves it (relative targets under WORKDIR). */
  target: string;
  /** The target looks like a Go cache by its path (…/go-build, …/pkg/mod), wherever Go really is. */
  looksLike: 'GOCACHE' | 'GOMODCACHE' | undefined;
  /** The mount covers the Go build cache, or the module cache, that this RUN's Go commands use. */
  coversBuildCache: boolean;
  coversModCache: boolean;
}

/** The RUN's cache mounts with a resolvable target, each placed relative to Go's caches. */
export function goCacheMounts(context: RuleContext, run: Instruction): GoCacheMount[] {
  return context.shared(placeGoCacheMounts, run);
}

function placeGoCacheMounts(context: RuleContext, run: Instruction): GoCacheMount[] {
  const dirs = goCacheDirs(context, run);
  return resolvedCacheMounts(context, run).flatMap(({ mount, target }): GoCacheMount[] => {
    if (target === undefined) return [];
    return [
      {
        mount,
        target,
        looksLike: looksLikeBuildCache(target) ? 'GOCACHE' : looksLikeModCache(target) ? 'GOMODCACHE' : undefined,
        coversBuildCache: dirs.gocache.some((d) => isWithin(d, target)),
        coversModCache: dirs.gomodcache.some((d) => isWithin(d, target)),
      },
    ];
  });
}

/**
 * Whether `run` is in the stage that becomes the image by default (the last one). A cache mount added
 * there takes Go's caches out of the image, which changes it: such fixes are suggestions.
 */
export function inFinalStage(context: RuleContext, run: Instruction): boolean {
  const stages = context.model.stages;
  return run.stage !== undefined && run.stage === stages[stages.length - 1];
}
