import {
  type Credential,
  credentialExpiry,
  defineAdapter,
  expiresInSchema,
  protectCredential,
  tokenTypeSchema,
} from '@onbehalf/core';
import { z } from 'zod';

/** `requested_token_type` and `issued_token_type` of a vaulted secret (Okta token exchange). */
export const VAULTED_SECRET_TOKEN_TYPE = 'urn:okta:params:oauth:token-type:vaulted-secret';

/**
 * A secret from the vault. `toString`, `toJSON` and `util.inspect` print `secret` as
 * `[redacted]`; the values are reachable only through `credential.secret`.
 */
export interface VaultedSecretCredential extends Credential {
  /** The key/value pairs the vault entry holds, e.g. `{ apiKey: '...' }`. */
  readonly secret: Readonly<Record<string, string>>;
  /** When to stop using it: `expires_in`, else 60 s after it was received. */
  readonly expiresAt: Date;
}

/**
 * `exchange('secret', ...)` input: the connection's resource indicator, passed through as is.
 * Any other key (say `scope`, which a vaulted secret has no use for) is refused, not dropped.
 */
export const vaultedSecretInputSchema = z.strictObject({
  resource: z
    .string("must be the secret's resource indicator (its ORN by default)")
    .min(1, 'must not be empty'),
});

/**
 * A vaulted-secret response (Okta; not RFC 8693 shaped: no `access_token`): `vaulted_secret` is
 * an object of string values with at least one entry, `token_type` `N_A` when present.
 */
export const vaultedSecretResponseSchema = z.object({
  issued_token_type: z.literal(VAULTED_SECRET_TOKEN_TYPE),
  token_type: tokenTypeSchema('N_A').optional(),
  vaulted_secret: z
    .record(z.string(), z.string())
    .refine((secret) => Object.keys(secret).length > 0, 'vaulted_secret must not be empty'),
  expires_in: expiresInSchema.optional(),
});

/**
 * The vaulted-secret adapter, named `secret`: trades the user's ID token for the key/value pairs
 * of a vault entry the agent has a managed connection to, by token exchange (RFC 8693 §2.1) with
 * `requested_token_type=urn:okta:params:oauth:token-type:vaulted-secret` and `resource`.
 *
 * @example
 * const client = createClient({ issuer, clientId, auth, adapters: [vaultedSecret()] });
 * const { secret } = await client.exchange('secret', { subjectToken: idToken, resource: orn });
 */
export function vaultedSecret() {
  return defineAdapter({
    name: 'secret',
    requestedTokenType: VAULTED_SECRET_TOKEN_TYPE,
    input: vaultedSecretInputSchema,
    form: (input) => ({ resource: input.resource }),
    response: vaultedSecretResponseSchema,

    async finish(response, context): Promise<VaultedSecretCredential> {
      const credential: VaultedSecretCredential = {
        // A frozen copy; `fromEntries` defines properties, so no key can touch the prototype.
        secret: Object.freeze(Object.fromEntries(Object.entries(response.vaulted_secret))),
        expiresAt: credentialExpiry({ expiresIn: response.expires_in, now: context.now() }),
      };
      return protectCredential(credential, ['secret']);
    },
  });
}
