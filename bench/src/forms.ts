import { demo } from '@onbehalf/local-org';
import { clientAssertion, type SigningKey } from './jwt.js';

/** WIRE.md constants the load forms use. */
export const URN = {
  tokenExchange: 'urn:ietf:params:oauth:grant-type:token-exchange',
  jwtBearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  assertionType: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  idToken: 'urn:ietf:params:oauth:token-type:id_token',
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
  idJag: 'urn:ietf:params:oauth:token-type:id-jag',
  vaultedSecret: 'urn:okta:params:oauth:token-type:vaulted-secret',
  serviceAccount: 'urn:okta:params:oauth:token-type:service-account',
} as const;

/**
 * `count` form bodies for hop-1 secret exchanges by the demo agent, each with its own freshly
 * signed ES256 client assertion (a `jti` is single-use).
 */
export async function secretExchangeBodies(
  key: SigningKey,
  tokenEndpoint: string,
  subjectToken: string,
  count: number,
): Promise<string[]> {
  const bodies: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const assertion = await clientAssertion(key, demo.agentClientId, tokenEndpoint);
    bodies.push(
      new URLSearchParams({
        grant_type: URN.tokenExchange,
        subject_token: subjectToken,
        subject_token_type: URN.idToken,
        requested_token_type: URN.vaultedSecret,
        resource: demo.secretOrn,
        client_assertion_type: URN.assertionType,
        client_assertion: assertion,
      }).toString(),
    );
  }
  return bodies;
}

/** `count` client-credentials bodies (RFC 6749 §4.4) with fresh ES256 client assertions. */
export async function clientCredentialsBodies(
  key: SigningKey,
  tokenEndpoint: string,
  count: number,
): Promise<string[]> {
  const bodies: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const assertion = await clientAssertion(key, demo.agentClientId, tokenEndpoint);
    bodies.push(
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: URN.assertionType,
        client_assertion: assertion,
      }).toString(),
    );
  }
  return bodies;
}
