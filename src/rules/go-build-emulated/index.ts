import type { Edit } from '../../fix/edits.js';
import { type DockerfileModel, expand, type Instruction, type Stage } from '../../model/dockerfile.js';
import { downloadsModules, type GoInvocation } from '../../model/shell.js';
import { addFromFlag, insertAfter, insertBefore, prefixWord, replaceWord } from '../../writer/edit-builders.js';
import { defineRule } from '../define.js';
import type { FixKind, RuleContext } from '../types.js';

const BUILD_PLATFORM = /\$\{?BUILD(PLATFORM|OS|ARCH)\b/;
const TARGET_NAMES = /\b(TARGETPLATFORM|TARGETARCH|TARGETOS)\b/;
const USES_XX = /\bxx-(go|apk|apt|apt-get|info|clang|verify|cc|c\+\+|ld|windres)\b|\btonistiigi\/xx\b|--from=xx\b/;
// Across continuation lines: package lists are often one per line.
const C_TOOLCHAIN =
  /\b(apk|apt-get|apt|yum|dnf|microdnf)\b[\s\S]*\b(add|install)\b[\s\S]*\b(gcc|g\+\+|clang|build-base|musl-dev|libc6?-dev|build-essential|crossbuild-essential-\w+)\b/;

/** A compiling command of the stage: `go build`/`go install`, or the xx-go wrapper (which targets $TARGETPLATFORM itself). */
interface Compile {
  run: Instruction;
  go?: GoInvocation;
  xx: boolean;
}

/**
 * Whether the Dockerfile is meant for several platforms: the config says so, or the file shows it
 * (it reads the target platform, uses xx, or cross-compiles some stage from $BUILDPLATFORM).
 */
export function meantForSeveralPlatforms(model: DockerfileModel, configured: boolean | undefined): boolean {
  if (configured !== undefined) return configured;
  if (model.stages.some((s) => BUILD_PLATFORM.test(s.platform ?? ''))) return true;
  // Each pattern needs its literal (`TARGET`, `xx`): an instruction without it is not scanned.
  return model.instructions.some((i) => {
    const text = model.text.slice(i.span.start, i.span.end);
    return (text.includes('TARGET') && TARGET_NAMES.test(text)) || (text.includes('xx') && USES_XX.test(text));
  });
}

/** `meantForSeveralPlatforms` for the file being linted, as the config sets it. */
export function lintedForSeveralPlatforms(context: RuleContext): boolean {
  return context.shared(severalPlatforms, context.model);
}

function severalPlatforms(context: RuleContext, model: DockerfileModel): boolean {
  return meantForSeveralPlatforms(model, context.facts.multiPlatform);
}

/**
 * The builder stages that compile Go on the target platform, each with its compiles, keyed by the stage
 * whose FROM decides the platform. Not a stage with an explicit --platform, one picked by a variable, or
 * a final stage that compiles (a Go environment for the target platform, not a builder).
 */
function emulatedBuilders(context: RuleContext): Map<Stage, Compile[]> {
  return context.shared(findEmulatedBuilders, context.model);
}

function findEmulatedBuilders(context: RuleContext): Map<Stage, Compile[]> {
  const groups = new Map<Stage, Compile[]>();
  for (const stage of context.model.stages) {
    const compiles = stage.instructions.filter((i) => i.keyword === 'RUN').flatMap((run) => compilesFor(context, run));
    if (compiles.length === 0) continue;
    const decider = platformStage(stage);
    if (decider.platform !== undefined || picksAStage(context.model, decider)) continue;
    groups.set(decider, [...(groups.get(decider) ?? []), ...compiles]);
  }
  const final = context.model.stages[context.model.stages.length - 1];
  for (const root of groups.keys()) if (stagesOf(context.model, root).includes(final!)) groups.delete(root);
  return groups;
}

/**
 * Whether `stage` still runs Go on the target platform (emulated on every other one) once `fix` has run:
 * its FROM does not build on $BUILDPLATFORM/$BUILDOS/$BUILDARCH, and this rule's safe fix does not move it there.
 */
export function compilesOnTargetPlatform(context: RuleContext, stage: Stage): boolean {
  const root = platformStage(stage);
  if (BUILD_PLATFORM.test(root.platform ?? '')) return false;
  if (!emulatedBuilders(context).has(root)) return true;
  const plan = plannedFix(context, root);
  return !('kind' in plan && plan.kind === 'safe');
}

/** CGO_ENABLED as a Go command sees it (its own prefix, expanded, else ENV or ARG); undefined where nothing sets it. */
export function cgoEnabledFor(context: RuleContext, run: Instruction, go: GoInvocation | undefined): string | undefined {
  const own = go ? go.command.env.CGO_ENABLED : /\bCGO_ENABLED=(\S+)\s+xx-go\b/.exec(context.model.text.slice(run.span.start, run.span.end))?.[1];
  const vars = context.env(run).vars;
  // `CGO_ENABLED=${CGO_ENABLED} go build` reads the stage's value.
  return own !== undefined ? expand(own, vars).value : vars.get('CGO_ENABLED')?.value;
}

/** The stage whose FROM decides a stage's platform: the nearest one with --platform, else the first of its FROM chain. */
function platformStage(stage: Stage): Stage {
  let s = stage;
  while (s.platform === undefined && s.base) s = s.base;
  return s;
}

/** `FROM base-${TARGETARCH}`: a stage picked among earlier stages by a variable, which decide the platform. */
function picksAStage(model: DockerfileModel, stage: Stage): boolean {
  if (!stage.image.includes('$')) return false;
  const pattern = new RegExp(
    `^${stage.image
      .toLowerCase()
      .split(/\$\{[^}]*\}|\$\w+/)
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return model.stages.some((s) => s.index < stage.index && s.name !== undefined && pattern.test(s.name));
}

function compilesFor(context: RuleContext, run: Instruction): Compile[] {
  const direct = context
    .run(run)
    .go.filter((g) => g.subcommand === 'build' || g.subcommand === 'install')
    .map((go) => ({ run, go, xx: false }));
  // The shell reader knows `go`, not the xx-go wrapper: found by its text.
  const text = context.model.text.slice(run.span.start, run.span.end);
  const viaXx = text.includes('xx-go') && /\bxx-go\s+(build|install)\b/.test(text);
  return viaXx ? [...direct, { run, xx: true }] : direct;
}

export const goBuildEmulated = defineRule({
  name: 'go-build-emulated',
  code: 'WB132',
  meta: {
    description:
      'In a multi-platform Dockerfile, a Go builder stage must build on $BUILDPLATFORM and cross-compile: without it every other platform runs the Go compiler under emulation.',
    severity: 'warning',
    fixable: 'safe-or-suggestion',
    fixTitles: { emulated: 'Build on $BUILDPLATFORM and cross-compile to $TARGETOS/$TARGETARCH' },
    docs: {
      summary: 'a multi-platform Dockerfile compiles Go under emulation (builder stage without `--platform=$BUILDPLATFORM`)',
      fix: 'safe when cgo is off for certain, else a suggestion or none',
    },
    messages: {
      emulated:
        'Stage {{stage}} compiles Go (line {{line}}) on the target platform: in a multi-platform build every non-native platform runs the Go compiler under QEMU emulation, many times slower. Build on the build platform and cross-compile: FROM --platform=$BUILDPLATFORM, then GOOS=$TARGETOS GOARCH=$TARGETARCH.{{note}}',
      emulatedNoFix:
        'Stage {{stage}} compiles Go (line {{line}}) on the target platform: in a multi-platform build every non-native platform runs the Go compiler under QEMU emulation, many times slower. Not fixed automatically: {{why}}.',
    },
  },
  create(context) {
    return {
      'Dockerfile:exit'() {
        if (!lintedForSeveralPlatforms(context)) return;
        for (const [root, compiles] of emulatedBuilders(context)) {
          const first = compiles[0]!.run;
          const data = { stage: root.name ?? String(root.index), line: first.line };
          const span = root.from.args[0]?.span ?? root.from.span;
          const plan = plannedFix(context, root);
          if ('why' in plan) context.report({ span, messageId: 'emulatedNoFix', data: { ...data, why: plan.why } });
          else
            context.report({
              span,
              messageId: 'emulated',
              data: { ...data, note: plan.kind === 'safe' ? '' : ` ${plan.note}` },
              fix: { kind: plan.kind, edits: plan.edits },
            });
        }
      },
    };
  },
});

type Plan = { kind: FixKind; edits: Edit[]; note: string } | { why: string };

/** The stages whose platform `root` decides (itself and the stages built FROM it). */
function stagesOf(model: DockerfileModel, root: Stage): Stage[] {
  return model.stages.filter((s) => platformStage(s) === root);
}

/** `planFix` for one of `emulatedBuilders`: go-build-cache asks too, for every RUN of the stage. */
function plannedFix(context: RuleContext, root: Stage): Plan {
  return context.shared(planBuilderFix, root);
}

function planBuilderFix(context: RuleContext, root: Stage): Plan {
  return planFix(context, root, emulatedBuilders(context).get(root)!);
}

function planFix(context: RuleContext, root: Stage, compiles: readonly Compile[]): Plan {
  const model = context.model;
  const group = stagesOf(model, root);
  const runs = group.flatMap((s) => s.instructions.filter((i) => i.keyword === 'RUN'));
  const goCommands = runs.flatMap((r) => context.run(r).go);
  if (goCommands.some((g) => g.subcommand === 'test'))
    return { why: 'the stage runs `go test`, which would then test the build platform instead of each target platform' };
  if (compiles.some((c) => (c.go ? c.go.subcommand === 'install' : /\bxx-go\s+install\b/.test(model.text.slice(c.run.span.start, c.run.span.end))))) {
    return {
      why: 'a cross-compiling `go install` writes to $GOPATH/bin/<os>_<arch>/ instead of $GOPATH/bin (and fails with GOBIN set), so the paths later stages copy from change; use `go build -o`',
    };
  }
  for (const c of compiles) {
    if (c.run.form === 'exec') return { why: `the RUN on line ${c.run.line} is in exec form, so GOOS/GOARCH cannot be prefixed to its command` };
  }
  const ranBuilt = runsItsOutput(context, runs, compiles);
  if (ranBuilt)
    return { why: `the stage runs ${ranBuilt}, a binary it builds, which would then be built for the target platform but run on the build platform` };

  const groupUsesXx = group.some((s) => s.instructions.some((i) => USES_XX.test(model.text.slice(i.span.start, i.span.end))));
  const edits: Edit[] = [addFromFlag(root.from, '--platform=$BUILDPLATFORM')!];
  // Per stage that compiles: the ARGs its commands read, declared once before its first compile.
  const needed = new Map<Stage, Set<string>>();
  for (const c of compiles) {
    const stage = c.run.stage!;
    const names = needed.get(stage) ?? new Set<string>();
    needed.set(stage, names);
    if (c.xx) {
      names.add('TARGETPLATFORM');
      continue;
    }
    const go = c.go!;
    const env = context.env(c.run).vars;
    const missing = ['GOOS', 'GOARCH'].filter((n) => go.command.env[n] === undefined && env.get(n) === undefined);
    if (missing.length === 0) {
      for (const value of ['GOOS', 'GOARCH'].map((n) => go.command.env[n] ?? env.get(n)?.value ?? ''))
        for (const m of value.matchAll(/\$\{?(TARGET\w+)/g)) names.add(m[1]!);
      continue;
    }
    const edit =
      groupUsesXx && missing.length === 2
        ? replaceWord(model, go.command.argv[0]!, 'xx-go')
        : prefixWord(go.command.argv[0]!, `${missing.map((n) => `${n}=$TARGET${n.slice(2)}`).join(' ')} `);
    if (!edit) return { why: `the Go command on line ${c.run.line} has no exact source text to edit` };
    edits.push(edit);
    if (groupUsesXx && missing.length === 2) names.add('TARGETPLATFORM');
    else for (const n of missing) names.add(`TARGET${n.slice(2)}`);
  }
  for (const [stage, names] of needed) {
    const firstCompile = compiles.find((c) => c.run.stage === stage)!.run;
    const declared = new Set(
      stage.instructions.filter((i) => i.keyword === 'ARG' && i.span.start < firstCompile.span.start).flatMap((i) => i.properties.map((p) => p.name)),
    );
    const missing = [...names].filter((n) => !declared.has(n)).sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
    if (missing.length === 0) continue;
    // After the module download, which is the same for every target platform; else right before the compile.
    const download = stage.instructions
      .filter((i) => i.keyword === 'RUN' && i.span.start < firstCompile.span.start && context.run(i).go.some(downloadsModules))
      .pop();
    const line = `ARG ${missing.join(' ')}`;
    edits.push(download ? insertAfter(model, download, [line]) : insertBefore(model, firstCompile, [line]));
  }
  const cgo = cgoSetting(context, compiles);
  if (cgo.includes('1') && !groupUsesXx)
    return { why: 'cgo is on (CGO_ENABLED=1), and cross-compiling it needs a C cross-compiler for each target platform (xx-go sets one up)' };
  const certainlyOff = cgo.every((v) => v === '0');
  if (!certainlyOff && !groupUsesXx && installsCToolchain(context, group))
    return {
      why: 'the stage installs a C toolchain, so it probably builds with cgo, which a cross-compiling build turns off (xx-go sets up a C cross-compiler)',
    };
  const cgoIsOff = certainlyOff || noCCompiler(context, group, compiles);
  const generates = goCommands.some((g) => g.subcommand === 'run' || g.subcommand === 'generate');
  if (!cgoIsOff)
    return {
      kind: 'suggestion',
      edits,
      note: 'Applied as a suggestion: cgo may be on, and a cross-compiled build turns it off unless a C cross-compiler is set up (xx does that).',
    };
  if (generates)
    return {
      kind: 'suggestion',
      edits,
      note: 'Applied as a suggestion: `go run`/`go generate` would then run on the build platform, and their output may depend on it.',
    };
  return { kind: 'safe', edits, note: '' };
}

const ORDER = ['TARGETPLATFORM', 'TARGETOS', 'TARGETARCH'];

/** CGO_ENABLED as each compile sees it (its command, ENV or ARG); undefined where nothing sets it. */
function cgoSetting(context: RuleContext, compiles: readonly Compile[]): Array<string | undefined> {
  return compiles.map((c) => cgoEnabledFor(context, c.run, c.go));
}

/** golang:*-alpine has no C compiler unless a RUN installs one, and Go turns cgo off when it finds none; xx-go sets one up. */
function noCCompiler(context: RuleContext, group: readonly Stage[], compiles: readonly Compile[]): boolean {
  const root = group[0]!;
  const image = (root.resolvedImage ?? root.image).toLowerCase();
  return /(^|\/)golang:[^@]*alpine/.test(image) && !installsCToolchain(context, group) && compiles.every((c) => !c.xx);
}

function installsCToolchain(context: RuleContext, group: readonly Stage[]): boolean {
  return group.some((s) => s.instructions.some((i) => i.keyword === 'RUN' && C_TOOLCHAIN.test(context.model.text.slice(i.span.start, i.span.end))));
}

/** The first output of a retargeted `go build -o` that the stage then executes, if any. */
function runsItsOutput(context: RuleContext, runs: readonly Instruction[], compiles: readonly Compile[]): string | undefined {
  const text = context.model.text;
  for (const c of compiles) {
    if (!c.go) continue;
    const args = c.go.args;
    const o = args.findIndex((a) => a.value === '-o' || a.value.startsWith('-o='));
    const output = o < 0 ? undefined : args[o]!.value.startsWith('-o=') ? args[o]!.value.slice(3) : args[o + 1]?.value;
    if (!output || output.endsWith('/')) continue;
    const after = c.go.args[c.go.args.length - 1]?.span.end ?? c.run.span.end;
    const written = [
      text.slice(after, c.run.span.end),
      ...runs.filter((r) => r.span.start > c.run.span.start).map((r) => text.slice(r.span.start, r.span.end)),
    ];
    // The pattern reads the name case-insensitively: a text lacking a printable ASCII name in any case
    // cannot match. Most texts lack it, and the pattern is built and run only for the others.
    const needle = /^[ -~]*$/.test(output) ? output.toLowerCase() : undefined;
    const later = needle === undefined ? written : written.filter((t) => t.toLowerCase().includes(needle));
    if (later.length === 0) continue;
    const escaped = output.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // In command position only: after the start of the RUN, an operator, then/do, or a continuation (not `-o app`).
    const asCommand = new RegExp(
      `(^\\s*|(&&|\\|\\||[;|(]|\\bthen|\\bdo|\\bexec|^RUN(\\s+--\\S+)*)\\s*(\\\\\\r?\\n\\s*)?)(\\./)?${escaped}(\\s|$|;|&|\\|)`,
      'im',
    );
    if (later.some((t) => asCommand.test(t))) return output;
  }
  return undefined;
}
