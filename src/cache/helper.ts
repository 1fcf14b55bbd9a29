import { mountFlag, type CacheIdentity } from './identity.js';

// The helper builds that move cache contents through BuildKit itself: they mount the very same cache
// and tar it to a build output, or untar a build-context file into it. Pure.

export const NONCE_ARG = 'WARMBUILD_NONCE';

export function exportDockerfile(helperImage: string, caches: ReadonlyArray<{ identity: CacheIdentity; file: string }>): string {
  const lines = [`FROM ${helperImage} AS export`, `ARG ${NONCE_ARG}`];
  for (const c of caches) {
    // The nonce makes BuildKit run the step every time instead of reusing an old archive.
    lines.push(`RUN ${mountFlag(c.identity, '/warmbuild-cache')} echo "$${NONCE_ARG}" >/dev/null && mkdir -p /out && tar -C /warmbuild-cache -cf /out/${c.file} .`);
  }
  lines.push('FROM scratch', 'COPY --from=export /out/ /');
  return `${lines.join('\n')}\n`;
}

/** One RUN per cache, so an archive can only ever write into its own cache. Only tar runs. */
export function importDockerfile(helperImage: string, caches: ReadonlyArray<{ identity: CacheIdentity; file: string }>): string {
  const lines = [`FROM ${helperImage}`, `ARG ${NONCE_ARG}`];
  for (const c of caches) {
    // Go's module cache is read-only on purpose; make it writable so the restore can add to it.
    lines.push(
      `RUN ${mountFlag(c.identity, '/warmbuild-cache')} --mount=type=bind,from=store,source=${c.file},target=/warmbuild-in.tar echo "$${NONCE_ARG}" >/dev/null && chmod -R u+w /warmbuild-cache 2>/dev/null; tar -C /warmbuild-cache -xpf /warmbuild-in.tar`,
    );
  }
  return `${lines.join('\n')}\n`;
}
