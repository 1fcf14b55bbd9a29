import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fixText } from '../../src/lint.js';
import { builderArgs, pruneCacheMounts, testBuilders } from '../support/builder.js';
import { build, compiledPackages, stepOutput, uniqueName } from '../support/buildkit.js';
import { hasDocker } from '../support/docker.js';

/**
 * The GitHub Action end to end: action.yml's own steps run as a runner runs them (bash, GITHUB_OUTPUT,
 * `if:` and `${{ }}` expressions), with a directory standing in for the Actions cache. Two runners are
 * simulated by two BUILDKIT_CACHE_MOUNT_NS namespaces (see cache.test.ts): nothing else is touched.
 */

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'hello-world');

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  'continue-on-error'?: boolean;
}
interface Action {
  inputs: Record<string, { default?: string; required?: boolean }>;
  runs: { using: string; steps: Step[] };
}

interface Context {
  inputs: Record<string, string>;
  github: Record<string, string>;
  runner: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string> }>;
}

/** The expressions action.yml uses: property paths, string literals, `==` and `&&`. Anything else fails the test. */
function evaluate(expr: string, ctx: Context): string {
  const e = expr.trim();
  if (e.includes('&&')) return e.split('&&').every((part) => evaluate(part, ctx) === 'true') ? 'true' : 'false';
  if (e.includes('==')) {
    const [a, b] = e.split('==').map((s) => evaluate(s, ctx));
    return a === b ? 'true' : 'false';
  }
  const literal = /^'([^']*)'$/.exec(e);
  if (literal) return literal[1]!;
  if (!/^[a-z][\w-]*(\.[\w-]+)+$/i.test(e)) throw new Error(`expression the emulator does not know: ${e}`);
  let value: unknown = ctx;
  for (const key of e.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return value === undefined ? '' : String(value);
}

function interpolate(text: string, ctx: Context): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_m, expr: string) => evaluate(expr, ctx));
}

function readOutputs(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([\w-]+)<<(\w+)$/.exec(lines[i]!);
    if (heredoc) {
      const body: string[] = [];
      while (++i < lines.length && lines[i] !== heredoc[2]) body.push(lines[i]!);
      out[heredoc[1]!] = body.join('\n');
    } else if (lines[i]!.includes('=')) {
      const eq = lines[i]!.indexOf('=');
      out[lines[i]!.slice(0, eq)] = lines[i]!.slice(eq + 1);
    }
  }
  return out;
}

function bash(script: string, env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

/** actions/cache, emulated over a directory: one subdirectory per key; restore-keys pick the newest prefix match. */
const actionsCache = {
  restore(root: string, dest: string, key: string, restoreKeys: string): Record<string, string> {
    const entries = existsSync(root) ? readdirSync(root).sort() : [];
    const hit = entries.includes(key)
      ? key
      : restoreKeys
          .split('\n')
          .filter(Boolean)
          .map((prefix) => entries.filter((e) => e.startsWith(prefix)).pop())
          .find(Boolean);
    if (hit) cpSync(path.join(root, hit), dest, { recursive: true });
    return { 'cache-hit': hit === key ? 'true' : 'false', 'cache-matched-key': hit ?? '' };
  },
  save(root: string, src: string, key: string): void {
    if (existsSync(path.join(root, key))) throw new Error(`Unable to reserve cache with key ${key}, another job may be creating this cache.`);
    cpSync(src, path.join(root, key), { recursive: true });
  },
};

const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as Action;

/** Runs action.yml's steps for one `uses:` of the action, as a runner would. */
async function runAction(
  inputs: Record<string, string>,
  env: { workspace: string; temp: string; cacheRoot: string; event: string; runId: string },
): Promise<{ log: string; outputs: Context['steps'] }> {
  const ctx: Context = {
    inputs: {},
    github: { action_path: ROOT, event_name: env.event, run_id: env.runId, workspace: env.workspace },
    runner: { temp: env.temp, os: 'Linux', arch: 'X64' },
    steps: {},
  };
  for (const [name, spec] of Object.entries(action.inputs)) ctx.inputs[name] = inputs[name] ?? interpolate(spec.default ?? '', ctx);
  let log = '';
  for (const step of action.runs.steps) {
    if (step.if !== undefined && evaluate(step.if, ctx) !== 'true') continue;
    const outputs: Record<string, string> = {};
    try {
      if (step.uses?.startsWith('actions/cache/restore@')) {
        Object.assign(
          outputs,
          actionsCache.restore(
            env.cacheRoot,
            interpolate(step.with!.path!, ctx),
            interpolate(step.with!.key!, ctx),
            interpolate(step.with!['restore-keys'] ?? '', ctx),
          ),
        );
      } else if (step.uses?.startsWith('actions/cache/save@')) {
        actionsCache.save(env.cacheRoot, interpolate(step.with!.path!, ctx), interpolate(step.with!.key!, ctx));
      } else if (step.run !== undefined) {
        expect(step.shell).toBe('bash');
        const outputFile = path.join(env.temp, `output-${Math.random().toString(36).slice(2)}`);
        const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, interpolate(v, ctx)]));
        const r = await bash(step.run, { ...process.env, ...stepEnv, GITHUB_OUTPUT: outputFile, RUNNER_TEMP: env.temp }, env.workspace);
        log += r.output;
        if (r.code !== 0) throw new Error(`step "${step.name}" exited ${r.code}:\n${r.output}`);
        Object.assign(outputs, readOutputs(outputFile));
      } else {
        throw new Error(`step the emulator does not know: ${JSON.stringify(step)}`);
      }
    } catch (error) {
      if (!step['continue-on-error']) throw error;
      log += `warning: ${(error as Error).message}\n`;
    }
    if (step.id) ctx.steps[step.id] = { outputs };
  }
  return { log, outputs: ctx.steps };
}

const [builder] = testBuilders();

describe.skipIf(!hasDocker)('the GitHub Action, end to end, with a directory as the Actions cache', () => {
  const prefix = uniqueName('warmbuild-action-test');
  const scratch = mkdtempSync(path.join(tmpdir(), 'warmbuild-action-'));
  const workspace = path.join(scratch, 'workspace');
  const cacheRoot = path.join(scratch, 'actions-cache');

  beforeAll(() => {
    expect(existsSync(path.join(ROOT, 'dist', 'cli', 'main.js')), 'npm run build first: the action runs warmbuild from its checkout').toBe(true);
    cpSync(EXAMPLE, workspace, { recursive: true });
    const dockerfile = path.join(workspace, 'Dockerfile');
    writeFileSync(dockerfile, fixText(readFileSync(dockerfile, 'utf8')).output.replace('go build -o app', 'go build -v -o app'));
    mkdirSync(cacheRoot);
  });
  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await pruneCacheMounts(builder!, prefix);
  });

  async function runner(name: string, event: string, job: (ns: string) => Promise<void>): Promise<{ restore: string; save: string; saved: string }> {
    const temp = path.join(scratch, `${name}-temp`);
    mkdirSync(temp);
    const ns = `${prefix}-${name}`;
    const env = { workspace, temp, cacheRoot, event, runId: name };
    const restore = await runAction({ mode: 'restore', namespace: ns }, env);
    await job(ns);
    const save = await runAction({ mode: 'save', namespace: ns }, env);
    return { restore: restore.log, save: save.log, saved: save.outputs.export?.outputs.changed ?? 'false' };
  }

  const buildIn = async (ns: string): Promise<string[]> => {
    const r = await build(workspace, [...builderArgs(builder!), '--build-arg', `BUILDKIT_CACHE_MOUNT_NS=${ns}`, '-o', 'type=cacheonly']);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    return compiledPackages(stepOutput(r.stderr, 'go build -v -o app'));
  };
  const edit = (n: number): void => writeFileSync(path.join(workspace, 'main.go'), `${readFileSync(path.join(workspace, 'main.go'), 'utf8')}// edit ${n}\n`);

  it('restore -> build -> export -> save on push; a fresh runner restores and compiles one package; a pull request saves nothing; nothing new means no save', async () => {
    const first = await runner('push-1', 'push', async (ns) => void (await buildIn(ns)));
    expect(first.restore).toMatch(/no manifest.json|is not a directory/);
    expect(first.saved).toBe('true');
    expect(readdirSync(cacheRoot)).toHaveLength(1);

    const pr = await runner('pr-2', 'pull_request', async (ns) => {
      edit(1);
      expect(await buildIn(ns)).toEqual(['example.com/hello']);
    });
    expect(pr.restore).toMatch(/restored 2 of 2 caches/);
    expect(pr.save).toMatch(/not saving: a pull_request run must not write caches/);
    expect(readdirSync(cacheRoot)).toHaveLength(1);

    const idle = await runner('push-3', 'push', async () => undefined);
    expect(idle.restore).toMatch(/restored 2 of 2 caches/);
    expect(idle.save).toMatch(/2 unchanged/);
    expect(idle.saved).toBe('false');
    expect(readdirSync(cacheRoot)).toHaveLength(1);
  }, 900_000);

  it('a read-only Actions cache (spent budget, key taken) warns and the job goes on', async () => {
    const ns = `${prefix}-readonly`;
    await buildIn(ns);
    const temp = path.join(scratch, 'readonly-temp');
    mkdirSync(temp);
    const env = { workspace, temp, cacheRoot, event: 'push', runId: 'push-1' };
    // run id push-1 again: the key exists, as when the cache cannot take a new entry
    const save = await runAction({ mode: 'save', namespace: ns, path: path.join(temp, 'store') }, env);
    expect(save.log).toMatch(/warning: Unable to reserve cache/);
  }, 600_000);
});
