// SIGINT (Ctrl-C), SIGTERM (a CI cancel) and SIGHUP (a closed terminal) stop a long command alike: it
// aborts its builds and removes what it made. The exit code names the signal (128 + its number).
const STOP_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

export type StopSignal = keyof typeof STOP_EXIT_CODES;

export interface StopSignals {
  /** Aborted when one of the signals arrives. */
  signal: AbortSignal;
  /** The signal that arrived, if one did. */
  caught(): StopSignal | undefined;
  /** The exit code of an interrupted command: the caught signal's, else Ctrl-C's. */
  exitCode(): 129 | 130 | 143;
  /** Stops listening. */
  dispose(): void;
}

export function watchStopSignals(): StopSignals {
  const controller = new AbortController();
  let caught: StopSignal | undefined;
  const handlers = (Object.keys(STOP_EXIT_CODES) as StopSignal[]).map((name) => {
    const handler = (): void => {
      caught = name;
      controller.abort();
    };
    process.once(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    caught: () => caught,
    exitCode: () => STOP_EXIT_CODES[caught ?? 'SIGINT'],
    dispose: () => {
      for (const [name, handler] of handlers) process.removeListener(name, handler);
    },
  };
}
