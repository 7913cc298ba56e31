import { KeyObject as NodeKeyObject, randomUUID } from 'node:crypto';
import { type CryptoKey, importJWK, type JWK, type KeyObject, SignJWT } from 'jose';
import type { ClientAuth, ClientAuthRequest } from './client-auth.js';
import { ClientAssertionType } from './constants.js';
import { ExchangeError } from './errors.js';
import { safeCause } from './safe-cause.js';
import { ensureSingleCredential } from './single-credential.js';

/** Asymmetric JWS algorithms accepted for client assertions (RFC 7518 §3.1, RFC 8037 §3.1). */
export const ASSERTION_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

/** One of `ASSERTION_ALGORITHMS`. */
export type AssertionAlgorithm = (typeof ASSERTION_ALGORITHMS)[number];

/** The protected header of a client assertion. */
export interface AssertionHeader {
  readonly alg: AssertionAlgorithm;
  readonly kid: string;
  readonly typ: 'JWT';
}

/** The claims of a client assertion (RFC 7523 §3). */
export interface AssertionClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string;
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
}

/** Signs a client assertion elsewhere (a KMS or HSM) and returns the compact JWS. */
export type AssertionSigner = (header: AssertionHeader, claims: AssertionClaims) => Promise<string>;

interface CommonOptions {
  /** The `kid` of the registered public key. Taken from a JWK's own `kid` when omitted. */
  readonly kid?: string;
  /**
   * Defaults to the JWK's `alg`, else the key's natural algorithm (RSA → RS256, P-256 → ES256).
   * Must fit the key: checked when `privateKeyJwt` is called.
   */
  readonly alg?: AssertionAlgorithm;
  /**
   * The assertion `aud`: the exact token endpoint being called (default, what Okta requires) or
   * the issuer of the server being called.
   */
  readonly audience?: 'token-endpoint' | 'issuer';
  /** Assertion lifetime in seconds: 1 to 300. Defaults to 120. */
  readonly lifetimeSeconds?: number;
}

/**
 * A private key: a JWK, a Node.js `KeyObject` or a Web Crypto `CryptoKey`. The two key classes
 * are typed structurally, as `jose` types them, so the declarations need no `@types/node`; the
 * key is checked at run time when `privateKeyJwt` is called.
 */
export type PrivateKeyInput = JWK | KeyObject | CryptoKey;

/** Options of `privateKeyJwt`: a local private key, or a signer callback. */
export type PrivateKeyJwtOptions =
  | (CommonOptions & { readonly key: PrivateKeyInput; readonly sign?: undefined })
  | (CommonOptions & {
      readonly sign: AssertionSigner;
      readonly kid: string;
      readonly alg: AssertionAlgorithm;
      readonly key?: undefined;
    });

function configurationError(message: string, cause?: unknown): ExchangeError {
  return new ExchangeError(`privateKeyJwt: ${message}`, {
    code: 'configuration',
    step: 'authenticate',
    cause: safeCause(cause),
  });
}

const RSA_ALGORITHMS: readonly AssertionAlgorithm[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
];
const PSS_ALGORITHMS: readonly AssertionAlgorithm[] = ['PS256', 'PS384', 'PS512'];
const CURVE_ALGORITHMS: Record<string, AssertionAlgorithm> = {
  'P-256': 'ES256',
  'P-384': 'ES384',
  'P-521': 'ES512',
  prime256v1: 'ES256',
  secp384r1: 'ES384',
  secp521r1: 'ES512',
};

function curveAlgorithms(curve: string | undefined): readonly AssertionAlgorithm[] {
  const alg = curve === undefined ? undefined : CURVE_ALGORITHMS[curve];
  return alg === undefined ? [] : [alg];
}

/**
 * The algorithms a key can sign with (RFC 7518 §3.1, RFC 8037 §3.1), its natural one first;
 * empty for a key type no assertion algorithm fits. A Web Crypto RSA key is bound to one hash.
 */
function keyAlgorithms(key: PrivateKeyInput): readonly AssertionAlgorithm[] {
  if (key instanceof NodeKeyObject) {
    const type = key.asymmetricKeyType;
    if (type === 'rsa') return RSA_ALGORITHMS;
    if (type === 'rsa-pss') return PSS_ALGORITHMS;
    if (type === 'ed25519') return ['EdDSA'];
    return type === 'ec' ? curveAlgorithms(key.asymmetricKeyDetails?.namedCurve) : [];
  }
  if (isCryptoKey(key)) {
    const algorithm = key.algorithm as {
      name: string;
      namedCurve?: string;
      hash?: { name?: string };
    };
    const bits = algorithm.hash?.name?.replace('SHA-', '');
    if (algorithm.name === 'RSASSA-PKCS1-v1_5') return [`RS${bits}` as AssertionAlgorithm];
    if (algorithm.name === 'RSA-PSS') return [`PS${bits}` as AssertionAlgorithm];
    if (algorithm.name === 'Ed25519') return ['EdDSA'];
    return algorithm.name === 'ECDSA' ? curveAlgorithms(algorithm.namedCurve) : [];
  }
  const jwk = key as JWK;
  if (jwk.kty === 'RSA') return RSA_ALGORITHMS;
  if (jwk.kty === 'OKP') return jwk.crv === 'Ed25519' ? ['EdDSA'] : [];
  return jwk.kty === 'EC' ? curveAlgorithms(jwk.crv) : [];
}

function isCryptoKey(value: unknown): value is CryptoKey {
  return typeof globalThis.CryptoKey !== 'undefined' && value instanceof globalThis.CryptoKey;
}

function checkPrivate(key: PrivateKeyInput): void {
  if (isKeyInstance(key)) {
    if (key.type !== 'private') throw configurationError('"key" must be a private key');
    return;
  }
  if (typeof key !== 'object' || key === null || typeof key.kty !== 'string') {
    throw configurationError('"key" must be a private JWK, a KeyObject or a CryptoKey');
  }
  if (key.kty === 'oct' || typeof key.d !== 'string') {
    throw configurationError('"key" must be the private half of an asymmetric key');
  }
}

/**
 * `private_key_jwt` client authentication (RFC 7523 §2.2 and §3, OpenID Connect Core §9):
 * a JWT with `iss` = `sub` = the client id, a single `aud` (the exact token endpoint by
 * default, or the issuer), a fresh `jti`, `iat` now and a short `exp`, signed with the
 * client's private key or by a signer callback. A new assertion is made for every HTTP
 * attempt, retries included.
 *
 * @example privateKeyJwt({ key: privateJwk, kid: 'agent-key', alg: 'ES256' })
 */
export function privateKeyJwt(options: PrivateKeyJwtOptions): ClientAuth {
  const audience = options.audience ?? 'token-endpoint';
  const lifetime = options.lifetimeSeconds ?? 120;
  if (audience !== 'token-endpoint' && audience !== 'issuer') {
    throw configurationError('"audience" must be "token-endpoint" or "issuer"');
  }
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > 300) {
    throw configurationError('"lifetimeSeconds" must be an integer from 1 to 300');
  }
  const sign = options.sign ?? localSigner(options);
  const kid =
    options.kid ?? (options.key && !isKeyInstance(options.key) ? options.key.kid : undefined);
  if (typeof sign !== 'function') throw configurationError('"sign" must be a function');
  if (typeof kid !== 'string' || kid.length === 0) {
    throw configurationError('"kid" must be a non-empty string');
  }
  const alg = chooseAlgorithm(options);

  return {
    method: 'private_key_jwt',
    async apply(request: ClientAuthRequest): Promise<void> {
      ensureSingleCredential(request);
      const aud = audience === 'issuer' ? request.issuer : request.tokenEndpoint;
      if (aud === undefined) {
        throw configurationError('"audience: issuer" needs a client built with an issuer');
      }
      const iat = Math.floor(request.now / 1000);
      const claims: AssertionClaims = {
        iss: request.clientId,
        sub: request.clientId,
        aud,
        jti: randomUUID(),
        iat,
        exp: iat + lifetime,
      };
      let assertion: string;
      try {
        assertion = await sign({ alg, kid, typ: 'JWT' }, claims);
      } catch (error) {
        throw configurationError('signing the client assertion failed', error);
      }
      if (typeof assertion !== 'string' || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(assertion)) {
        throw configurationError('the signer did not return a compact JWS');
      }
      request.form.set('client_assertion_type', ClientAssertionType.jwtBearer);
      request.form.set('client_assertion', assertion);
    },
  };
}

/**
 * The assertion `alg`: given, else the JWK's own, else the key's natural one. It must fit the
 * key, so a mismatch is a configuration error when `privateKeyJwt` is called.
 */
function chooseAlgorithm(options: PrivateKeyJwtOptions): AssertionAlgorithm {
  const key = options.key;
  const fits = key === undefined ? undefined : keyAlgorithms(key);
  const jwkAlg = key !== undefined && !isKeyInstance(key) ? key.alg : undefined;
  const alg = options.alg ?? jwkAlg ?? fits?.[0];
  if (alg === undefined || !(ASSERTION_ALGORITHMS as readonly string[]).includes(alg)) {
    throw configurationError(`"alg" must be one of ${ASSERTION_ALGORITHMS.join(', ')}`);
  }
  if (fits !== undefined && !fits.includes(alg as AssertionAlgorithm)) {
    throw configurationError(`"alg" ${alg} does not fit the key`);
  }
  if (jwkAlg !== undefined && jwkAlg !== alg) {
    throw configurationError(`"alg" ${alg} differs from the JWK's own "alg"`);
  }
  return alg as AssertionAlgorithm;
}

/** A `KeyObject` or `CryptoKey` instance, checked at run time (their types are structural). */
function isKeyInstance(key: PrivateKeyInput): key is KeyObject | CryptoKey {
  return key instanceof NodeKeyObject || isCryptoKey(key);
}

function localSigner(options: CommonOptions & { readonly key?: PrivateKeyInput }) {
  const key = options.key;
  if (key === undefined) throw configurationError('pass either "key" or "sign"');
  checkPrivate(key);
  let imported: Promise<CryptoKey | KeyObject | Uint8Array> | undefined;
  return async (header: AssertionHeader, claims: AssertionClaims): Promise<string> => {
    imported ??= isKeyInstance(key) ? Promise.resolve(key) : importJWK(key, header.alg);
    const signingKey = await imported.catch((error: unknown) => {
      imported = undefined;
      throw error;
    });
    return new SignJWT({ ...claims }).setProtectedHeader({ ...header }).sign(signingKey);
  };
}
