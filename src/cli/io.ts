import { InputError } from '../errors.js';

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
