import type { ClientAuth, ClientAuthRequest } from './client-auth.js';
import { ExchangeError } from './errors.js';
import { ensureSingleCredential } from './single-credential.js';

/** Options of `clientSecretPost` and `clientSecretBasic`. */
export interface ClientSecretOptions {
  /** The client secret issued by the authorization server. */
  readonly clientSecret: string;
}

function checkSecret(options: ClientSecretOptions, method: string): string {
  const secret = (options as Partial<ClientSecretOptions> | undefined)?.clientSecret;
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new ExchangeError(`${method}: "clientSecret" must be a non-empty string`, {
      code: 'configuration',
      step: 'authenticate',
    });
  }
  return secret;
}

/**
 * `client_secret_post` (RFC 6749 §2.3.1): `client_id` and `client_secret` in the form body.
 * The secret lives in a closure, never on the returned object.
 */
export function clientSecretPost(options: ClientSecretOptions): ClientAuth {
  const secret = checkSecret(options, 'clientSecretPost');
  return {
    method: 'client_secret_post',
    async apply(request: ClientAuthRequest): Promise<void> {
      ensureSingleCredential(request);
      request.form.set('client_id', request.clientId);
      request.form.set('client_secret', secret);
    },
  };
}

/** `application/x-www-form-urlencoded` encoding of one value, as RFC 6749 §2.3.1 requires. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

/**
 * `client_secret_basic` (RFC 6749 §2.3.1): HTTP Basic with the form-encoded client id and
 * secret. The secret lives in a closure, never on the returned object.
 */
export function clientSecretBasic(options: ClientSecretOptions): ClientAuth {
  const secret = checkSecret(options, 'clientSecretBasic');
  return {
    method: 'client_secret_basic',
    async apply(request: ClientAuthRequest): Promise<void> {
      ensureSingleCredential(request);
      const pair = `${formEncode(request.clientId)}:${formEncode(secret)}`;
      request.headers.set('authorization', `Basic ${Buffer.from(pair).toString('base64')}`);
    },
  };
}
