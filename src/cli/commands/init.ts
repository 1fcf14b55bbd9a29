import path from 'node:path';
import { exists, writeAtomic } from '../../adapters/fs.js';
import { InputError } from '../../errors.js';
import { readProjectFiles } from '../../adapters/project.js';
import { analyzeGoProject, readsText } from '../../go/project.js';
import { isBuildDefinition, readExistingBuild } from '../../init/existing.js';
import { generate, type Generated, type InitOptions } from '../../init/generate.js';
import { parse, type Command } from '../io.js';

/** Analyses a project directory and generates its Dockerfile and .dockerignore (no writing). */
export async function generateFor(projectDir: string, options: InitOptions): Promise<Generated> {
  const files = await readProjectFiles(projectDir, (file) => readsText(file) || isBuildDefinition(file));
  return generate(analyzeGoProject(files, projectDir), options, projectDir, readExistingBuild(files.texts));
}

export const init: Command = async (argv, io) => {
  const { values, positionals } = parse(argv, {
    binary: { type: 'string' },
    'builder-image': { type: 'string' },
    'runtime-image': { type: 'string' },
    private: { type: 'string' },
    syntax: { type: 'string' },
    vcs: { type: 'boolean' },
    force: { type: 'boolean' },
    stdout: { type: 'boolean' },
  });
  const dir = positionals[0] ?? '.';
  const generated = await generateFor(dir, {
    binary: values.binary as string | undefined,
    builderImage: values['builder-image'] as string | undefined,
    runtimeImage: values['runtime-image'] as string | undefined,
    goprivate: (values.private as string | undefined) ?? (process.env.GOPRIVATE || undefined),
    goprivateFrom: values.private === undefined && process.env.GOPRIVATE ? 'GOPRIVATE (from the environment)' : undefined,
    vcs: values.vcs === true,
    syntax: values.syntax as string | undefined,
  });
  if (values.stdout) {
    io.stdout(generated.dockerfile);
    return 0;
  }
  const dockerfile = path.join(dir, 'Dockerfile');
  const ignore = path.join(dir, '.dockerignore');
  for (const file of [dockerfile, ignore]) {
    if (!values.force && (await exists(file))) throw new InputError(file, undefined, 'already exists; use --force to overwrite, or --stdout to print the Dockerfile');
  }
  await writeAtomic(dockerfile, generated.dockerfile);
  await writeAtomic(ignore, generated.dockerignore);
  io.stderr(`wrote ${dockerfile} and ${ignore} (binaries: ${generated.binaries.join(', ')})\n`);
  return 0;
};
