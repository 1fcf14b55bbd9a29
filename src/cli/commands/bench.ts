import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AbortedError } from '../../adapters/docker.js';
import { writeAtomic } from '../../adapters/fs.js';
import { renderHtml, renderMarkdown, renderTable } from '../../bench/render.js';
import { runBench } from '../../bench/run.js';
import { SCENARIOS, type Scenario } from '../../bench/types.js';
import { UsageError } from '../../errors.js';
import { parse, type Command } from '../io.js';
import { generateFor } from './init.js';

export const BUNDLED_EXAMPLE = fileURLToPath(new URL('../../../examples/hello-world', import.meta.url));

export const bench: Command = async (argv, io) => {
  const { values, positionals } = parse(argv, {
    dockerfile: { type: 'string' },
    vs: { type: 'string' },
    unsafe: { type: 'boolean' },
    scenarios: { type: 'string' },
    runs: { type: 'string' },
    edit: { type: 'string' },
    target: { type: 'string' },
    'no-native': { type: 'boolean' },
    json: { type: 'string' },
    markdown: { type: 'boolean' },
    report: { type: 'string' },
    platform: { type: 'string' },
    'platform-image': { type: 'string', multiple: true },
    builder: { type: 'string' },
  });
  if (positionals.length > 1) throw new UsageError('bench takes one project directory');
  const scenarios = ((values.scenarios as string | undefined) ?? SCENARIOS.join(',')).split(',').map((s) => s.trim());
  for (const s of scenarios) if (!(SCENARIOS as readonly string[]).includes(s)) throw new UsageError(`--scenarios: unknown scenario "${s}" (cold, noop, edit, deps)`);
  const runs = Number((values.runs as string | undefined) ?? '3');
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError('--runs must be a positive integer');

  const platforms = (values.platform as string | undefined)?.split(',').map((p) => p.trim());
  if (platforms?.some((p) => !/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(p))) throw new UsageError(`--platform: expected os/arch[/variant][,...], e.g. linux/amd64,linux/arm64, got "${values.platform as string}"`);

  // A CI cancel (SIGTERM) or a closed terminal (SIGHUP) cleans up like Ctrl-C; the exit code names the signal.
  const controller = new AbortController();
  const SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
  let exitCode = 130;
  const onSignal = (signal: NodeJS.Signals): void => {
    exitCode = SIGNALS[signal as keyof typeof SIGNALS];
    controller.abort();
  };
  for (const signal of Object.keys(SIGNALS)) process.once(signal, onSignal);
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
      dockerfile: (values.dockerfile as string | undefined) ?? 'Dockerfile',
      vs: values.vs as string | undefined,
      unsafe: values.unsafe === true,
      scenarios: SCENARIOS.filter((s) => scenarios.includes(s)) as Scenario[],
      runs,
      edit: values.edit as string | undefined,
      target: values.target as string | undefined,
      native: values['no-native'] !== true,
      platforms,
      platformImages: values['platform-image'] as string[] | undefined,
      builder: values.builder as string | undefined,
      env: process.env,
      generate: async (dir) => (await generateFor(dir, { goprivate: process.env.GOPRIVATE || undefined })).dockerfile,
      progress,
      signal: controller.signal,
    });
    if (io.isTTY) io.stderr('\r'.padEnd(lastLength + 1) + '\r');
    io.stdout(values.markdown ? renderMarkdown(report) : renderTable(report));
    if (values.json) await writeOutput(values.json as string, `${JSON.stringify(report, null, 2)}\n`);
    if (values.report) await writeOutput(values.report as string, renderHtml(report));
    return failed ? 1 : 0;
  } catch (error) {
    if (error instanceof AbortedError) {
      io.stderr('\nwarmbuild bench: interrupted; scratch copies, images, volumes and cache namespaces removed\n');
      return exitCode;
    }
    throw error;
  } finally {
    for (const signal of Object.keys(SIGNALS)) process.removeListener(signal, onSignal);
  }
};

async function writeOutput(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeAtomic(file, text);
}
