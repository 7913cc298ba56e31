import { inspect } from 'node:util';
import type { ExchangeEvent, Logger } from '@onbehalf/core';

/** A logger and an event listener that keep everything they are given. */
export function capture() {
  const lines: unknown[] = [];
  const events: ExchangeEvent[] = [];
  const record =
    (level: string) =>
    (message: string, fields: Record<string, unknown>): void => {
      lines.push({ level, message, fields });
    };
  const logger: Logger = {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
  return { logger, onEvent: (event: ExchangeEvent) => void events.push(event), lines, events };
}

/** Every way an error, its causes and its fields might be printed. */
export function printError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    parts.push(current.message, current.stack ?? '', JSON.stringify(current), inspect(current));
    current = current.cause;
  }
  return parts.join('\n');
}

/** Every way a credential might be printed by accident. */
export function printCredential(credential: object): string {
  return [
    JSON.stringify(credential),
    inspect(credential),
    inspect(credential, { depth: Number.POSITIVE_INFINITY, showHidden: false }),
    String(credential),
    `${credential}`,
    JSON.stringify({ nested: credential }),
    inspect({ nested: [credential] }),
  ].join('\n');
}

/**
 * Everything a client could have let out, as one string: what `capture` kept from its logger and
 * listener, every printing of `failure`, and every printing of `credential`.
 */
export function printEverything(
  observed: Pick<ReturnType<typeof capture>, 'lines' | 'events'>,
  failure: unknown,
  credential: object,
): string {
  return [
    JSON.stringify(observed.lines),
    JSON.stringify(observed.events),
    printError(failure),
    printCredential(credential),
  ].join('\n');
}
