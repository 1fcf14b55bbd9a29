#!/usr/bin/env node
// Bundles the compiled CLI (dist/cli/main.js and every module it imports) into that one file, in place.
// Loading some seventy ES modules one by one was a quarter of a `warmbuild check` of one file
// (195 ms -> 142 ms) and a tenth of a check of the whole corpus. The library (dist/index.js) stays as
// tsc wrote it. yaml and diff stay outside: the CLI loads them only when a run needs them.
// The bundle sits where main.js did, at the depth of dist/adapters/, so the package-relative URLs of
// src/adapters/package.ts hold in both.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'dist', 'cli', 'main.js');
await build({
  entryPoints: [entry],
  outfile: entry,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['yaml', 'diff'],
  // Chained through tsc's maps: a stack trace in the bundle points into src/.
  sourcemap: true,
  logLevel: 'warning',
});
