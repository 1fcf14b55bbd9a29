import type { GoInvocation, ShellWord } from '../../model/shell.js';
import { removeWord } from '../../writer/edit-builders.js';
import { defineRule } from '../define.js';

const FORCE_CAPABLE = new Set(['build', 'install', 'test', 'run', 'list', 'vet', 'generate']);

/** Build flags that take a separate value, so the word after them is not a flag. */
const VALUE_FLAGS = new Set([
  '-o',
  '-p',
  '-C',
  '-ldflags',
  '-gcflags',
  '-asmflags',
  '-gccgoflags',
  '-tags',
  '-mod',
  '-modfile',
  '-overlay',
  '-pgo',
  '-pkgdir',
  '-toolexec',
  '-compiler',
  '-buildmode',
  '-covermode',
  '-coverpkg',
  '-exec',
  '-run',
  '-bench',
  '-count',
  '-cpu',
  '-timeout',
  '-parallel',
  '-coverprofile',
  '-cpuprofile',
  '-memprofile',
  '-blockprofile',
  '-mutexprofile',
  '-outputdir',
  '-trace',
  '-vet',
  '-fuzz',
  '-fuzztime',
  '-list',
  '-skip',
  '-benchtime',
  '-shuffle',
  '-f',
  '-reldir',
]);

export const goBuildForce = defineRule({
  name: 'go-build-force',
  code: 'WB105',
  meta: {
    description: '`-a` forces Go to rebuild every package and defeats the build cache.',
    severity: 'warning',
    fixable: 'safe',
    fixTitles: { flag: 'Remove -a' },
    docs: { summary: '`-a` defeats the build cache', fix: 'safe (removes `-a` from the command line)' },
    messages: {
      flag: '`-a` forces `go {{command}}` to rebuild every package, defeating the build cache. Remove it: the cache already keys on every input, flags and toolchain included.',
      goflags: 'GOFLAGS contains `-a`, which forces every Go build to rebuild every package, defeating the build cache. Remove it.',
    },
  },
  create(context) {
    return {
      ENV(env) {
        for (const p of env.properties) {
          if (p.name === 'GOFLAGS' && (p.value ?? '').split(/\s+/).some(isForceFlag)) context.report({ span: p.span, messageId: 'goflags' });
        }
      },
      RUN(run) {
        for (const go of context.run(run).go) {
          if (!FORCE_CAPABLE.has(go.subcommand)) continue;
          const goflags = go.command.env.GOFLAGS;
          if (goflags?.split(/\s+/).some(isForceFlag)) {
            context.report({ span: go.command.argv[0]!.span, messageId: 'goflags' });
          }
          for (const word of forceFlags(go)) {
            const edit = removeWord(context.model, word);
            context.report({ span: word.span, messageId: 'flag', data: { command: go.subcommand }, fix: edit ? { kind: 'safe', edits: [edit] } : undefined });
          }
        }
      },
    };
  },
});

function isForceFlag(word: string): boolean {
  return word === '-a' || word === '--a' || word === '-a=true' || word === '--a=true';
}

/** `-a` among the flags, which end at the first package argument (or `--`, or `-args`). */
function forceFlags(go: GoInvocation): ShellWord[] {
  const found: ShellWord[] = [];
  for (let i = 0; i < go.args.length; i++) {
    const word = go.args[i]!;
    if (!word.value.startsWith('-') || word.value === '--' || word.value === '-args') break;
    if (isForceFlag(word.value)) found.push(word);
    else if (VALUE_FLAGS.has(word.value.replace(/^--/, '-'))) i++;
  }
  return found;
}
