import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Files of the warmbuild package itself. This module sits two levels below the package root, in
// src/adapters/ and dist/adapters/, and so does the bundled CLI (dist/cli/main.js) that inlines it.

/** warmbuild's own package.json, read once: the one place the version is written is that file. */
const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export const VERSION: string = manifest.version;

/** The example project `bench` measures when given none. */
export const BUNDLED_EXAMPLE = fileURLToPath(new URL('../../examples/hello-world', import.meta.url));
