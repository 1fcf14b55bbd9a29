import { cacheMountNonroot } from './cache-mount-nonroot/index.js';
import { cacheTargetMismatch } from './cache-target-mismatch/index.js';
import { copyBeforeModDownload } from './copy-before-mod-download/index.js';
import { goBuildCache } from './go-build-cache/index.js';
import { goBuildForce } from './go-build-force/index.js';
import { goCacheLocked } from './go-cache-locked/index.js';
import { goModCache } from './go-mod-cache/index.js';
import type { Rule } from './types.js';

/** The explicit registry; a test checks it against the rule folders. */
export const rules: readonly Rule[] = [
  goBuildCache,
  goModCache,
  cacheTargetMismatch,
  copyBeforeModDownload,
  goBuildForce,
  cacheMountNonroot,
  goCacheLocked,
];

export function findRule(nameOrCode: string): Rule | undefined {
  const key = nameOrCode.toLowerCase();
  return rules.find((r) => r.name === key || r.code.toLowerCase() === key);
}
