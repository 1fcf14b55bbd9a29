/** Errors the CLI maps to exit code 2 with a one-line message; anything else is a bug. */
export class WarmbuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class UsageError extends WarmbuildError {}

export class ConfigError extends WarmbuildError {
  constructor(readonly file: string, readonly line: number, detail: string) {
    super(`${file}:${line}: ${detail}`);
  }
}

export class InputError extends WarmbuildError {
  constructor(readonly file: string, readonly line: number | undefined, detail: string) {
    super(line === undefined ? `${file}: ${detail}` : `${file}:${line}: ${detail}`);
  }
}

/** A rule broke the linter's contract (a fix kind `meta.fixable` does not allow, an unfilled placeholder): a bug, never the user's input. */
export class RuleError extends Error {
  constructor(readonly rule: string, detail: string) {
    super(`rule ${rule}: ${detail}`);
    this.name = 'RuleError';
  }
}
