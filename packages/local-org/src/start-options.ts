import { z } from 'zod';
import type { AuditSink } from './audit.js';

/** Where and how to run the org. */
export interface StartOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`: the org is for local development only. */
  host?: string;
  /** Directory that keeps the signing keys across restarts (`keys.json`, mode 0600). */
  dataDir?: string;
  /** Called with every audit record as it is written. */
  onAudit?: AuditSink;
  /** Time a client has to send a request's headers, in ms; then 408 and close. Default 5000. */
  headersTimeoutMs?: number;
  /** Time a client has to send a whole request, body included, in ms. Default 10000. */
  requestTimeoutMs?: number;
}

const timeout = z.number().int().min(100).max(600_000);

const startOptionsSchema = z
  .strictObject({
    port: z.number().int().min(0).max(65_535).optional(),
    host: z.string().min(1).optional(),
    dataDir: z.string().min(1).optional(),
    onAudit: z
      .custom<AuditSink>((value) => typeof value === 'function', 'must be a function')
      .optional(),
    headersTimeoutMs: timeout.default(5_000),
    requestTimeoutMs: timeout.default(10_000),
  })
  .refine((t) => t.headersTimeoutMs <= t.requestTimeoutMs, {
    path: ['headersTimeoutMs'],
    message: 'must not exceed requestTimeoutMs',
  });

/** The options after validation, with the timeouts' defaults filled in. */
export type ValidStartOptions = z.output<typeof startOptionsSchema>;

/** The option names of {@link StartOptions}; none is a configuration field. */
export const OPTION_NAMES: ReadonlySet<string> = new Set(Object.keys(startOptionsSchema.shape));

const EXPECTED: Record<string, string> = {
  port: 'an integer from 0 to 65535',
  host: 'a non-empty string',
  dataDir: 'a non-empty string',
  headersTimeoutMs: 'an integer number of ms from 100 to 600000',
  requestTimeoutMs: 'an integer number of ms from 100 to 600000',
};

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `unknown option "${key}"`).join(', ');
  }
  const name = issue.path[0];
  if (name === undefined) return 'the options must be an object';
  const expected = issue.code === 'custom' ? issue.message : `must be ${EXPECTED[String(name)]}`;
  return `option "${String(name)}" ${expected}`;
}

/**
 * Checks `startLocalOrg`'s options: every option of the right type and range, and no other key
 * (a misspelt option would otherwise be ignored without a word).
 *
 * @throws {TypeError} naming each bad or unknown option, e.g. `unknown option "dataDIr"`.
 */
export function parseStartOptions(options: unknown): ValidStartOptions {
  const parsed = startOptionsSchema.safeParse(options ?? {});
  if (parsed.success) return parsed.data;
  throw new TypeError(`startLocalOrg: ${parsed.error.issues.map(describe).join('; ')}`);
}
