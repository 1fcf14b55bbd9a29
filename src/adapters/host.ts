import { realpathSync } from 'node:fs';
import { arch } from 'node:os';
import { fileURLToPath } from 'node:url';

// The machine warmbuild runs on: its platform, and which script node was started with.

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
