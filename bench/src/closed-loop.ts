/** What a closed-loop run measured. */
export interface LoopResult {
  readonly completed: number;
  readonly failed: number;
  readonly perSecond: number;
  readonly seconds: number;
  /** The first failure's message, if any. */
  readonly firstError: string | undefined;
}

/**
 * Calls `operation` `total` times from `concurrency` workers, each starting its next call when
 * its previous one ends (a closed loop, as agents behave), and reports completions per second.
 */
export async function closedLoop(
  total: number,
  concurrency: number,
  operation: (index: number) => Promise<unknown>,
): Promise<LoopResult> {
  let next = 0;
  let completed = 0;
  let failed = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const index = next;
      next += 1;
      try {
        await operation(index);
        completed += 1;
      } catch (error) {
        failed += 1;
        firstError ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { completed, failed, perSecond: completed / seconds, seconds, firstError };
}
