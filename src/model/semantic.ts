import type { DockerfileModel, Instruction, Stage } from './dockerfile.js';
import { type BuildEnv, emptyEnv, environments, type GoPaths, goPathsAt, overridesGoPaths } from './env.js';
import { analyzeRun, type RunAnalysis } from './shell.js';

/**
 * A parsed Dockerfile with what its instructions mean: the commands of every RUN, the environment
 * every instruction runs in (ARG scopes, ENV, USER, HOME, WORKDIR, each value with its origin) and
 * Go's cache locations there. Built once per parse (`analyzeDockerfile`); the runner hands the same
 * model to the context reader, the rules and the first pass of `fix`.
 */
export interface SemanticModel extends DockerfileModel {
  /** The environment in effect when `instruction` runs (before its own effect). */
  env(instruction: Instruction): BuildEnv;
  /** Go's cache locations for `instruction`, with a command's own `NAME=value` prefixes. */
  goPaths(instruction: Instruction, overrides?: Record<string, string>): GoPaths;
  /** The commands a RUN executes. */
  run(instruction: Instruction): RunAnalysis;
  /** The instructions of `stage` that put files into the image (`putsFiles`), in file order. */
  placing(stage: Stage): readonly Instruction[];
}

/** COPY, ADD, and a RUN that writes heredocs: what can put a file into the image before a later RUN reads it. */
export function putsFiles(instruction: Instruction): boolean {
  return instruction.keyword === 'COPY' || instruction.keyword === 'ADD' || (instruction.keyword === 'RUN' && instruction.heredocs.length > 0);
}

/** Every RUN (ONBUILD triggers included) read once, and the environments computed from them. */
export function analyzeDockerfile(model: DockerfileModel): SemanticModel {
  const runs = new Map<Instruction, RunAnalysis>();
  for (const instruction of model.instructions) {
    const run = instruction.keyword === 'ONBUILD' ? instruction.trigger : instruction;
    if (run?.keyword === 'RUN') runs.set(run, analyzeRun(model, run));
  }
  const run = (instruction: Instruction): RunAnalysis => runs.get(instruction) ?? analyzeRun(model, instruction);
  const prelude = model.instructions.filter((i) => i.stage === undefined);
  const envs = environments(model.stages, prelude, model.globalArgs, run);
  // By environment: the instructions between two that change it share one.
  const defaultPaths = new Map<BuildEnv, GoPaths>();
  const env = (instruction: Instruction): BuildEnv => envs.get(instruction) ?? emptyEnv();
  // Each RUN followed asks for the files placed before it: a stage of thousands of RUNs was read once per RUN.
  const placing = new Map<Stage, Instruction[]>(model.stages.map((stage) => [stage, stage.instructions.filter(putsFiles)]));
  return {
    ...model,
    env,
    run,
    placing: (stage) => placing.get(stage) ?? stage.instructions.filter(putsFiles),
    goPaths(instruction, overrides) {
      const here = env(instruction);
      if (overrides !== undefined && overridesGoPaths(overrides)) return goPathsAt(here, overrides);
      let paths = defaultPaths.get(here);
      if (!paths) {
        paths = goPathsAt(here);
        defaultPaths.set(here, paths);
      }
      return paths;
    },
  };
}
