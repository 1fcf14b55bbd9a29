import path from 'node:path/posix';
import { type Expansion, expand, type GlobalArgs, type Instruction, type Origin, type Resolved, type Stage } from './dockerfile.js';
import type { RunAnalysis } from './shell.js';

// The environment each instruction runs in: ARG scopes, ENV, USER, HOME, WORKDIR and `go env -w`, as
// far as the Dockerfile alone determines them. Computed once per file by the semantic model.

/** The environment an instruction runs in. */
export interface BuildEnv {
  vars: ReadonlyMap<string, Resolved>;
  /** The USER in effect, undefined when none was set (root in the images we know). */
  user: string | undefined;
  /** `env` when a USER instruction set `user` (here or in a base stage), `default` for the image's root. */
  userOrigin: Origin;
  /** HOME: set by ENV, or the default for the user (/root for root; unknown for another user). */
  home: Resolved;
  workdir: Resolved;
  /** True when the stage descends from an official golang image, whose defaults we know. */
  golangImage: boolean;
  /** Settings an earlier RUN wrote with `go env -w`: Go reads them when the environment does not set them. */
  goEnv: ReadonlyMap<string, Resolved>;
}

export interface GoPaths {
  home: Resolved;
  gocache: Resolved;
  gomodcache: Resolved;
  goflags: Resolved;
}

export function isGolangImage(image: string): boolean {
  const withoutDigest = image.split('@')[0]!;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  const repo = (colon >= 0 ? withoutDigest.slice(0, colon) : withoutDigest).toLowerCase();
  return repo === 'golang' || repo.endsWith('/library/golang') || repo === 'library/golang';
}

/** What a stage's instructions change as they run; maps are replaced, never changed, so snapshots share them. */
interface StageState {
  vars: ReadonlyMap<string, Resolved>;
  user: string | undefined;
  userOrigin: Origin;
  workdir: Resolved;
  golangImage: boolean;
  goEnv: ReadonlyMap<string, Resolved>;
}

const NO_VARS: ReadonlyMap<string, Resolved> = new Map();

function emptyState(): StageState {
  return {
    vars: NO_VARS,
    user: undefined,
    userOrigin: 'default',
    workdir: { value: '/', certain: false, origin: 'default' },
    golangImage: false,
    goEnv: NO_VARS,
  };
}

function snapshot(state: StageState): BuildEnv {
  const home =
    state.vars.get('HOME') ??
    state.goEnv.get('HOME') ??
    (isRoot(state.user) ? { value: '/root', certain: state.golangImage, origin: 'default' } : { value: undefined, certain: false, origin: 'default' });
  return { ...state, home };
}

/** The environment of an instruction the file does not place (none: every instruction has one). */
export function emptyEnv(): BuildEnv {
  return snapshot(emptyState());
}

/**
 * The environment in effect when each instruction runs (before its own effect); an ONBUILD trigger
 * runs in the environment its stage ends with. `runs` gives each RUN's commands (for `go env -w`).
 */
export function environments(
  stages: readonly Stage[],
  prelude: readonly Instruction[],
  globalArgs: GlobalArgs,
  runs: (run: Instruction) => RunAnalysis,
): Map<Instruction, BuildEnv> {
  const table = new Map<Instruction, BuildEnv>();
  for (const instruction of prelude) table.set(instruction, snapshot({ ...emptyState(), vars: globalArgs.before.get(instruction) ?? NO_VARS }));
  const endOfStage = new Map<Stage, StageState>();
  for (const stage of stages) {
    const image = stage.resolvedImage ?? stage.image;
    let env: StageState;
    if (stage.base) {
      const inherited = endOfStage.get(stage.base) ?? emptyState();
      // ARG values are scoped to their stage: a child stage does not see them.
      env = { ...inherited, vars: new Map([...inherited.vars].filter(([, v]) => v.origin !== 'arg')) };
    } else if (isGolangImage(image)) {
      env = {
        vars: new Map([
          ['GOPATH', { value: '/go', certain: true, origin: 'image' }],
          ['GOTOOLCHAIN', { value: 'local', certain: true, origin: 'image' }],
        ]),
        user: undefined,
        userOrigin: 'default',
        workdir: { value: '/go', certain: true, origin: 'image' },
        golangImage: true,
        goEnv: NO_VARS,
      };
    } else {
      env = emptyState();
    }
    const triggers: Instruction[] = [];
    // Instructions that change nothing (most) leave the environment as it was: they share its snapshot.
    let current = snapshot(env);
    for (const instruction of stage.instructions) {
      table.set(instruction, current);
      const change = effect(instruction, env, globalArgs, runs, triggers);
      if (change === undefined) continue;
      env = { ...env, ...change };
      current = snapshot(env);
    }
    endOfStage.set(stage, env);
    for (const trigger of triggers) table.set(trigger, current);
  }
  return table;
}

/** What `instruction` changes in the stage's environment; undefined when nothing. */
function effect(
  instruction: Instruction,
  env: StageState,
  globalArgs: GlobalArgs,
  runs: (run: Instruction) => RunAnalysis,
  triggers: Instruction[],
): Partial<StageState> | undefined {
  switch (instruction.keyword) {
    case 'ONBUILD':
      if (instruction.trigger) triggers.push(instruction.trigger);
      return undefined;
    case 'RUN': {
      let goEnv: Map<string, Resolved> | undefined;
      for (const go of runs(instruction).go) {
        if (go.subcommand !== 'env' || !go.args.some((a) => a.value === '-w')) continue;
        for (const a of go.args) {
          const eq = a.value.indexOf('=');
          if (eq > 0 && !a.value.startsWith('-')) {
            goEnv ??= new Map(env.goEnv);
            goEnv.set(a.value.slice(0, eq), { ...expand(a.value.slice(eq + 1), env.vars), origin: 'env' });
          }
        }
      }
      return goEnv ? { goEnv } : undefined;
    }
    case 'ENV': {
      const vars = new Map(env.vars);
      for (const p of instruction.properties) vars.set(p.name, { ...expand(p.value ?? '', vars), origin: 'env' });
      return { vars };
    }
    case 'ARG': {
      const vars = new Map(env.vars);
      for (const p of instruction.properties) {
        // An ENV of the same name wins over the ARG.
        if (vars.has(p.name) && vars.get(p.name)!.origin !== 'arg') continue;
        vars.set(p.name, { value: p.value !== null ? expand(p.value, vars).value : globalArgs.values.get(p.name)?.value, certain: false, origin: 'arg' });
      }
      return { vars };
    }
    case 'USER': {
      const raw = instruction.args[0]?.value;
      return { user: raw === undefined ? undefined : (expand(raw, env.vars).value ?? raw), userOrigin: 'env' };
    }
    case 'WORKDIR': {
      const raw = instruction.args.map((a) => a.value).join(' ');
      const dir = expand(raw, env.vars);
      if (dir.value === undefined) return { workdir: { value: undefined, certain: false, origin: 'env' } };
      if (dir.value.startsWith('/')) return { workdir: { value: path.normalize(dir.value), certain: dir.certain && env.workdir.certain, origin: 'env' } };
      return {
        workdir: {
          value: env.workdir.value === undefined ? undefined : path.join(env.workdir.value, dir.value),
          certain: dir.certain && env.workdir.certain,
          origin: 'env',
        },
      };
    }
    default:
      return undefined;
  }
}

function isRoot(user: string | undefined): boolean {
  if (user === undefined) return true;
  const name = user.split(':')[0]!;
  return name === 'root' || name === '0';
}

/** Numeric uid and gid of a USER spec, when it states them. */
export function numericUser(user: string | undefined): { uid: string; gid: string } | undefined {
  if (user === undefined) return undefined;
  const m = /^(\d+)(?::(\d+))?$/.exec(user);
  return m ? { uid: m[1]!, gid: m[2] ?? m[1]! } : undefined;
}

export function isRootUser(env: BuildEnv): boolean {
  return isRoot(env.user);
}

/** The variables `goPathsAt` reads: a command that sets none of them has the stage's paths. */
const GO_PATHS_INPUTS = ['HOME', 'XDG_CACHE_HOME', 'GOCACHE', 'GOPATH', 'GOMODCACHE', 'GOFLAGS'] as const;

/** Whether a command's `NAME=value` prefixes move Go's caches (or GOFLAGS) away from the stage's. */
export function overridesGoPaths(overrides: Record<string, string>): boolean {
  return GO_PATHS_INPUTS.some((name) => overrides[name] !== undefined);
}

/**
 * Where Go keeps its caches for a command run in `env`, with `overrides` (the command's own
 * `NAME=value` prefixes): GOCACHE defaults to $XDG_CACHE_HOME/go-build or $HOME/.cache/go-build,
 * GOMODCACHE to the first GOPATH entry's pkg/mod, GOPATH to $HOME/go (/go in golang images).
 */
export function goPathsAt(env: BuildEnv, overrides: Record<string, string> = {}): GoPaths {
  const lookup = (name: (typeof GO_PATHS_INPUTS)[number]): Resolved | undefined => {
    const own = overrides[name];
    if (own !== undefined) return { ...expand(own, env.vars), origin: 'env' };
    return env.vars.get(name) ?? env.goEnv.get(name);
  };
  const home = overrides.HOME !== undefined ? lookup('HOME')! : env.home;
  // A location Go derives from another one is Go's default, however that other one was set.
  const under = (base: Expansion, rel: string): Resolved =>
    base.value === undefined
      ? { value: undefined, certain: false, origin: 'default' }
      : { value: path.join(base.value, rel), certain: base.certain, origin: 'default' };
  const xdg = lookup('XDG_CACHE_HOME');
  const gocache = lookup('GOCACHE') ?? (xdg ? under(xdg, 'go-build') : under(home, '.cache/go-build'));
  const gopathRaw = lookup('GOPATH') ?? under(home, 'go');
  const gopath = normalize({ value: gopathRaw.value?.split(':')[0], certain: gopathRaw.certain, origin: gopathRaw.origin });
  const gomodcache = lookup('GOMODCACHE') ?? under(gopath, 'pkg/mod');
  return {
    home,
    gocache: normalize(gocache),
    gomodcache: normalize(gomodcache),
    goflags: lookup('GOFLAGS') ?? { value: undefined, certain: true, origin: 'default' },
  };
}

/** Go needs absolute cache paths; anything else (a Windows `C:\\go`, an empty value) is unknown here. */
function normalize(r: Resolved): Resolved {
  if (r.value === undefined || !r.value.startsWith('/')) return { value: undefined, certain: false, origin: r.origin };
  return { value: path.normalize(r.value), certain: r.certain, origin: r.origin };
}

/** A mount target as BuildKit resolves it: relative targets are under the WORKDIR. */
export function resolveTarget(target: string, env: BuildEnv): string | undefined {
  const expanded = expand(target, env.vars).value ?? target;
  if (expanded.startsWith('/')) return path.normalize(expanded);
  return env.workdir.value === undefined ? undefined : path.join(env.workdir.value, expanded);
}

/** True when `dir` is `root` or lies inside it. */
export function isWithin(dir: string, root: string): boolean {
  // Clean absolute paths (what the environment model produces) compare as strings; path.relative is
  // for the rest, and is the hot spot of the Go cache rules otherwise.
  if (isCleanAbsolute(dir) && isCleanAbsolute(root)) {
    if (dir === root) return true;
    const prefix = root === '/' ? '/' : `${root}/`;
    // As path.relative's answer is read below: a first element starting with `..` counts as outside.
    return dir.startsWith(prefix) && !dir.startsWith('..', prefix.length);
  }
  const rel = path.relative(root, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function isCleanAbsolute(p: string): boolean {
  return p.startsWith('/') && (p.length === 1 || !p.endsWith('/')) && !/\/\.{0,2}(\/|$)/.test(p);
}
