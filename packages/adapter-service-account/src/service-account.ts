import {
  type Credential,
  credentialExpiry,
  defineAdapter,
  expiresInSchema,
  protectCredential,
  tokenTypeSchema,
} from '@onbehalf/core';
import { z } from 'zod';

/** `requested_token_type` and `issued_token_type` of a service account (Okta token exchange). */
export const SERVICE_ACCOUNT_TOKEN_TYPE = 'urn:okta:params:oauth:token-type:service-account';

/**
 * A service account's login. `toString`, `toJSON` and `util.inspect` show `username` (an
 * account name, useful when reading logs) and print `password` as `[redacted]`.
 */
export interface ServiceAccountCredential extends Credential {
  readonly username: string;
  /** Reachable only through this field. */
  readonly password: string;
  /** When to stop using it: `expires_in`, else 60 s after it was received. */
  readonly expiresAt: Date;
}

/**
 * `exchange('service-account', ...)` input: the account's resource indicator, passed through.
 * Any other key (say `scope`, which a service account has no use for) is refused, not dropped.
 */
export const serviceAccountInputSchema = z.strictObject({
  resource: z
    .string("must be the service account's resource indicator (its ORN by default)")
    .min(1, 'must not be empty'),
});

/**
 * A service-account response (Okta; not RFC 8693 shaped: no `access_token`):
 * `service_account` with a non-empty `username` and `password`, `token_type` `N_A` when present.
 */
export const serviceAccountResponseSchema = z.object({
  issued_token_type: z.literal(SERVICE_ACCOUNT_TOKEN_TYPE),
  token_type: tokenTypeSchema('N_A').optional(),
  service_account: z.object({
    username: z.string().min(1),
    password: z.string().min(1),
  }),
  expires_in: expiresInSchema.optional(),
});

/**
 * The service-account adapter, named `service-account`: trades the user's ID token for the
 * username and password of an account the agent has a managed connection to, by token exchange
 * (RFC 8693 §2.1) with `requested_token_type=urn:okta:params:oauth:token-type:service-account`
 * and `resource`.
 *
 * @example
 * const client = createClient({ issuer, clientId, auth, adapters: [serviceAccount()] });
 * const { username, password } = await client.exchange('service-account', {
 *   subjectToken: idToken,
 *   resource: orn,
 * });
 */
export function serviceAccount() {
  return defineAdapter({
    name: 'service-account',
    requestedTokenType: SERVICE_ACCOUNT_TOKEN_TYPE,
    input: serviceAccountInputSchema,
    form: (input) => ({ resource: input.resource }),
    response: serviceAccountResponseSchema,

    async finish(response, context): Promise<ServiceAccountCredential> {
      const credential: ServiceAccountCredential = {
        username: response.service_account.username,
        password: response.service_account.password,
        expiresAt: credentialExpiry({ expiresIn: response.expires_in, now: context.now() }),
      };
      return protectCredential(credential, ['password']);
    },
  });
}
