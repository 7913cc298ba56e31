import { privateKeyJwt } from '@onbehalf/core';
import { demo } from '@onbehalf/local-org';
import { generateKeyPair, SignJWT } from 'jose';

/** The demo agent's client id in the default local org. */
export const DEMO_AGENT = 'wlp-demo-agent';

/** The demo agent's `private_key_jwt` authentication. */
export function demoAuth() {
  return privateKeyJwt({ key: demo.agentPrivateJwk, kid: 'demo-agent-key', alg: 'ES256' });
}

/** A settable clock for the client, starting at the real time. */
export function testClock(start = Date.now()) {
  let now = start;
  return {
    now: () => now,
    set: (ms: number) => {
      now = ms;
    },
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
  };
}

/** An ID-token-shaped JWT for the misbehaving org doubles, which do not check it. */
export async function forgeIdToken(issuer: string, subject = '00u-demo'): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: issuer, sub: subject, aud: 'demo-web', iat: now, exp: now + 3600 })
    .setProtectedHeader({ alg: 'ES256', kid: 'double-key' })
    .sign(privateKey);
}
