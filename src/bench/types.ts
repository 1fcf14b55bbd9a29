// The versioned JSON written by `warmbuild bench --json` (documented in docs/bench.md).

export type Scenario = 'cold' | 'noop' | 'edit' | 'deps';
export const SCENARIOS: readonly Scenario[] = ['cold', 'noop', 'edit', 'deps'];

export interface EngineInfo {
  engine: string;
  buildx: string;
  buildkit: string;
  driver: string;
  cpus: number;
}

export interface StepTime {
  name: string;
  seconds: number;
}

export interface ScenarioResult {
  variant: string;
  /** The target platform (`--platform`); absent when the builder's default was built. */
  platform?: string;
  scenario: Scenario;
  /** Wall-clock seconds per run. */
  seconds: number[];
  median: number;
  min: number;
  max: number;
  /** Median seconds per build step over the runs, slowest first, cached steps left out. */
  steps: StepTime[];
  /** Packages `go build -v` compiled, per run. */
  packages: string[][];
  /** Set when the variant failed to build in this scenario: the failing step and its log tail. */
  error?: string;
}

export interface NativeScenario {
  seconds: number[];
  median: number;
  packages: string[][];
}

export interface BenchReport {
  version: 1;
  engine: EngineInfo;
  project: string;
  runs: number;
  variants: string[];
  /** With `--platform`: the target platforms, each built on its own, and the platform the builds ran on. */
  platforms?: string[];
  buildPlatform?: string;
  scenarios: Scenario[];
  /** Scenarios not run, with the reason. */
  skipped: { scenario: Scenario; reason: string }[];
  results: ScenarioResult[];
  native?: Partial<Record<'cold' | 'noop' | 'edit', NativeScenario>> & { image: string; package: string };
}
