import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  type FetchImplementation,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
import { z } from 'zod';
import { cappedFetch, MAX_JWKS_BYTES } from './capped-fetch.js';

/** A `fetch` used to download a JSON Web Key Set; the global `fetch` fits. */
export type KeySetFetch = (url: string, init: RequestInit) => Promise<Response>;

/** An issuer whose key set is downloaded from `jwksUri` and cached (RFC 8414 `jwks_uri`). */
export interface RemoteTrustedIssuer {
  /** The exact `iss` of the ID-JAGs it issues. */
  issuer: string;
  /**
   * Where its JSON Web Key Set is published: `https:` (plain `http:` only on a loopback host).
   * A key set larger than 256 KiB (after content decoding) is refused.
   */
  jwksUri: string | URL;
  /**
   * After a download, how long an unknown `kid` waits before it may trigger another one.
   * Default 30 s. This bounds how often a flood of forged `kid` values can make us fetch.
   */
  cooldownSeconds?: number;
  /** How long a downloaded key set is used before it is fetched again. Default 600 s. */
  cacheMaxAgeSeconds?: number;
  /** Deadline of one download, in milliseconds. Default 5 000. */
  timeoutMs?: number;
}

/** An issuer whose public keys are given directly. */
export interface LocalTrustedIssuer {
  /** The exact `iss` of the ID-JAGs it issues. */
  issuer: string;
  /** Its public JSON Web Key Set (RFC 7517 §5); private or symmetric keys are refused. */
  jwks: JSONWebKeySet;
}

/** An identity provider whose ID-JAGs are accepted, with the keys that may sign them. */
export type TrustedIssuer = RemoteTrustedIssuer | LocalTrustedIssuer;

const publicJwkSchema = z
  .looseObject({ kty: z.string() })
  .refine((jwk) => jwk.kty !== 'oct' && !('k' in jwk), 'must not be a symmetric key')
  .refine((jwk) => !('d' in jwk), 'must be a public key (it holds a private "d")');

// The WHATWG URL parser writes IPv4 hosts in dotted decimal, so a 127/8 address always matches
// and a DNS name such as `127.0.0.1.example` never does.
const LOOPBACK_IPV4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * A key set may only come over `https:` (RFC 8414 §2 `jwks_uri`; keys fetched in clear could be
 * swapped on the way), or plain `http:` on a loopback host for a local identity provider.
 */
function isKeySetUrl(value: string | URL): boolean {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  const { hostname } = url;
  const loopback = hostname === 'localhost' || hostname === '[::1]' || LOOPBACK_IPV4.test(hostname);
  return url.protocol === 'http:' && loopback;
}

const trustedIssuerSchema = z.union([
  z.object({
    issuer: z.string().min(1),
    jwks: z.object({ keys: z.array(publicJwkSchema) }),
  }),
  z.object({
    issuer: z.string().min(1),
    jwksUri: z
      .union([z.string(), z.instanceof(URL)])
      .refine(isKeySetUrl, 'must be an https URL (http only on a loopback host)'),
    cooldownSeconds: z.number().finite().nonnegative().optional(),
    cacheMaxAgeSeconds: z.number().nonnegative().optional(),
    timeoutMs: z.number().int().positive().optional(),
  }),
]);

const trustedIssuersSchema = z
  .array(trustedIssuerSchema)
  .min(1)
  .refine(
    (list) => new Set(list.map((entry) => entry.issuer)).size === list.length,
    'each issuer may appear once',
  );

/**
 * Checks the `trustedIssuers` option; throws a `TypeError` naming the bad entry.
 */
export function validateTrustedIssuers(value: unknown): asserts value is TrustedIssuer[] {
  const result = trustedIssuersSchema.safeParse(value);
  if (result.success) return;

  const issue = result.error.issues[0];
  const path = ['trustedIssuers', ...(issue?.path ?? [])]
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : index ? `.${String(part)}` : part,
    )
    .join('');
  throw new TypeError(`${path}: ${issue?.message ?? 'invalid'}`);
}

const DEFAULT_FETCH = {};
const MAX_REMOTE_SETS = 256;
const remoteSets = new WeakMap<object, Map<string, JWTVerifyGetKey>>();
const localSets = new WeakMap<JSONWebKeySet, JWTVerifyGetKey>();

/**
 * The key set of one trusted issuer, and only that issuer: a token claiming issuer B is never
 * checked with the keys of issuer A. Remote sets are created once per issuer, URL, settings and
 * `fetch`, and reused across calls, so their cache and cooldown hold (jose refetches on an
 * unknown `kid` at most once per cooldown). `jku`, `x5u` and embedded keys are never used.
 */
export function issuerKeySet(trusted: TrustedIssuer, fetch?: KeySetFetch): JWTVerifyGetKey {
  if ('jwks' in trusted) {
    let set = localSets.get(trusted.jwks);
    if (!set) {
      set = createLocalJWKSet(trusted.jwks);
      localSets.set(trusted.jwks, set);
    }
    return set;
  }

  const uri = String(trusted.jwksUri);
  const cacheKey = JSON.stringify([
    trusted.issuer,
    uri,
    trusted.cooldownSeconds,
    trusted.cacheMaxAgeSeconds,
    trusted.timeoutMs,
  ]);
  let byKey = remoteSets.get(fetch ?? DEFAULT_FETCH);
  if (!byKey) {
    byKey = new Map();
    remoteSets.set(fetch ?? DEFAULT_FETCH, byKey);
  }

  let set = byKey.get(cacheKey);
  if (!set) {
    set = createRemoteJWKSet(new URL(uri), {
      cooldownDuration: (trusted.cooldownSeconds ?? 30) * 1000,
      cacheMaxAge: (trusted.cacheMaxAgeSeconds ?? 600) * 1000,
      timeoutDuration: trusted.timeoutMs ?? 5000,
      [customFetch]: cappedFetch(fetch, MAX_JWKS_BYTES) as FetchImplementation,
    });
    // Oldest first: a Map iterates in insertion order.
    if (byKey.size >= MAX_REMOTE_SETS) {
      const oldest = byKey.keys().next();
      if (!oldest.done) byKey.delete(oldest.value);
    }
    byKey.set(cacheKey, set);
  }
  return set;
}
