// Writes schema/warmbuild.schema.json from the rule registry (run after `npm run build`); test/registry.test.ts fails when it drifts.
import { writeFileSync } from 'node:fs';
import { configSchema } from '../dist/config.js';

writeFileSync(new URL('../schema/warmbuild.schema.json', import.meta.url), `${JSON.stringify(configSchema(), null, 2)}\n`);
