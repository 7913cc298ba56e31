import { z } from 'zod';
import type { AuthorizationServerMetadata } from './adapter.js';
import { checkEndpointUrl } from './endpoint-url.js';
import { ExchangeError } from './errors.js';
import { parseTokenResponse, validateResponse } from './parse.js';
import { isRetryableStatus, withRetries } from './retry.js';
import type { Runtime } from './token-request.js';
import { baseHeaders, type RawResponse, sendOnce } from './transport.js';

const stringList = z.array(z.string()).optional();

/** The metadata fields onbehalf reads (RFC 8414 §2); every other field is dropped. */
export const metadataSchema = z.object({
  issuer: z.string().min(1),
  token_endpoint: z.string().min(1),
  jwks_uri: z.string().optional(),
  grant_types_supported: stringList,
  token_endpoint_auth_methods_supported: stringList,
  token_endpoint_auth_signing_alg_values_supported: stringList,
  authorization_grant_profiles_supported: stringList,
});

const WELL_KNOWN = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'];
const TTL_MS = 3_600_000;
const MAX_ISSUERS = 64;

/**
 * The **resolve** step: finds an authorization server's metadata from its issuer, trying
 * OpenID Connect Discovery 1.0 §4 (`/.well-known/openid-configuration`) and then RFC 8414
 * (`/.well-known/oauth-authorization-server`), both appended to the issuer as Okta serves
 * them (also for custom servers at `/oauth2/{id}`). The metadata `issuer` must equal the
 * requested issuer byte for byte (RFC 8414 §3.3), or discovery aborts. Results are cached per
 * issuer for an hour; concurrent look-ups share one request; failures are not cached.
 */
export class Discovery {
  readonly #runtime: Runtime;
  readonly #cache = new Map<
    string,
    { expiresAt: number; metadata: Promise<AuthorizationServerMetadata> }
  >();

  constructor(runtime: Runtime) {
    this.#runtime = runtime;
  }

  /** The metadata of `issuer`, from the cache when fresh. */
  discover(issuer: string): Promise<AuthorizationServerMetadata> {
    const now = this.#runtime.clock();
    const cached = this.#cache.get(issuer);
    if (cached !== undefined && cached.expiresAt > now) return cached.metadata;
    const metadata = this.#fetch(issuer);
    this.#cache.delete(issuer);
    this.#cache.set(issuer, { expiresAt: now + TTL_MS, metadata });
    if (this.#cache.size > MAX_ISSUERS) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    metadata.catch(() => {
      if (this.#cache.get(issuer)?.metadata === metadata) this.#cache.delete(issuer);
    });
    return metadata;
  }

  async #fetch(issuer: string): Promise<AuthorizationServerMetadata> {
    checkEndpointUrl(issuer, 'issuer', 'resolve');
    const base = issuer.endsWith('/') ? issuer.slice(0, -1) : issuer;
    let last: RawResponse | undefined;
    for (const path of WELL_KNOWN) {
      const url = base + path;
      const { response } = await withRetries(
        () => sendOnce({ method: 'GET', url, headers: baseHeaders() }, this.#runtime, 'resolve'),
        this.#runtime.retry,
        this.#runtime.clock,
      );
      last = response;
      // Only a 4xx means "not served here"; a 5xx or 429 after retries is an outage or a rate
      // limit, not a reason to try the other document.
      if (response.status >= 400 && response.status < 500 && !isRetryableStatus(response.status)) {
        continue;
      }
      const body = parseTokenResponse(response, {
        kind: 'grant',
        url,
        secrets: [],
        step: 'resolve',
      });
      const metadata = validateResponse(metadataSchema, body, {
        url,
        secrets: [],
        step: 'resolve',
      });
      if (metadata.issuer !== issuer) {
        throw new ExchangeError(
          `The metadata at ${url} names a different issuer than the configured "${issuer}"`,
          { code: 'configuration', step: 'resolve' },
        );
      }
      checkEndpointUrl(metadata.token_endpoint, 'token_endpoint', 'resolve');
      return metadata;
    }
    throw new ExchangeError(`No authorization server metadata found for "${issuer}"`, {
      code: 'invalid_response',
      step: 'resolve',
      status: last?.status,
    });
  }
}
