import { privateKeyJwt } from '@onbehalf/core';
import { demo } from '@onbehalf/local-org';

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
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
  };
}
