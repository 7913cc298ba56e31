import { expiresInSchema, tokenTypeSchema } from '@onbehalf/core';
import { ID_JAG_TOKEN_TYPE } from '@onbehalf/id-jag';
import { z } from 'zod';

/**
 * Hop 1 success at the org (RFC 8693 §2.2.1, ID-JAG draft §4.3): the ID-JAG in `access_token`,
 * `issued_token_type` id-jag, `token_type` `N_A` (Okta also documents `Bearer`; both accepted,
 * any case).
 */
export const idJagResponseSchema = z.object({
  issued_token_type: z.literal(ID_JAG_TOKEN_TYPE),
  token_type: tokenTypeSchema('N_A', 'Bearer'),
  access_token: z.string().min(1),
  expires_in: expiresInSchema.optional(),
  scope: z.string().optional(),
});

/**
 * Hop 2 success at the custom authorization server (RFC 6749 §5.1, RFC 7523 §2.1): an access
 * token of type `Bearer` or `DPoP` (any case); `N_A` or anything else is refused.
 */
export const accessTokenResponseSchema = z.object({
  token_type: tokenTypeSchema('Bearer', 'DPoP'),
  access_token: z.string().min(1),
  expires_in: expiresInSchema.optional(),
  scope: z.string().optional(),
});
