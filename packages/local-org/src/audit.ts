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
  /** `audience` of the request, as sent (scrubbed and capped like every text field). */
  audience?: string;
  /** `resource` of the request, as sent (scrubbed and capped like every text field). */
  resource?: string;
  /** Scopes asked for (from `scope`, or from the ID-JAG at a custom server); at most 50. */
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

/** Longest text kept in any field of an audit record; longer text is cut and marked with `…`. */
export const MAX_AUDIT_TEXT_LENGTH = 300;
/** Most entries kept in a list field of an audit record (`scopesRequested`, `scopesGranted`). */
export const MAX_AUDIT_LIST_LENGTH = 50;

// C0 and C1 controls, DEL, the line and paragraph separators, and the bidirectional formatting
// characters (Trojan Source, CVE-2021-42574): each can make a log line read as something else.
const UNPRINTABLE = /[\p{Cc}\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/**
 * Makes attacker-chosen text safe for the audit log: anything shaped like a JWT becomes `[jwt]`,
 * control and bidirectional formatting characters become spaces, and the result is trimmed and
 * cut at `max` characters (then marked with `…`), so a request or a library message quoting its
 * input cannot leak a token into the log or forge a line of it.
 */
export function scrubAuditText(text: string, max: number = MAX_AUDIT_TEXT_LENGTH): string {
  const clean = text.replace(JWT_LIKE, '[jwt]').replace(UNPRINTABLE, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** Applies {@link scrubAuditText} to every text field of a record and caps every list field. */
function scrubRecord(record: Omit<AuditRecord, 'time'>): Omit<AuditRecord, 'time'> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'string') out[key] = scrubAuditText(value);
    else if (Array.isArray(value)) {
      out[key] = value
        .slice(0, MAX_AUDIT_LIST_LENGTH)
        .map((item) => (typeof item === 'string' ? scrubAuditText(item) : item));
    } else out[key] = value;
  }
  return out as Omit<AuditRecord, 'time'>;
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

  /**
   * Writes a record to the list and to every sink; a failing sink does not fail the request.
   * Every text field goes through {@link scrubAuditText} first: audience, resource, scopes and
   * reason come from the request.
   */
  write(record: Omit<AuditRecord, 'time'>): void {
    const full: AuditRecord = { time: new Date().toISOString(), ...scrubRecord(record) };
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
