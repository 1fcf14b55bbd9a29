#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError, WarmbuildError } from '../errors.js';
import { bench } from './commands/bench.js';
import { cache } from './commands/cache.js';
import { init } from './commands/init.js';
import { check, fix } from './commands/lint.js';
import { rules } from './commands/rules.js';
import { processIO, type Command, type IO } from './io.js';

const VERSION = '0.1.0';

const USAGE = `warmbuild ${VERSION}: fast, cache-friendly Go container builds

Usage:
  warmbuild check [paths...] [--format stylish|json|sarif|github|gitlab|checkstyle]
                  [--fail-level error|warning|info|none] [--config FILE] [--rule NAME=off|error|warning|info]
                  [--context DIR | --no-context]
  warmbuild fix [paths...] [--unsafe] [--dry-run] [same options as check]
  warmbuild cache export --to DIR|docker-image://REF [--max-size SIZE] [cache options]
  warmbuild cache import --from DIR|docker-image://REF [cache options]
                  cache options: [--dockerfile F] [--context DIR] [--builder NAME] [--mount-id ID]
                  [--target PATH] [--platform P] [--namespace NS] [--helper-image IMG]
  warmbuild rules [--format text|json]
  warmbuild init [project-dir] [--binary NAME] [--builder-image IMG] [--runtime-image IMG]
                 [--private GOPRIVATE] [--vcs] [--syntax REF|none] [--force] [--stdout]
  warmbuild bench [project-dir] [--dockerfile F] [--vs FILE|generated] [--unsafe] [--runs N]
                  [--scenarios cold,noop,edit,deps] [--edit PATH] [--target STAGE] [--no-native]
                  [--platform P[,P...]] [--platform-image REF=LOCAL]... [--builder NAME]
                  [--json PATH] [--markdown] [--report PATH.html]

Exit codes: 0 clean, 1 findings at or above the fail level, 2 usage, config or input error.
`;

const commands: Record<string, Command> = { check, fix, rules, bench, init, cache };

/** Runs the CLI and returns its exit code; the one place that maps errors to exit codes. */
export async function main(argv: string[], io: IO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.stdout(USAGE);
      return name === undefined ? 2 : 0;
    }
    if (name === '--version' || name === '-v') {
      io.stdout(`${VERSION}\n`);
      return 0;
    }
    const command = commands[name];
    if (!command) throw new UsageError(`unknown command "${name}"`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(USAGE);
      return 0;
    }
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`warmbuild: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof WarmbuildError) {
      io.stderr(`warmbuild: ${error.message}\n`);
      return 2;
    }
    const detail = process.env.WARMBUILD_DEBUG ? (error as Error).stack : (error as Error).message;
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
