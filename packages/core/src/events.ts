import type { ExchangeErrorCode, ExchangeStep } from './errors.js';

/** Fields every event carries. None is a token, a secret or a password. */
export interface ExchangeEventBase {
  /** The adapter name. */
  readonly adapter: string;
  /** The org issuer, or the token endpoint when the client has no issuer. */
  readonly issuer: string;
  readonly audience: string | undefined;
  readonly resource: string | undefined;
  /** The requested scopes, sorted. */
  readonly scopes: readonly string[];
  /** `shortHash` of the subject token. */
  readonly subject: string;
}

/** What an exchange reports, as a union callers can `switch` on by `type`. */
export type ExchangeEvent =
  | (ExchangeEventBase & { readonly type: 'exchange.started' })
  | (ExchangeEventBase & {
      readonly type: 'exchange.succeeded';
      /** HTTP attempts across every hop of the exchange. */
      readonly attempts: number;
      readonly durationMs: number;
      readonly expiresAt: string;
    })
  | (ExchangeEventBase & {
      readonly type: 'exchange.failed';
      readonly attempts: number;
      readonly durationMs: number;
      readonly code: ExchangeErrorCode;
      readonly step: ExchangeStep;
      /** The server's OAuth `error`, when it sent one. */
      readonly error: string | undefined;
      readonly status: number | undefined;
    })
  | (ExchangeEventBase & {
      readonly type: 'cache.hit';
      readonly durationMs: number;
      readonly expiresAt: string;
    });

/** The `type` of an `ExchangeEvent`. */
export type ExchangeEventType = ExchangeEvent['type'];

/**
 * A levelled logger, called as `(message, fields)`; `console` and winston fit as they are. Every
 * method is optional. pino takes its fields first, so wrap it:
 * `{ info: (message, fields) => log.info(fields, message), ... }`.
 */
export interface Logger {
  debug?(message: string, fields: Record<string, unknown>): void;
  info?(message: string, fields: Record<string, unknown>): void;
  warn?(message: string, fields: Record<string, unknown>): void;
  error?(message: string, fields: Record<string, unknown>): void;
}

/** Receives every event. A listener that throws or rejects never breaks an exchange. */
export type EventListener = (event: ExchangeEvent) => unknown;

const LEVELS: Record<ExchangeEventType, keyof Logger> = {
  'exchange.started': 'debug',
  'exchange.succeeded': 'info',
  'exchange.failed': 'warn',
  'cache.hit': 'debug',
};

function swallow(call: () => unknown): void {
  try {
    const result = call();
    if (result instanceof Promise) result.catch(() => undefined);
  } catch {
    // An observer's failure must not change the outcome of the exchange.
  }
}

/** Delivers events to the listener and the logger, shielding the exchange from both. */
export function createEmitter(
  logger: Logger | undefined,
  listener: EventListener | undefined,
): {
  /** Whether a listener or a logger is attached; events need not be built when not. */
  readonly active: boolean;
  emit(event: ExchangeEvent): void;
  log(level: keyof Logger, message: string, fields: Record<string, unknown>): void;
} {
  const log = (level: keyof Logger, message: string, fields: Record<string, unknown>) => {
    if (logger === undefined) return;
    swallow(() => logger[level]?.call(logger, message, fields));
  };
  const active = logger !== undefined || listener !== undefined;
  return {
    active,
    emit(event) {
      if (!active) return;
      if (listener !== undefined) swallow(() => listener(event));
      const { type, ...fields } = event;
      log(LEVELS[type], `onbehalf ${type}`, fields);
    },
    log,
  };
}
