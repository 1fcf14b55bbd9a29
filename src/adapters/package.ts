import { readFileSync } from 'node:fs';

/** warmbuild's own package.json, read once: the one place the version is written is that file. */
const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export const VERSION: string = manifest.version;
