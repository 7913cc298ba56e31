import { z } from 'zod';
import type { AuthorizationServerMetadata } from './adapter.js';
import { checkEndpointUrl } from './endpoint-url.js';
import { ExchangeError } from './errors.js';
import { parseTokenResponse, validateResponse } from './parse.js';
import { isRetryableStatus, withRetries } from './retry.js';
import type { Runtime } from './token-request.js';
import { baseHeaders, sendOnce } from './transport.js';

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

const OPENID = '/.well-known/openid-configuration';
const OAUTH = '/.well-known/oauth-authorization-server';

/**
 * Which document to ask for first: an org signs users in, so it is an OpenID provider; a server
 * met in a later hop (a custom authorization server taking a JWT-bearer grant) is an OAuth
 * authorization server (RFC 8414). Both are tried either way.
 */
export type MetadataKind = 'openid' | 'oauth';

const WELL_KNOWN: Record<MetadataKind, readonly string[]> = {
  openid: [OPENID, OAUTH],
  oauth: [OAUTH, OPENID],
};
const TTL_MS = 3_600_000;
const MAX_ISSUERS = 64;

/**
 * The **resolve** step: finds an authorization server's metadata from its issuer, trying
 * OpenID Connect Discovery 1.0 §4 (`/.well-known/openid-configuration`) and RFC 8414
 * (`/.well-known/oauth-authorization-server`), in the order its {@link MetadataKind} prefers,
 * both appended to the issuer as Okta serves them (also for custom servers at `/oauth2/{id}`). The metadata `issuer` must equal the
 * requested issuer byte for byte (RFC 8414 §3.3), or discovery aborts. When both documents
 * answer 404 or 410 the issuer itself is wrong: a `configuration` error naming the URLs tried.
 * Results are cached per issuer for an hour; concurrent look-ups share one request; failures are
 * not cached.
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

  /**
   * The metadata of `issuer`, from the cache when fresh. `source` says where the issuer came
   * from, for the message when it serves no metadata at all (e.g. `the configured "issuer"`).
   */
  discover(
    issuer: string,
    source: string,
    kind: MetadataKind,
  ): Promise<AuthorizationServerMetadata> {
    const now = this.#runtime.clock();
    const cached = this.#cache.get(issuer);
    if (cached !== undefined && cached.expiresAt > now) return cached.metadata;
    const metadata = this.#fetch(issuer, source, kind);
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

  async #fetch(
    issuer: string,
    source: string,
    kind: MetadataKind,
  ): Promise<AuthorizationServerMetadata> {
    checkEndpointUrl(issuer, 'issuer', 'resolve');
    const base = issuer.endsWith('/') ? issuer.slice(0, -1) : issuer;
    const tried: { url: string; status: number }[] = [];
    for (const path of WELL_KNOWN[kind]) {
      const url = base + path;
      const { response } = await withRetries(
        () => sendOnce({ method: 'GET', url, headers: baseHeaders() }, this.#runtime, 'resolve'),
        this.#runtime.retry,
        this.#runtime.clock,
      );
      tried.push({ url, status: response.status });
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
          `The metadata at ${url} names the issuer ${showIssuer(metadata.issuer)}, not the ` +
            `configured ${showIssuer(issuer)}; they must be equal byte for byte`,
          { code: 'configuration', step: 'resolve' },
        );
      }
      checkEndpointUrl(metadata.token_endpoint, 'token_endpoint', 'resolve');
      return metadata;
    }
    throw noMetadata(issuer, source, tried);
  }
}

/**
 * Both well-known documents refused. 404 or 410 from both means nothing is served at that path,
 * so the issuer is wrong (`configuration`); any other 4xx is a server that exists but misbehaves.
 */
function noMetadata(
  issuer: string,
  source: string,
  tried: readonly { url: string; status: number }[],
): ExchangeError {
  const status = tried.at(-1)?.status;
  const answers = tried.map((t) => `${t.url} (HTTP ${t.status})`).join(', ');
  if (tried.every((t) => t.status === 404 || t.status === 410)) {
    return new ExchangeError(
      `No authorization server metadata for "${issuer}": ${answers}; check ${source}`,
      { code: 'configuration', step: 'resolve', status },
    );
  }
  return new ExchangeError(`No authorization server metadata found for "${issuer}": ${answers}`, {
    code: 'invalid_response',
    step: 'resolve',
    status,
  });
}

/**
 * An issuer as a quoted string in which every character outside printable ASCII is escaped, so
 * that two issuers differing by one invisible character also look different; capped.
 */
function showIssuer(value: string): string {
  const shown = [...value.slice(0, 200)]
    .map((char) => (/[\x20-\x7e]/.test(char) ? char : `\\u{${char.codePointAt(0)?.toString(16)}}`))
    .join('');
  return `"${shown}${value.length > 200 ? '…' : ''}"`;
}
