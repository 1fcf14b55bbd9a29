import path from 'node:path';
import { exists, writeAtomic } from '../../adapters/fs.js';
import { InputError, UsageError } from '../../errors.js';
import { defineCommand } from '../command.js';

export const init = defineCommand({
  name: 'init',
  summary: 'Write the Dockerfile and .dockerignore an expert would write for a Go project.',
  operands: '[project-dir]',
  description: [
    'Reads go.mod (and go.work, replace directives, vendor/, cgo use, //go:embed patterns, a version variable in the main package) and writes Dockerfile and .dockerignore in the project directory (default: the current one). It refuses to overwrite them without --force.',
  ],
  options: {
    binary: {
      type: 'string',
      valueName: 'NAME',
      description: 'Build only this main package (by binary name); default: every main package, each with its own target.',
      example: '--binary server',
    },
    'builder-image': {
      type: 'string',
      valueName: 'IMAGE',
      description: 'Image to compile in; default: golang:<go.mod minor>-trixie.',
      example: '--builder-image golang:1.25-bookworm',
    },
    'runtime-image': {
      type: 'string',
      valueName: 'IMAGE',
      description: 'Image to run in; default: gcr.io/distroless/static-debian12:nonroot (debian:trixie-slim with cgo).',
    },
    private: {
      type: 'string',
      valueName: 'GOPRIVATE',
      description: 'Private module patterns, fetched with a netrc build secret; default: $GOPRIVATE.',
      example: '--private github.com/acme/*',
    },
    syntax: {
      type: 'string',
      valueName: 'REF',
      description: 'Frontend for the # syntax= line, or none to leave it out (air-gapped builders); default: docker/dockerfile:1.',
      example: '--syntax none',
    },
    vcs: { type: 'boolean', description: 'Keep .git in the context and stamp VCS information into the binaries.' },
    force: { type: 'boolean', description: 'Overwrite an existing Dockerfile and .dockerignore.' },
    stdout: { type: 'boolean', description: 'Print the Dockerfile instead of writing files.' },
  },
  examples: ['warmbuild init', 'warmbuild init --stdout --binary server ./services/api', 'warmbuild init --force --private github.com/acme/*'],
  async run({ options, positionals }, io) {
    if (positionals.length > 1) throw new UsageError('init takes one project directory');
    const dir = positionals[0] ?? '.';
    const { generateFor } = await import('../../init/run.js');
    const generated = await generateFor(dir, {
      binary: options.binary,
      builderImage: options['builder-image'],
      runtimeImage: options['runtime-image'],
      goprivate: options.private ?? (io.env?.GOPRIVATE || undefined),
      goprivateFrom: options.private === undefined && io.env?.GOPRIVATE ? 'GOPRIVATE (from the environment)' : undefined,
      vcs: options.vcs,
      syntax: options.syntax,
    });
    if (options.stdout) {
      io.stdout(generated.dockerfile);
      return 0;
    }
    const dockerfile = path.join(dir, 'Dockerfile');
    const ignore = path.join(dir, '.dockerignore');
    for (const file of [dockerfile, ignore]) {
      if (!options.force && (await exists(file)))
        throw new InputError(file, undefined, 'already exists; use --force to overwrite, or --stdout to print the Dockerfile');
    }
    await writeAtomic(dockerfile, generated.dockerfile);
    await writeAtomic(ignore, generated.dockerignore);
    io.stderr(`wrote ${dockerfile} and ${ignore} (binaries: ${generated.binaries.join(', ')})\n`);
    return 0;
  },
});
