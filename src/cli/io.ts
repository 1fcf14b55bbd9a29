import { type ParseArgsConfig, parseArgs } from 'node:util';
import { InputError, UsageError } from '../errors.js';

/** Where a command reads and writes: injectable so tests run commands in-process. */
export interface IO {
  stdout(text: string): void;
  stderr(text: string): void;
  isTTY: boolean;
  /** The environment (NO_COLOR, FORCE_COLOR, GOPRIVATE); default: process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** All of standard input, for `check -`; default: process.stdin. */
  readStdin?(): Promise<string>;
}

export const processIO: IO = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
  env: process.env,
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(Buffer.concat(chunks));
    } catch {
      throw new InputError('<stdin>', undefined, 'not valid UTF-8');
    }
  },
};

/** A command that parses its own arguments (cache, until it becomes a descriptor). */
export type Command = (argv: string[], io: IO) => Promise<number>;

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with its errors turned into usage errors (exit 2). */
export function parse<T extends Options>(
  argv: string[],
  options: T,
): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | string[] | undefined>, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${String(value)}"`);
}
