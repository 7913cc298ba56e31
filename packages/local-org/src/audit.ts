import { createHash } from 'node:crypto';

/** One token request as the audit log records it: who asked what, and what was decided. */
export interface AuditRecord {
  /** ISO 8601 time of the decision. */
  time: string;
  /** Issuer of the authorization server that answered (org or custom server). */
  server: string;
  /**
   * The registered client the request named: authenticated, unless `error` is `invalid_client`
   * (then the request named this client but failed to prove it). Absent when the request named
   * no registered client; see `claimedClient`.
   */
  client?: string;
  /**
   * Only when `client` is absent: the client id the request claimed, unverified (the form's
   * `client_id`, the HTTP Basic user name, or the `sub`/`iss` of the client assertion), at most
   * 128 characters. Never the secret or the assertion.
   */
  claimedClient?: string;
  /** The user (`sub`) the request was about, once known. */
  user?: string;
  /** `grant_type` of the request. */
  grant?: string;
  /** `requested_token_type` of a token exchange. */
  requestedTokenType?: string;
  audience?: string;
  resource?: string;
  /** Scopes asked for (from `scope`, or from the ID-JAG at a custom server). */
  scopesRequested?: string[];
  /** Scopes granted, when allowed. */
  scopesGranted?: string[];
  decision: 'allow' | 'deny';
  /** HTTP status answered. */
  status: number;
  /** OAuth `error` answered, when denied. */
  error?: string;
  /** The detailed internal reason; never sent to the client. */
  reason: string;
  /** Short hash of the token or credential issued, to correlate without revealing it. */
  issued?: string;
}

/** Receives each audit record as it is written (for example to print it as a JSON line). */
export type AuditSink = (record: AuditRecord) => void;

/** Anything shaped like a compact JWT (or its first two parts), to be redacted from logs. */
export const JWT_LIKE = /eyJ[\w-]*\.[\w-]*\.?[\w-]*/g;

/** A short, non-reversible reference to a token: the first 12 base64url characters of SHA-256. */
export function shortHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url').slice(0, 12);
}

/**
 * Makes an internal reason safe for the log: removes anything shaped like a JWT, drops control
 * characters and caps the length, so a library message quoting its input cannot leak a token.
 */
export function safeReason(reason: string): string {
  return (
    reason
      .replace(JWT_LIKE, '[jwt]')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
      .replace(/[\u0000-\u001f\u007f]/g, ' ')
      .slice(0, 300)
  );
}

/**
 * Joins the parts of a reason into one phrase: `first: second`, without a sentence's trailing
 * period before the colon, skipping empty and repeated parts.
 */
export function joinReason(...parts: (string | undefined)[]): string {
  const clean = parts
    .map((part) => part?.trim().replace(/\.+$/, ''))
    .filter((part): part is string => Boolean(part));
  return [...new Set(clean)].join(': ');
}

/** The audit log: an in-memory list plus optional sinks. */
export class AuditLog {
  readonly #records: AuditRecord[] = [];
  readonly #sinks: AuditSink[];
  readonly #max: number;

  constructor(sinks: AuditSink[] = [], max = 10_000) {
    this.#sinks = sinks;
    this.#max = max;
  }

  /** Every record kept so far (the oldest are dropped past 10 000). */
  get records(): readonly AuditRecord[] {
    return this.#records;
  }

  /** Writes a record to the list and to every sink; a failing sink does not fail the request. */
  write(record: Omit<AuditRecord, 'time'>): void {
    const full: AuditRecord = {
      time: new Date().toISOString(),
      ...record,
      reason: safeReason(record.reason),
    };
    this.#records.push(full);
    if (this.#records.length > this.#max) this.#records.shift();
    for (const sink of this.#sinks) {
      try {
        sink(full);
      } catch {
        // An audit sink is an observer: its failure must not change the answer.
      }
    }
  }
}
