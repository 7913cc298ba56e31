import { ExchangeError, type ExchangeStep } from './errors.js';
import { safeCause } from './safe-cause.js';

/** Where a piece of shared work has got to, for the error of a caller who stops waiting. */
export interface Progress {
  step: ExchangeStep;
}

/** The error of a caller whose `AbortSignal` fired, raised in the step the work was in. */
export function abortedError(signal: AbortSignal, step: ExchangeStep): ExchangeError {
  return new ExchangeError('The caller aborted the exchange', {
    code: 'aborted',
    step,
    cause: safeCause(signal.reason),
  });
}

/** Throws the caller's abort as an `ExchangeError` when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, step: ExchangeStep): void {
  if (signal?.aborted) throw abortedError(signal, step);
}

/**
 * One piece of work that several callers wait on, each free to stop waiting with an
 * `AbortSignal` of its own. A caller who aborts is answered at once; the work goes on for the
 * others, and is aborted itself (through the signal it was started with) only once every
 * caller has left. A caller without a signal never leaves, so work started for one gets no
 * signal at all (an `AbortController` is not free on Node.js 20).
 */
export class Flight<T> {
  readonly progress: Progress = { step: 'resolve' };
  readonly #controller: AbortController | undefined;
  readonly #result: Promise<T>;
  #waiting = 0;

  /**
   * Starts `work` for a first caller holding `signal`; `onSettled` runs once the work has
   * settled, whoever still waits.
   */
  constructor(
    signal: AbortSignal | undefined,
    work: (signal: AbortSignal | undefined, progress: Progress) => Promise<T>,
    onSettled: () => void = () => undefined,
  ) {
    this.#controller = signal === undefined ? undefined : new AbortController();
    this.#result = work(this.#controller?.signal, this.progress);
    // Also marks a failure as handled: once every caller has left, nobody else reads it.
    this.#result.then(onSettled, onSettled);
  }

  /** True once every caller has aborted: a new caller must start new work. */
  get abandoned(): boolean {
    return this.#controller?.signal.aborted === true;
  }

  /** The outcome of the work, or this caller's abort as soon as `signal` fires. */
  join(signal: AbortSignal | undefined): Promise<T> {
    this.#waiting += 1;
    return raceAbort(this.#result, signal, () => {
      this.#waiting -= 1;
      if (this.#waiting === 0) this.#controller?.abort(signal?.reason);
      return this.progress.step;
    });
  }
}

/**
 * Settles as `promise` does, or with the caller's abort as soon as `signal` fires; `leave` runs
 * then and names the step the abort is reported in. The promise itself goes on: it may be shared
 * with other callers (as discovery is).
 */
export function raceAbort<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  leave: () => ExchangeStep,
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortedError(signal, leave()));
  return new Promise<T>((resolve, reject) => {
    const stop = (): void => reject(abortedError(signal, leave()));
    signal.addEventListener('abort', stop, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', stop);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', stop);
        reject(error);
      },
    );
  });
}
