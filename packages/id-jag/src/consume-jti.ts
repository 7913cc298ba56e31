import { IdJagError } from './errors.js';
import type { ReplayStore } from './replay-store.js';

/** How long `verifyIdJag` waits for the replay store by default, in milliseconds. */
export const DEFAULT_REPLAY_STORE_TIMEOUT_MS = 5000;

/** The longest delay a Node.js timer supports; a longer one would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

const TIMED_OUT = Symbol('timed out');

function kindOf(value: unknown): string {
  return value === null ? 'null' : typeof value;
}

/**
 * Consumes `jti` in `store` (RFC 7523 §3 item 7) and returns only when the store answers exactly
 * `true`, the first use, within `timeoutMs`. Everything else fails closed with code `replayed`:
 * `false` (seen before), a throw or rejection, an answer that is not a boolean, or no answer in
 * time. A late answer is ignored; if the store still records the `jti`, that ID-JAG stays refused.
 */
export async function consumeJti(
  store: ReplayStore,
  jti: string,
  expiresAt: number,
  timeoutMs: number,
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, TIMED_OUT);
  });

  let answer: unknown;
  try {
    answer = await Promise.race([store.consume(jti, expiresAt), deadline]);
  } catch (cause) {
    // Without the store we cannot know the ID-JAG is unused.
    throw new IdJagError('replayed', 'the replay store could not record the ID-JAG "jti"', {
      cause,
    });
  } finally {
    clearTimeout(timer);
  }

  if (answer === TIMED_OUT) {
    throw new IdJagError('replayed', `the replay store did not answer within ${timeoutMs} ms`);
  }
  if (answer === false) throw new IdJagError('replayed', 'ID-JAG "jti" was already used');
  if (answer !== true) {
    // A truthy `'OK'` or `{ ok: false }` must not pass for a first use.
    throw new IdJagError(
      'replayed',
      `the replay store answered neither true nor false (got ${kindOf(answer)})`,
    );
  }
}
