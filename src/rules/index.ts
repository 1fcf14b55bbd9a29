import { buildvcs } from './buildvcs/index.js';
import { cacheIdSharedAcrossProjects } from './cache-id-shared-across-projects/index.js';
import { cacheMountNonroot } from './cache-mount-nonroot/index.js';
import { cacheTargetMismatch } from './cache-target-mismatch/index.js';
import { checksumOff } from './checksum-off/index.js';
import { copyBeforeModDownload } from './copy-before-mod-download/index.js';
import { goBuildCache } from './go-build-cache/index.js';
import { goBuildEmulated } from './go-build-emulated/index.js';
import { goBuildForce } from './go-build-force/index.js';
import { goBuildInMake } from './go-build-in-make/index.js';
import { goCacheLocked } from './go-cache-locked/index.js';
import { goModCache } from './go-mod-cache/index.js';
import { secretInArgEnv } from './secret-in-arg-env/index.js';
import { secretMountRequired } from './secret-mount-required/index.js';
import { targetarchBeforeDownload } from './targetarch-before-download/index.js';
import { toolchainMismatch } from './toolchain-mismatch/index.js';
import type { Rule } from './types.js';
import { unusedIgnore } from './unused-ignore/index.js';

/** The explicit registry; a test checks it against the rule folders. */
export const rules: readonly Rule[] = [
  goBuildCache,
  goModCache,
  cacheTargetMismatch,
  copyBeforeModDownload,
  goBuildForce,
  cacheMountNonroot,
  goCacheLocked,
  goBuildInMake,
  buildvcs,
  toolchainMismatch,
  secretInArgEnv,
  secretMountRequired,
  checksumOff,
  targetarchBeforeDownload,
  cacheIdSharedAcrossProjects,
  goBuildEmulated,
  unusedIgnore,
];

export function findRule(nameOrCode: string): Rule | undefined {
  const key = nameOrCode.toLowerCase();
  return rules.find((r) => r.name === key || r.code.toLowerCase() === key);
}
