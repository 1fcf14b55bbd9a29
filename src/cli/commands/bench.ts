import { writeOutput } from '../../adapters/fs.js';
import { BUNDLED_EXAMPLE } from '../../adapters/package.js';
import { SCENARIOS } from '../../bench/types.js';
import { AbortedError, UsageError } from '../../errors.js';
import { defineCommand } from '../command.js';
import { watchStopSignals } from '../stop.js';

export const bench = defineCommand({
  name: 'bench',
  summary: 'Measure rebuild times of a Dockerfile and of its fix with real BuildKit builds, next to a native go build.',
  operands: '[project-dir]',
  description: [
    "Builds the project's Dockerfile and warmbuild's fix of it (or --vs) in scratch copies, cold, no-op, after a one-file edit and after a dependency change, alternating the variants, --runs times. The project directory defaults to the bundled example. A variant that fails exits 1; Ctrl-C removes scratch copies, images, volumes and cache namespaces.",
  ],
  options: {
    dockerfile: {
      type: 'string',
      valueName: 'FILE',
      default: 'Dockerfile',
      description: 'The Dockerfile to measure, relative to the project directory.',
      example: '--dockerfile build/Dockerfile',
    },
    vs: {
      type: 'string',
      valueName: 'FILE|generated',
      description: "What to compare with instead of warmbuild's fix: another Dockerfile, or generated for `warmbuild init`'s.",
      example: '--vs generated',
    },
    unsafe: { type: 'boolean', description: 'Compare with the fix including suggestions.' },
    scenarios: {
      type: 'list',
      valueName: 'LIST',
      choices: SCENARIOS,
      commaSeparated: true,
      default: SCENARIOS,
      description: 'Scenarios to run.',
      example: '--scenarios noop,edit',
    },
    runs: { type: 'integer', valueName: 'N', default: 3, min: 1, description: 'Runs per scenario and variant (the report gives the median).' },
    edit: { type: 'string', valueName: 'PATH', description: 'The Go file the one-file-edit scenario edits; default: bench picks a file the build compiles.' },
    target: { type: 'string', valueName: 'STAGE', description: 'Build this stage of both Dockerfiles.' },
    'no-native': { type: 'boolean', description: 'Skip the native go build in the builder image.' },
    json: { type: 'string', valueName: 'PATH', description: 'Also write the report as JSON (docs/bench.md has the schema).' },
    markdown: { type: 'boolean', description: 'Print the table as Markdown, for a pull request.' },
    report: { type: 'string', valueName: 'PATH.html', description: 'Also write a self-contained HTML report with a bar chart.' },
    platform: {
      type: 'list',
      valueName: 'P[,P...]',
      commaSeparated: true,
      description: 'Target platforms, one build each (cold and one-file edit per platform; the emulated go build step is listed).',
      example: '--platform linux/amd64,linux/arm64',
    },
    'platform-image': {
      type: 'list',
      valueName: 'REF=LOCAL',
      description: 'A local stand-in for an image on one platform (the docker driver holds one platform per image name).',
      example: '--platform-image golang:1.25-trixie=warmbuild-test/golang:1.25-trixie-arm64',
    },
    builder: { type: 'string', valueName: 'NAME', description: 'buildx builder for every build; default: BUILDX_BUILDER, else the current builder.' },
  },
  examples: ['warmbuild bench --runs 3', 'warmbuild bench /src/app --vs generated --json bench.json --report bench.html'],
  async run({ options, positionals }, io) {
    if (positionals.length > 1) throw new UsageError('bench takes one project directory');
    const platforms = options.platform.length > 0 ? options.platform : undefined;
    const badPlatform = platforms?.find((p) => !/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(p));
    if (badPlatform !== undefined) throw new UsageError(`--platform: expected os/arch[/variant][,...], e.g. linux/amd64,linux/arm64, got "${badPlatform}"`);
    const [{ runBench }, { renderHtml, renderMarkdown, renderTable }, { generateFor }] = await Promise.all([
      import('../../bench/run.js'),
      import('../../bench/render.js'),
      import('../../init/run.js'),
    ]);
    const stop = watchStopSignals();
    let lastLength = 0;
    const progress = (message: string): void => {
      if (io.isTTY) {
        io.stderr(`\r${message.padEnd(lastLength)}`);
        lastLength = message.length;
      } else {
        io.stderr(`${message}\n`);
      }
    };
    try {
      const { report, failed } = await runBench({
        projectDir: positionals[0] ?? BUNDLED_EXAMPLE,
        dockerfile: options.dockerfile,
        vs: options.vs,
        unsafe: options.unsafe,
        scenarios: SCENARIOS.filter((s) => options.scenarios.includes(s)),
        runs: options.runs,
        edit: options.edit,
        target: options.target,
        native: !options['no-native'],
        platforms,
        platformImages: options['platform-image'].length > 0 ? options['platform-image'] : undefined,
        builder: options.builder,
        env: io.env ?? process.env,
        generate: async (dir) => (await generateFor(dir, { goprivate: io.env?.GOPRIVATE || undefined })).dockerfile,
        progress,
        signal: stop.signal,
      });
      if (io.isTTY) io.stderr(`${'\r'.padEnd(lastLength + 1)}\r`);
      io.stdout(options.markdown ? renderMarkdown(report) : renderTable(report));
      if (options.json) await writeOutput(options.json, `${JSON.stringify(report, null, 2)}\n`);
      if (options.report) await writeOutput(options.report, renderHtml(report));
      return failed ? 1 : 0;
    } catch (error) {
      if (error instanceof AbortedError) {
        io.stderr('\nwarmbuild bench: interrupted; scratch copies, images, volumes and cache namespaces removed\n');
        return stop.exitCode();
      }
      throw error;
    } finally {
      stop.dispose();
    }
  },
});
