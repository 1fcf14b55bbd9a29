// What the context-aware rules get to see of a build context: data, read by src/adapters/context.ts.

export interface BuildContext {
  /** Contents of the files read (Makefiles and their includes, scripts RUN invokes, go.mod, go.work). */
  files: Readonly<Record<string, string>>;
  /** The context has a .git directory. */
  hasGit: boolean;
  /** The context has a go.sum at its root (a module without dependencies has none). */
  hasGoSum?: boolean;
  /** The .dockerignore that applies, if any. */
  dockerignore?: string;
  /** Every file of the context (context-relative, without .git, node_modules and vendor), when the reader needed the list. */
  list?: readonly string[];
}
