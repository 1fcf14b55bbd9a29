import fs from 'node:fs';
import path from 'node:path';
const dir = '/work/shared/corpus/dockerfiles';
const files = fs.readdirSync(dir).filter(f=>f.endsWith('Dockerfile')).map(f=>fs.readFileSync(path.join(dir,f),'utf8'));
const t0 = performance.now();
const ast = (await import('dockerfile-ast')).default;
const t1 = performance.now();
const mode = process.argv[2];
if (mode==='ast') { for (const t of files) { const d = ast.DockerfileParser.parse(t); if (process.argv[3]) for (const i of d.getInstructions()) { i.getArguments(); i.getRange(); if (i.getFlags) i.getFlags(); } } }
if (mode==='model') { const { parseDockerfile } = await import('/work/main/dist/model/dockerfile.js'); for (const t of files) parseDockerfile(t); }
if (mode==='full') { const { parseDockerfile } = await import('/work/main/dist/model/dockerfile.js'); const { analyzeDockerfile } = await import('/work/main/dist/model/semantic.js'); const { lintModel } = await import('/work/main/dist/lint.js'); let t2=performance.now(); const ms=files.map(t=>parseDockerfile(t)); let t3=performance.now(); const ss=ms.map(m=>analyzeDockerfile(m)); let t4=performance.now(); for (const s of ss) lintModel(s,{rules:{},facts:{}}); let t5=performance.now(); console.log('parse',(t3-t2).toFixed(0),'analyze',(t4-t3).toFixed(0),'lint',(t5-t4).toFixed(0)); }
console.log(mode, 'import', (t1-t0).toFixed(0), 'work', (performance.now()-t1).toFixed(0));
