import { readProjectFiles } from '../adapters/project.js';
import { analyzeGoProject, readsText } from '../go/project.js';
import { isBuildDefinition, readExistingBuild } from './existing.js';
import { type Generated, generate, type InitOptions } from './generate.js';

/** Reads a project directory (src/adapters/project.ts) and generates its Dockerfile and .dockerignore from what it holds; writes nothing. */
export async function generateFor(projectDir: string, options: InitOptions): Promise<Generated> {
  const files = await readProjectFiles(projectDir, (file) => readsText(file) || isBuildDefinition(file));
  return generate(analyzeGoProject(files, projectDir), options, projectDir, readExistingBuild(files.texts));
}
