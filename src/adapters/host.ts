import { realpathSync } from 'node:fs';
import { arch } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

// The machine warmbuild runs on: its platform, which script node was started with, and how V8 runs it.

/**
 * V8's optimising compiler waits for a function to be hot 16 times longer than its default before
 * compiling it. A CLI run reads each file once: with the default, hundreds of functions are compiled
 * for a few hundred calls each, and on the corpus that compiling cost more than it won (check CPU
 * 1.62 s -> 0.93 s, wall 1.02 s -> 0.93 s, with a second core free; more on one core). A function that stays hot is
 * still optimised, so a single 5 MB RUN checks as fast as before (2.05 s -> 2.07 s), where turning the
 * optimiser off (`--no-opt`) made it 1.8x slower. For the CLI process only; a library user's process is
 * not touched.
 */
export function tuneForOneShotRun(): void {
  setFlagsFromString(`--interrupt-budget=${16 * 66 * 1024}`);
}

/** This machine's platform as BuildKit names it (`linux/amd64`, `linux/arm64`). */
export function hostPlatform(): string {
  return `linux/${arch() === 'x64' ? 'amd64' : arch()}`;
}

/** Whether the module at `moduleUrl` is the script node runs (through any symlink, as npm's bin links are). */
export function isEntryPoint(moduleUrl: string): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
