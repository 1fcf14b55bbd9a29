#!/usr/bin/env node
import { isEntryPoint, tuneForOneShotRun } from '../adapters/host.js';
import { VERSION } from '../adapters/package.js';
import { UsageError, WarmbuildError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import { type CommandDescriptor, type OptionSpecs, parseCommandLine, renderHelp, renderOverview, useColor } from './command.js';
import { bench } from './commands/bench.js';
import { cache } from './commands/cache.js';
import { init } from './commands/init.js';
import { check, fix } from './commands/lint.js';
import { rules } from './commands/rules.js';
import { type IO, processIO } from './io.js';

// Each command imports its implementation when it runs (`await import`): check, the command run most,
// then loads none of bench's, cache's or init's modules, nor the diff library, at start-up.
export const commands: readonly CommandDescriptor<OptionSpecs>[] = [check, fix, init, bench, cache, rules];

function findCommand(name: string): CommandDescriptor<OptionSpecs> {
  const command = commands.find((c) => c.name === name);
  if (!command)
    throw new UsageError(
      `unknown command "${name}"${didYouMean(
        name,
        commands.map((c) => c.name),
      )}; run 'warmbuild --help' for the list`,
    );
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
    if (name.startsWith('-'))
      throw new UsageError(
        `unknown option ${name}${didYouMean(name.replace(/^-+/, ''), ['help', 'version'], (s) => `--${s}`)}; options come after the command: warmbuild <command> [options]`,
      );
    const command = findCommand(name);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(renderHelp(command, VERSION));
      return 0;
    }
    const { options, positionals, globals } = parseCommandLine(command, rest);
    return await command.run({ options, positionals, argv: rest, color: useColor(globals, io.env!, io.isTTY) }, io);
  } catch (error) {
    if (error instanceof WarmbuildError) {
      // One line per problem, no usage dump: the message says what to change.
      io.stderr(
        `${error.message
          .split('\n')
          .map((line) => `warmbuild: ${line}`)
          .join('\n')}\n`,
      );
      return 2;
    }
    const detail = io.env?.WARMBUILD_DEBUG ? (error as Error).stack : (error as Error).message;
    io.stderr(`warmbuild: internal error: ${detail}\nPlease report it with the input that caused it (set WARMBUILD_DEBUG=1 for a stack trace).\n`);
    return 2;
  }
}

/**
 * A reader that stops early (`warmbuild check | head`) closes the pipe: the rest of the output is
 * dropped quietly and the exit code stays the command's. Any other failure to write stdout (a full
 * disk) loses the report: one line on stderr, exit code 2.
 */
function onStdoutError(error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE') return;
  process.stdout.off('error', onStdoutError);
  process.stdout.on('error', () => {});
  process.stderr.write(`warmbuild: cannot write the output: ${error.code === 'ENOSPC' ? 'no space left on device' : error.message}\n`);
  process.exit(2);
}

if (isEntryPoint(import.meta.url)) {
  tuneForOneShotRun();
  process.stdout.on('error', onStdoutError);
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
