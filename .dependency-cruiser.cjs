// The layers of src/, checked on every `npm run lint` (and so `npm test`).
//
//   edges          src/adapters/**                 the only code that touches the file system, processes,
//                                                  sockets, the host or Docker
//   orchestrators  src/runner.ts (check, fix), src/bench/run.ts, src/cache/run.ts, src/init/run.ts,
//                  src/cli/**, src/index.ts         ask the adapters, hand data down to the core
//   pure core      everything else in src/: model/, rules/, lint.ts, fix/, writer/, make/, go/,
//                  context/, init/ (existing, make, program, generate), reporters/, results.ts,
//                  config.ts (parsing), errors.ts, suggest.ts, bench/ (plan, rawjson, render, stats,
//                  types), cache/ (identity, manifest, report, gosum, helper, tar, store's interface)
//
// A new module is pure unless it is listed below as an edge or an orchestrator.

const ADAPTERS = '^src/adapters/';
const ORCHESTRATORS = ['^src/runner\\.ts$', '^src/(bench|cache|init)/run\\.ts$', '^src/cli/', '^src/index\\.ts$'];
const TESTS = '\\.test\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'An import cycle hides which module is the lower layer; break it by moving the shared part down.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'io-only-in-adapters',
      severity: 'error',
      comment:
        'Only src/adapters/ touches the file system, processes, sockets or the host (the CLI may still use process.stdout/stderr/env, which are no imports).',
      from: { path: '^src/', pathNot: ADAPTERS },
      to: { dependencyTypes: ['core'], path: '^(node:)?(fs|fs/promises|child_process|net|os)$' },
    },
    {
      name: 'pure-core-stays-pure',
      severity: 'error',
      comment: 'Pure modules take data and return data: they import neither an adapter nor an orchestrator.',
      from: { path: '^src/', pathNot: [ADAPTERS, ...ORCHESTRATORS, TESTS] },
      to: { path: [ADAPTERS, ...ORCHESTRATORS] },
    },
    {
      name: 'adapters-do-not-orchestrate',
      severity: 'error',
      comment: 'An adapter does one kind of I/O for a caller above it; it never calls back up into a runner or the CLI.',
      from: { path: ADAPTERS, pathNot: TESTS },
      to: { path: ORCHESTRATORS },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: TESTS },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
