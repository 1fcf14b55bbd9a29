import type { FailLevel } from './config.js';
import type { Finding, FixResult } from './lint.js';

// What check and fix report for each file: the runner fills it in, the reporters format it.

export type { Finding };

export interface FileResult {
  /** The path as given or discovered. */
  path: string;
  findings: Finding[];
  /** Why the file could not be checked; such a file has no findings. */
  error?: string;
  /** The text the findings refer to (after fixing, for fix). */
  source?: string;
  failLevel: FailLevel;
  /** The build context read, when it is not the Dockerfile's directory (found upwards, or --context). */
  context?: string;
  fix?: Pick<FixResult, 'applied' | 'passes' | 'cycle' | 'changed'> & { original: string };
}
