import type { Edit } from '../../fix/edits.js';
import type { Instruction } from '../../model/dockerfile.js';
import type { GoInvocation } from '../../model/shell.js';
import { addRunMount, insertBefore } from '../../writer/edit-builders.js';
import { goCacheMountValue, PER_PLATFORM_ID_ARGS, perPlatformCacheId } from '../../writer/mount.js';
import { defineRule } from '../define.js';
import { cgoEnabledFor, compilesOnTargetPlatform, lintedForSeveralPlatforms } from '../go-build-emulated/index.js';
import { cacheMounts, compilesHere, coveringMount, goCommands, inFinalStage, looksLikeBuildCache } from '../go-facts.js';
import type { RuleContext } from '../types.js';

export const goBuildCache = defineRule({
  name: 'go-build-cache',
  code: 'WB101',
  meta: {
    description: 'A RUN that compiles Go must mount a BuildKit cache on GOCACHE, or every build recompiles every package.',
    severity: 'warning',
    fixable: 'safe-or-suggestion',
    fixTitles: { missing: 'Mount a cache on GOCACHE', missingUncertain: 'Mount a cache on the likely GOCACHE' },
    docs: {
      summary: 'a RUN compiles Go (itself, or through make, a script, `xx-go`, goreleaser) without a cache mount on its effective GOCACHE',
      fix: 'safe when GOCACHE is certain, a suggestion otherwise',
    },
    messages: {
      missing:
        '`{{command}}` compiles without a cache mount on GOCACHE ({{gocache}}): every build recompiles every package. Add --mount=type=cache,target={{gocache}}.',
      missingUncertain:
        '`{{command}}` compiles without a cache mount on GOCACHE (probably {{gocache}}; the base image or a build arg could move it). Add --mount=type=cache,target={{gocache}}.',
      unknown:
        '`{{command}}` compiles without a cache mount on GOCACHE, whose location the Dockerfile does not determine: set ENV GOCACHE and mount a cache there.',
      namedUser:
        '`{{command}}` compiles without a cache mount on GOCACHE ({{gocache}}). Not fixed automatically: Go runs as USER {{user}}, whose uid the Dockerfile does not tell; add --mount=type=cache,target={{gocache}},uid=<uid of {{user}}>,gid=<its gid>, or use a numeric USER.',
    },
  },
  create(context) {
    return {
      RUN(run) {
        // The RUN's own Go command first; a build through make or a script when it has none.
        const found = goCommands(context, run).find((g) => compilesHere(context, run, g.go));
        if (!found) return;
        const go = found.go;
        // A mount that is meant for GOCACHE but misses it is cache-target-mismatch's finding.
        if (cacheMounts(run).some((m) => m.target && looksLikeBuildCache(m.target))) return;
        const env = context.env(run);
        const paths = context.goPaths(run, go.command.env);
        const gocache = paths.gocache.value;
        if (gocache && coveringMount(context, run, gocache)) return;
        const command = found.label;
        const span = found.span;
        if (!gocache) {
          context.report({ span, messageId: 'unknown', data: { command } });
          return;
        }
        const perPlatform = ownCachePerPlatform(context, run, go);
        const mount = goCacheMountValue(gocache, env, perPlatform ? perPlatformCacheId(gocache) : undefined);
        if (!mount) {
          context.report({ span, messageId: 'namedUser', data: { command, gocache, user: env.user ?? '' } });
          return;
        }
        context.report({
          span,
          messageId: paths.gocache.certain ? 'missing' : 'missingUncertain',
          data: { command, gocache },
          fix: {
            kind: paths.gocache.certain && !inFinalStage(context, run) ? 'safe' : 'suggestion',
            edits: [addRunMount(context.model, run, mount), ...(perPlatform ? declarePlatformArgs(context, run) : [])],
          },
        });
      },
    };
  },
});

/**
 * Whether this RUN's Go build cache needs an id of its own per target platform: in a Dockerfile meant
 * for several platforms, a stage that compiles on the target platform (emulated), or cross-compiles for
 * it with cgo, runs each platform's own toolchain, C compiler and headers, which Go's cache key does not
 * tell apart. A cross-compiled cgo-free build shares one cache: Go keys its entries on GOOS/GOARCH. An ONBUILD RUN
 * keeps the default id: the stage that declares the platform args is not in this file.
 */
function ownCachePerPlatform(context: RuleContext, run: Instruction, go: GoInvocation): boolean {
  const stage = run.stage;
  if (!stage?.instructions.includes(run)) return false;
  if (!lintedForSeveralPlatforms(context)) return false;
  if (compilesOnTargetPlatform(context, stage)) return true;
  return crossCompilesWithCgo(context, run, go);
}

/**
 * A Go command of a cross-compiling stage that may build for the target platform with cgo: xx-go (it
 * sets up the target's C compiler) unless CGO_ENABLED=0, or GOOS/GOARCH from $TARGET… with CGO_ENABLED
 * set on. Go turns cgo off by default when it cross-compiles, and a command without GOOS/GOARCH builds
 * a tool for the build platform, the same on every leg.
 */
function crossCompilesWithCgo(context: RuleContext, run: Instruction, go: GoInvocation): boolean {
  const cgo = cgoEnabledFor(context, run, go);
  if (/(^|\/)xx-go$/.test(go.command.argv[0]?.value ?? '')) return cgo !== '0';
  const vars = context.env(run).vars;
  const forTarget = ['GOOS', 'GOARCH'].some((name) => /\$\{?TARGET/.test(go.command.env[name] ?? vars.get(name)?.value ?? ''));
  return forTarget && cgo !== undefined && cgo !== '0';
}

/** `ARG TARGETOS TARGETARCH` (those the stage lacks) right before the RUN, so the per-platform id does not expand empty. */
function declarePlatformArgs(context: RuleContext, run: Instruction): Edit[] {
  const vars = context.env(run).vars;
  const missing = PER_PLATFORM_ID_ARGS.filter((name) => !vars.has(name));
  return missing.length === 0 ? [] : [insertBefore(context.model, run, [`ARG ${missing.join(' ')}`])];
}
