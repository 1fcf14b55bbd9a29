import type { FileResult } from '../results.js';
import { checkstyle, github, gitlab, json, sarif } from './machine.js';
import { stylish } from './stylish.js';

export interface ReporterOptions {
  color: boolean;
  /** warmbuild's version, for the formats that name the tool (SARIF). */
  toolVersion?: string;
}

export type Reporter = (results: readonly FileResult[], options: ReporterOptions) => string;

/** Output formats by name (ESLint-style formatter map). */
export const reporters: Record<string, Reporter> = {
  stylish: (results, options) => stylish(results, options),
  json,
  sarif: (results, options) => sarif(results, options),
  github,
  gitlab,
  checkstyle,
};
