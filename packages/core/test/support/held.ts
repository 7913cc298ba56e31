import type { ServerResponse } from 'node:http';
import { defaultReply, type Reply } from './auth-server.js';

/**
 * A reply held until the test lets it go, one gate per token request; `state.closed` counts the
 * held responses whose connection the client dropped before an answer was written.
 */
export function heldReply(answer: Reply = defaultReply) {
  const gates: (() => void)[] = [];
  const state = { closed: 0 };
  const reply: Reply = async (context) => {
    watchClose(context.response, state);
    await new Promise<void>((resolve) => gates.push(resolve));
    await answer(context);
  };
  return { reply, gates, state };
}

function watchClose(response: ServerResponse, state: { closed: number }): void {
  response.on('close', () => {
    if (!response.writableEnded) state.closed += 1;
  });
}

/** Resolves once `condition` holds, checking every 5 ms. */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
