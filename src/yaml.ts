import { createRequire } from 'node:module';

// The yaml library takes about 75 ms to load, a tenth of a whole `check` over the corpus, and most
// runs read no YAML at all (no config file, no goreleaser config): it is loaded on first use, through
// Node's module cache, which keeps it for the next caller.
const require = createRequire(import.meta.url);

/** The yaml library, loaded when first asked for. */
export function yaml(): typeof import('yaml') {
  return require('yaml') as typeof import('yaml');
}
