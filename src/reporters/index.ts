import type { FileResult } from '../results.js';
import { checkstyle, github, gitlab, json, sarif } from './machine.js';
import { stylish } from './stylish.js';

export type Reporter = (results: readonly FileResult[], options: { color: boolean }) => string;

/** Output formats by name (ESLint-style formatter map). */
export const reporters: Record<string, Reporter> = {
  stylish: (results, options) => stylish(results, options),
  json,
  sarif,
  github,
  gitlab,
  checkstyle,
};
