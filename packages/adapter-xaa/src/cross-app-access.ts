import {
  credentialExpiry,
  defineAdapter,
  ExchangeError,
  GrantType,
  protectCredential,
} from '@onbehalf/core';
import { ID_JAG_TOKEN_TYPE } from '@onbehalf/id-jag';
import { decodeJwt } from 'jose';
import { checkIdJag } from './check-id-jag.js';
import type { CrossAppAccessCredential } from './credential.js';
import { crossAppAccessInputSchema } from './input.js';
import { accessTokenResponseSchema, idJagResponseSchema } from './responses.js';
import { isNarrowed, isWidened, joinScopes, splitScopes } from './scope.js';

/** Options of the Cross App Access adapter. */
export interface CrossAppAccessOptions {
  /**
   * Seconds of clock skew tolerated when checking that the ID-JAG has not expired before it is
   * sent on. Default 0: the client's clock decides.
   */
  readonly clockToleranceSeconds?: number;
}

/**
 * The Cross App Access adapter, named `xaa`: trades the user's ID token for an access token at a
 * custom authorization server, in two hops.
 *
 * 1. At the org: token exchange (RFC 8693 §2.1) for an ID-JAG
 *    (`requested_token_type=urn:ietf:params:oauth:token-type:id-jag`) with `audience` = the custom
 *    server's issuer, and `resource` and `scope` when given (ID-JAG draft §4.3).
 * 2. The ID-JAG is decoded, not trusted, and checked (`typ`, `alg`, `aud`, `client_id`, `exp`);
 *    only then is it sent to the custom server's token endpoint, found by discovery, as a
 *    JWT-bearer grant (RFC 7523 §2.1, ID-JAG draft §4.4) without a `scope` parameter.
 *
 * What is cached is the access token; the ID-JAG is single-use and is never cached or logged.
 *
 * @example
 * const client = createClient({ issuer, clientId, auth, adapters: [crossAppAccess()] });
 * const { accessToken } = await client.exchange('xaa', {
 *   subjectToken: idToken,
 *   audience: 'https://example.okta.com/oauth2/aus123',
 *   scope: ['todo.read'],
 * });
 */
export function crossAppAccess(options: CrossAppAccessOptions = {}) {
  const clockToleranceSeconds = options.clockToleranceSeconds ?? 0;
  if (!Number.isFinite(clockToleranceSeconds) || clockToleranceSeconds < 0) {
    throw new ExchangeError('"clockToleranceSeconds" must be a non-negative number of seconds', {
      code: 'configuration',
      step: 'build',
    });
  }

  return defineAdapter({
    name: 'xaa',
    requestedTokenType: ID_JAG_TOKEN_TYPE,
    input: crossAppAccessInputSchema,
    form: (input) => ({
      audience: input.audience,
      resource: input.resource,
      scope: joinScopes(input.scope),
    }),
    // The identity used at the custom server shapes the access token too.
    cacheKey: (input) => [input.client?.clientId ?? ''],
    response: idJagResponseSchema,

    async finish(hop1, context): Promise<CrossAppAccessCredential> {
      const { input } = context;
      const idJag = hop1.access_token;

      const checked = checkIdJag(idJag, {
        audience: input.audience,
        clientId: input.client?.clientId ?? context.clientId,
        now: context.now(),
        clockToleranceSeconds,
      });

      const metadata = await context.discover(input.audience);
      const hop2 = await context.tokenRequest({
        tokenEndpoint: metadata.token_endpoint,
        issuer: input.audience,
        form: { grant_type: GrantType.jwtBearer, assertion: idJag },
        response: accessTokenResponseSchema,
        client: input.client,
      });

      // RFC 6749 §5.1: an absent `scope` means "as requested": here, as the ID-JAG carried them.
      const scopes = splitScopes(hop2.scope ?? checked.scope);

      const credential: CrossAppAccessCredential = {
        accessToken: hop2.access_token,
        tokenType: hop2.token_type,
        expiresAt: credentialExpiry({
          expiresIn: hop2.expires_in,
          jwtExp: jwtExpiry(hop2.access_token),
          now: context.now(),
        }),
        scopes,
        requestedScopes: [...input.scope],
        narrowed: isNarrowed(input.scope, scopes),
        widened: isWidened(input.scope, scopes),
      };
      return protectCredential(credential, ['accessToken']);
    },
  });
}

/** The `exp` of an access token that is a JWT (RFC 9068), or `undefined` for an opaque one. */
function jwtExpiry(accessToken: string): number | undefined {
  try {
    const { exp } = decodeJwt(accessToken);
    return typeof exp === 'number' && Number.isFinite(exp) ? exp : undefined;
  } catch {
    return undefined;
  }
}
