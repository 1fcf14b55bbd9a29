/** Errors the CLI maps to exit code 2 with a one-line message (one line per problem); anything else is a bug. */
export class WarmbuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A command line warmbuild cannot run: an unknown command or option, a bad value, a missing operand. */
export class UsageError extends WarmbuildError {}

export interface ConfigProblem {
  line: number;
  message: string;
}

/** Every problem of one config file, each reported as `file:line: message`. */
export class ConfigError extends WarmbuildError {
  readonly problems: readonly ConfigProblem[];

  constructor(
    readonly file: string,
    problems: readonly ConfigProblem[],
  ) {
    super(problems.map((p) => `${file}:${p.line}: ${p.message}`).join('\n'));
    this.problems = problems;
  }
}

export class InputError extends WarmbuildError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    detail: string,
  ) {
    super(line === undefined ? `${file}: ${detail}` : `${file}:${line}: ${detail}`);
  }
}

/** Docker or BuildKit did not do what was asked (a failed helper build, an engine that does not answer). */
export class EngineError extends WarmbuildError {}

/** A signal stopped the engine process (Ctrl-C in bench or cache); the command removes what it made and exits as the signal asks. */
export class AbortedError extends WarmbuildError {
  constructor() {
    super('interrupted');
  }
}

/** An engine process outlived its time limit (cache's --timeout). */
export class TimeoutError extends WarmbuildError {}

/** A cache archive holds what no Go cache holds (a link, a device, an absolute path): the archive is refused, not the run. */
export class TarRefusal extends Error {}

/** A rule broke the linter's contract (a fix kind `meta.fixable` does not allow, an unfilled placeholder): a bug, never the user's input. */
export class RuleError extends Error {
  constructor(
    readonly rule: string,
    detail: string,
  ) {
    super(`rule ${rule}: ${detail}`);
    this.name = 'RuleError';
  }
}

/** The system's reason in an I/O error (`permission denied`), without Node's code and path decoration. */
export function systemReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const m = typeof e?.message === 'string' ? /^[A-Z0-9]+: ([^,]+)/.exec(e.message) : null;
  return m ? m[1]! : (e?.code ?? String(error));
}
