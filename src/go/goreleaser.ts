import { yaml } from '../yaml.js';

// A goreleaser config: the Go builds it runs and its before-hooks. Pure; the one reader of these
// files for both the context follower (check) and init.

/** The names goreleaser looks for, in its order. */
export const GORELEASER_CONFIGS: readonly string[] = ['.goreleaser.yml', '.goreleaser.yaml', 'goreleaser.yml', 'goreleaser.yaml'];

export interface GoreleaserBuild {
  /** `id`, else `index`. */
  id: string;
  /** Its place in `builds`, other builders counted. */
  index: number;
  /** The `main` package or file; `.` when unset. */
  main: string;
  /** `env` entries of the form NAME=VALUE. */
  env: Record<string, string>;
  flags: string[];
  tags: string[];
  /** Undefined when the build sets none (goreleaser then uses its default). */
  ldflags?: string[];
  skip: boolean;
}

export interface GoreleaserConfig {
  /** The Go builds (other builders left out); undefined when the config has no `builds`, so goreleaser builds the root's main package. */
  builds?: GoreleaserBuild[];
  /** The commands of `before.hooks`. */
  hooks: string[];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : typeof value === 'string' ? [value] : [];
}

/** The config's builds and hooks; undefined when the text is not YAML. */
export function parseGoreleaser(text: string): GoreleaserConfig | undefined {
  let config: unknown;
  try {
    config = yaml().parse(text);
  } catch {
    return undefined;
  }
  const root = (config ?? {}) as { builds?: unknown; before?: { hooks?: unknown } };
  const hooks = (Array.isArray(root.before?.hooks) ? root.before.hooks : []).flatMap((hook: unknown) =>
    typeof hook === 'string'
      ? [hook]
      : typeof hook === 'object' && hook && typeof (hook as { cmd?: unknown }).cmd === 'string'
        ? [(hook as { cmd: string }).cmd]
        : [],
  );
  if (!Array.isArray(root.builds)) return { hooks };
  const builds = root.builds.flatMap((raw: unknown, index): GoreleaserBuild[] => {
    if (typeof raw !== 'object' || raw === null) return [];
    const build = raw as Record<string, unknown>;
    if (build.builder !== undefined && build.builder !== 'go') return [];
    return [
      {
        id: typeof build.id === 'string' ? build.id : String(index),
        index,
        main: typeof build.main === 'string' ? build.main : '.',
        env: Object.fromEntries(
          strings(build.env)
            .filter((e) => e.includes('='))
            .map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
        ),
        flags: strings(build.flags),
        tags: strings(build.tags),
        ...(build.ldflags !== undefined ? { ldflags: strings(build.ldflags) } : {}),
        skip: build.skip === true,
      },
    ];
  });
  return { builds, hooks };
}
