import path from 'node:path/posix';
import type { DockerfileModel, Instruction, Stage } from './dockerfile.js';
import { analyzeRun } from './shell.js';

/** A value as far as the Dockerfile alone determines it; `certain` is false when a build arg or the base image could change it. */
export interface Resolved {
  value: string | undefined;
  certain: boolean;
}

/** The environment an instruction runs in. */
export interface BuildEnv {
  vars: ReadonlyMap<string, Resolved>;
  /** The USER in effect, undefined when none was set (root in the images we know). */
  user: string | undefined;
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

const cache = new WeakMap<DockerfileModel, Map<Instruction, BuildEnv>>();

/** The environment in effect when `instruction` runs (before its own effect). */
export function envAt(model: DockerfileModel, instruction: Instruction): BuildEnv {
  let table = cache.get(model);
  if (!table) {
    table = computeEnvironments(model);
    cache.set(model, table);
  }
  return table.get(instruction) ?? emptyEnv();
}

const endOfStage = new WeakMap<Stage, BuildEnv>();

function emptyEnv(): BuildEnv {
  return { vars: new Map(), user: undefined, workdir: { value: '/', certain: false }, golangImage: false, goEnv: new Map() };
}

export function isGolangImage(image: string): boolean {
  const withoutDigest = image.split('@')[0]!;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  const repo = (colon >= 0 ? withoutDigest.slice(0, colon) : withoutDigest).toLowerCase();
  return repo === 'golang' || repo.endsWith('/library/golang') || repo === 'library/golang';
}

function computeEnvironments(model: DockerfileModel): Map<Instruction, BuildEnv> {
  const table = new Map<Instruction, BuildEnv>();
  const globalArgs = new Map<string, Resolved>();
  for (const instruction of model.instructions) {
    if (instruction.stage) break;
    table.set(instruction, { ...emptyEnv(), vars: new Map(globalArgs) });
    if (instruction.keyword === 'ARG') {
      for (const p of instruction.properties) {
        globalArgs.set(p.name, { value: p.value === null ? undefined : expand(p.value, globalArgs).value, certain: false });
      }
    }
  }

  for (const stage of model.stages) {
    const image = stage.resolvedImage ?? stage.image;
    let env: { vars: Map<string, Resolved>; user: string | undefined; workdir: Resolved; golangImage: boolean; goEnv: Map<string, Resolved> };
    if (stage.base) {
      const inherited = endOfStage.get(stage.base) ?? emptyEnv();
      env = { ...inherited, vars: new Map([...inherited.vars].filter(([, v]) => !argNames.has(v))), goEnv: new Map(inherited.goEnv) };
    } else if (isGolangImage(image)) {
      env = {
        vars: new Map([
          ['GOPATH', { value: '/go', certain: true }],
          ['GOTOOLCHAIN', { value: 'local', certain: true }],
        ]),
        user: undefined,
        workdir: { value: '/go', certain: true },
        golangImage: true,
        goEnv: new Map(),
      };
    } else {
      env = { vars: new Map(), user: undefined, workdir: { value: '/', certain: false }, golangImage: false, goEnv: new Map() };
    }
    const triggers: Instruction[] = [];
    for (const instruction of stage.instructions) {
      table.set(instruction, { ...env, vars: new Map(env.vars), goEnv: new Map(env.goEnv) });
      switch (instruction.keyword) {
        case 'ONBUILD':
          if (instruction.trigger) triggers.push(instruction.trigger);
          break;
        case 'RUN':
          for (const go of analyzeRun(model, instruction).go) {
            if (go.subcommand !== 'env' || !go.args.some((a) => a.value === '-w')) continue;
            for (const a of go.args) {
              const eq = a.value.indexOf('=');
              if (eq > 0 && !a.value.startsWith('-')) env.goEnv.set(a.value.slice(0, eq), expand(a.value.slice(eq + 1), env.vars));
            }
          }
          break;
        case 'ENV':
          for (const p of instruction.properties) {
            const value = expand(p.value ?? '', env.vars);
            env.vars.set(p.name, value);
          }
          break;
        case 'ARG':
          for (const p of instruction.properties) {
            if (env.vars.has(p.name) && !argNames.has(env.vars.get(p.name)!)) continue;
            const fromGlobal = globalArgs.get(p.name);
            const value: Resolved =
              p.value !== null ? { value: expand(p.value, env.vars).value, certain: false } : { value: fromGlobal?.value, certain: false };
            argNames.add(value);
            env.vars.set(p.name, value);
          }
          break;
        case 'USER': {
          const raw = instruction.args[0]?.value;
          env.user = raw === undefined ? undefined : (expand(raw, env.vars).value ?? raw);
          break;
        }
        case 'WORKDIR': {
          const raw = instruction.args.map((a) => a.value).join(' ');
          const dir = expand(raw, env.vars);
          if (dir.value === undefined) env.workdir = { value: undefined, certain: false };
          else if (dir.value.startsWith('/')) env.workdir = { value: path.normalize(dir.value), certain: dir.certain && env.workdir.certain };
          else
            env.workdir = {
              value: env.workdir.value === undefined ? undefined : path.join(env.workdir.value, dir.value),
              certain: dir.certain && env.workdir.certain,
            };
          break;
        }
      }
    }
    endOfStage.set(stage, { ...env, vars: new Map(env.vars) });
    // A trigger runs right after the FROM of a build on this image, in the environment this stage ends with.
    for (const trigger of triggers) table.set(trigger, { ...env, vars: new Map(env.vars), goEnv: new Map(env.goEnv) });
  }
  return table;
}

/** ARG values are scoped to their stage; this marks them so that child stages drop them. */
const argNames = new WeakSet<Resolved>();

/** Expands `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:+alt}` as Dockerfile ENV/ARG do. */
export function expand(value: string, vars: ReadonlyMap<string, Resolved>): Resolved {
  let certain = true;
  let unknown = false;
  const lookup = (name: string): string | undefined => {
    const v = vars.get(name);
    if (!v || v.value === undefined) {
      unknown = true;
      return undefined;
    }
    certain = certain && v.certain;
    return v.value;
  };
  const out = value.replace(
    /\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced?: string, op?: string, word?: string, bare?: string) => {
      if (match === '\\$') return '$';
      const name = (braced ?? bare)!;
      if (op) {
        const v = vars.get(name);
        const isSet = v !== undefined && v.value !== undefined && (op.startsWith(':') ? v.value !== '' : true);
        if (v && !v.certain) certain = false;
        if (op.endsWith('-')) return isSet ? v!.value! : (word ?? '');
        return isSet ? (word ?? '') : '';
      }
      return lookup(name) ?? '';
    },
  );
  return unknown ? { value: undefined, certain: false } : { value: out, certain };
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

/**
 * Where Go keeps its caches for a command run in `env`, with `overrides` (the command's own
 * `NAME=value` prefixes): GOCACHE defaults to $XDG_CACHE_HOME/go-build or $HOME/.cache/go-build,
 * GOMODCACHE to the first GOPATH entry's pkg/mod, GOPATH to $HOME/go (/go in golang images).
 */
export function goPathsAt(env: BuildEnv, overrides: Record<string, string> = {}): GoPaths {
  const lookup = (name: string): Resolved | undefined => {
    const own = overrides[name];
    if (own !== undefined) return expand(own, env.vars);
    return env.vars.get(name) ?? env.goEnv.get(name);
  };
  const home: Resolved = lookup('HOME') ?? (isRoot(env.user) ? { value: '/root', certain: env.golangImage } : { value: undefined, certain: false });
  const under = (base: Resolved, rel: string): Resolved =>
    base.value === undefined ? { value: undefined, certain: false } : { value: path.join(base.value, rel), certain: base.certain };
  const xdg = lookup('XDG_CACHE_HOME');
  const gocache = lookup('GOCACHE') ?? (xdg ? under(xdg, 'go-build') : under(home, '.cache/go-build'));
  const gopathRaw = lookup('GOPATH') ?? under(home, 'go');
  const gopath = normalize({ value: gopathRaw.value?.split(':')[0], certain: gopathRaw.certain });
  const gomodcache = lookup('GOMODCACHE') ?? under(gopath, 'pkg/mod');
  return { home, gocache: normalize(gocache), gomodcache: normalize(gomodcache), goflags: lookup('GOFLAGS') ?? { value: undefined, certain: true } };
}

/** Go needs absolute cache paths; anything else (a Windows `C:\\go`, an empty value) is unknown here. */
function normalize(r: Resolved): Resolved {
  return r.value === undefined || !r.value.startsWith('/') ? { value: undefined, certain: false } : { value: path.normalize(r.value), certain: r.certain };
}

/** A mount target as BuildKit resolves it: relative targets are under the WORKDIR. */
export function resolveTarget(target: string, env: BuildEnv): string | undefined {
  const expanded = expand(target, env.vars).value ?? target;
  if (expanded.startsWith('/')) return path.normalize(expanded);
  return env.workdir.value === undefined ? undefined : path.join(env.workdir.value, expanded);
}

/** True when `dir` is `root` or lies inside it. */
export function isWithin(dir: string, root: string): boolean {
  const rel = path.relative(root, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
