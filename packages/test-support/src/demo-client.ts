import {
  type AnyAdapter,
  type Client,
  type ClientOptions,
  createClient,
  privateKeyJwt,
} from '@onbehalf/core';
import { demo } from '@onbehalf/local-org';

/** The demo agent's client id in the default local org. */
export const DEMO_AGENT = 'wlp-demo-agent';

/** The demo agent's `private_key_jwt` authentication (RFC 7523 section 2.2). */
export function demoAuth() {
  return privateKeyJwt({ key: demo.agentPrivateJwk, kid: 'demo-agent-key', alg: 'ES256' });
}

/** Client options a test may set on top of the demo agent's issuer, id and authentication. */
export type DemoClientOptions = Omit<
  ClientOptions,
  'issuer' | 'tokenEndpoint' | 'clientId' | 'auth' | 'adapters'
>;

/**
 * A client for the demo agent at `issuer` (a local org or an org double), authenticating with
 * `private_key_jwt`, with `adapters` and any other `options` the test sets.
 */
export function demoClient<const Adapters extends readonly AnyAdapter[]>(
  issuer: string,
  adapters: Adapters,
  options: DemoClientOptions = {},
): Client<Adapters[number]> {
  return createClient({ ...options, issuer, clientId: DEMO_AGENT, auth: demoAuth(), adapters });
}

/** A settable clock for the client, in milliseconds since the epoch. */
export interface TestClock {
  now(): number;
  /** Moves the clock forward by `seconds`. */
  advance(seconds: number): void;
  /** Sets the clock to `ms`. */
  set(ms: number): void;
}

/** A settable clock for the client, starting at `start` (by default the real time). */
export function testClock(start = Date.now()): TestClock {
  let now = start;
  return {
    now: () => now,
    advance: (seconds) => {
      now += seconds * 1000;
    },
    set: (ms) => {
      now = ms;
    },
  };
}
