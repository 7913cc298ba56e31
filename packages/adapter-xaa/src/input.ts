import type { ClientAuth } from '@onbehalf/core';
import { z } from 'zod';
import { scopeListSchema } from './scope.js';

const clientAuthMethods = new Set(['private_key_jwt', 'client_secret_post', 'client_secret_basic']);

/** A `ClientAuth` from `@onbehalf/core` (`privateKeyJwt`, `clientSecretPost`, ...), kept as is. */
const clientAuthSchema = z.custom<ClientAuth>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ClientAuth).apply === 'function' &&
    clientAuthMethods.has((value as ClientAuth).method),
  { message: 'must be a client authentication from @onbehalf/core (privateKeyJwt, ...)' },
);

/**
 * What `exchange('xaa', ...)` accepts besides the subject token.
 *
 * - `audience`: the custom authorization server's issuer, an http(s) URL (ID-JAG draft §4.3).
 * - `resource`: optional resource indicator (RFC 8707), passed through unchanged.
 * - `scope`: an array or a space-separated string; de-duplicated, order kept.
 * - `client`: a different client id and authentication to use at the custom server; by default
 *   the client's own, with the assertion made for that server's token endpoint.
 *
 * Any other key, here or inside `client`, is refused rather than silently dropped.
 */
export const crossAppAccessInputSchema = z.strictObject({
  audience: z.url({
    protocol: /^https?$/,
    error: 'must be the http(s) issuer URL of the custom authorization server',
  }),
  resource: z.string().min(1, 'must not be empty').optional(),
  scope: scopeListSchema.optional().transform((scopes) => scopes ?? []),
  client: z
    .strictObject({
      clientId: z.string().min(1, 'must not be empty'),
      auth: clientAuthSchema,
    })
    .optional(),
});

/** The parsed input `finish` works with. */
export type CrossAppAccessInput = z.output<typeof crossAppAccessInputSchema>;
