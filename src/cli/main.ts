#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../adapters/package.js';
import { UsageError, WarmbuildError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import { defaultValues, defineCommand, parseCommandLine, renderHelp, renderOverview, useColor, type CommandDescriptor, type OptionSpecs } from './command.js';
import { bench } from './commands/bench.js';
import { cache as cacheCommand } from './commands/cache.js';
import { init } from './commands/init.js';
import { check, fix } from './commands/lint.js';
import { rules } from './commands/rules.js';
import { processIO, type IO } from './io.js';

/** cache parses its own arguments; its descriptor documents them for the help. */
const cache = defineCommand({
  name: 'cache',
  summary: 'Move BuildKit cache mounts in and out of the builder, for CI runners that start empty.',
  operands: 'export|import',
  description: [
    'export saves the Go cache mounts of the Dockerfile to a directory or an OCI image; import restores them before the build (and always exits 0: a missing store means a cold build). Save from trusted branches only.',
  ],
  parsesOwnArguments: true,
  options: {
    to: { type: 'string', valueName: 'DIR|docker-image://REF', description: 'export: where to save the caches.', example: '--to ./.warmbuild-cache' },
    from: { type: 'string', valueName: 'DIR|docker-image://REF', description: 'import: where to restore the caches from.', example: '--from docker-image://registry.example/team/app-cache:main' },
    'max-size': { type: 'string', valueName: 'SIZE', description: 'export: trim the Go build cache to its most recently used entries first.', example: '--max-size 1GB' },
    dockerfile: { type: 'string', short: 'f', valueName: 'FILE', default: 'Dockerfile', description: 'The Dockerfile whose cache mounts to move.' },
    context: { type: 'string', valueName: 'DIR', description: 'Build context of the helper build.' },
    builder: { type: 'string', valueName: 'NAME', description: 'buildx builder to use (docker and docker-container drivers).' },
    'mount-id': { type: 'list', valueName: 'ID', description: 'Only the cache mounts with this id.' },
    target: { type: 'list', valueName: 'PATH', description: 'Only the cache mounts with this target.' },
    platform: { type: 'string', valueName: 'PLATFORM', description: 'Target platform, part of the cache key.' },
    namespace: { type: 'string', valueName: 'NS', description: 'BUILDKIT_CACHE_MOUNT_NS of the builds.' },
    'helper-image': { type: 'string', valueName: 'IMAGE', default: 'busybox:latest', description: 'Image the helper build runs tar in.' },
  },
  examples: ['warmbuild cache import --from ./.warmbuild-cache', 'warmbuild cache export --to ./.warmbuild-cache --max-size 1GB'],
  async run({ argv }, io) {
    const code = await cacheCommand([...argv], io);
    return code === 0 || code === 1 || code === 2 || code === 130 ? code : 2;
  },
});

export const commands: readonly CommandDescriptor<OptionSpecs>[] = [check, fix, init, bench, cache, rules];

function findCommand(name: string): CommandDescriptor<OptionSpecs> {
  const command = commands.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command "${name}"${didYouMean(name, commands.map((c) => c.name))}; run 'warmbuild --help' for the list`);
  return command;
}

/** Runs the CLI and returns its exit code; the one place that maps errors to messages and exit codes. */
export async function main(argv: readonly string[], givenIO: IO = processIO): Promise<number> {
  const io: IO = { ...givenIO, env: givenIO.env ?? process.env };
  const [name, ...rest] = argv;
  try {
    if (name === undefined) {
      io.stderr(renderOverview(commands, VERSION));
      return 2;
    }
    if (name === '--help' || name === '-h') {
      io.stdout(renderOverview(commands, VERSION));
      return 0;
    }
    if (name === 'help') {
      if (rest.length > 1) throw new UsageError('help takes one command name');
      io.stdout(rest[0] === undefined ? renderOverview(commands, VERSION) : renderHelp(findCommand(rest[0]), VERSION));
      return 0;
    }
    if (name === '--version' || name === '-v' || name === 'version') {
      io.stdout(`${VERSION}\n`);
      return 0;
    }
    if (name.startsWith('-')) throw new UsageError(`unknown option ${name}${didYouMean(name.replace(/^-+/, ''), ['help', 'version'], (s) => `--${s}`)}; options come after the command: warmbuild <command> [options]`);
    const command = findCommand(name);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(renderHelp(command, VERSION));
      return 0;
    }
    if (command.parsesOwnArguments) {
      const color = useColor({ color: rest.includes('--color'), 'no-color': rest.includes('--no-color') }, io.env!, io.isTTY);
      return await command.run({ options: defaultValues(command), positionals: [], argv: rest, color }, io);
    }
    const { options, positionals, globals } = parseCommandLine(command, rest);
    return await command.run({ options, positionals, argv: rest, color: useColor(globals, io.env!, io.isTTY) }, io);
  } catch (error) {
    if (error instanceof WarmbuildError) {
      // One line per problem, no usage dump: the message says what to change.
      io.stderr(`${error.message.split('\n').map((line) => `warmbuild: ${line}`).join('\n')}\n`);
      return 2;
    }
    const detail = io.env?.WARMBUILD_DEBUG ? (error as Error).stack : (error as Error).message;
    io.stderr(`warmbuild: internal error: ${detail}\nPlease report it with the input that caused it (set WARMBUILD_DEBUG=1 for a stack trace).\n`);
    return 2;
  }
}

function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
