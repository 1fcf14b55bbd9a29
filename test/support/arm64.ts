import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/**
 * Emulated arm64 builds, opt-in with WARMBUILD_TEST_ARM64=1 after `sudo test/support/arm64/setup`
 * (qemu-user-static in binfmt_misc, arm64 stand-in images). Otherwise the tests skip with a visible message.
 */
export const ARM64_GOLANG = 'warmbuild-test/golang:1.25-trixie-arm64';
export const ARM64_STATIC = 'warmbuild-test/static:arm64';

function why(): string | undefined {
  if (process.env.WARMBUILD_TEST_ARM64 !== '1') return 'WARMBUILD_TEST_ARM64 is not 1';
  const binfmt = '/proc/sys/fs/binfmt_misc/qemu-aarch64';
  if (!existsSync(binfmt) || !/^flags:.*F/m.test(readFileSync(binfmt, 'utf8'))) return 'qemu-aarch64 is not registered in binfmt_misc with the F flag';
  for (const image of [ARM64_GOLANG, ARM64_STATIC]) {
    try {
      execFileSync('docker', ['image', 'inspect', image], { stdio: 'pipe', timeout: 15_000 });
    } catch {
      return `no local image ${image}`;
    }
  }
  return undefined;
}

const reason = why();
if (reason)
  process.stderr.write(
    `\n[warmbuild tests] ${reason}: SKIPPING the emulated arm64 tests (run sudo test/support/arm64/setup, then WARMBUILD_TEST_ARM64=1).\n\n`,
  );
export const hasArm64 = reason === undefined;

/** The ELF machine of a binary: 'aarch64' for EM_AARCH64 (183), 'x86-64' for EM_X86_64 (62). */
export function elfMachine(file: string): string {
  const machine = readFileSync(file).readUInt16LE(18);
  return machine === 183 ? 'aarch64' : machine === 62 ? 'x86-64' : `machine ${machine}`;
}
