import { afterEach } from 'vitest';
import { type Client, type ClientOptions, createClient, privateKeyJwt } from '../../src/index.js';
import {
  type AuthServer,
  type AuthServerOptions,
  CLIENT_ID,
  startAuthServer,
} from './auth-server.js';
import { makeKeys, recordingSleep, thingAdapter } from './fixtures.js';
import type { TestServer } from './http-server.js';

const open: TestServer[] = [];

/** Closes every server a test started. Call once at the top of a test file. */
export function closeServersAfterEach(): void {
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()));
  });
}

/** Keeps a server to be closed after the test. */
export function track<T extends TestServer>(server: T): T {
  open.push(server);
  return server;
}

/**
 * A client of the test adapter for a server the test started itself (no client authentication
 * is checked there), with a fresh key and `options` on top.
 */
export async function clientAt(issuer: string, options: Partial<ClientOptions> = {}) {
  const keys = await makeKeys();
  return createClient({
    issuer,
    clientId: CLIENT_ID,
    auth: privateKeyJwt({ key: keys.privateJwk }),
    adapters: [thingAdapter()],
    ...options,
  }) as unknown as Client<ReturnType<typeof thingAdapter>>;
}

/**
 * An authorization-server double with a fresh key pair, and a client for it with the test
 * adapter, caching off, and waits recorded instead of slept.
 */
export async function setup(
  serverOptions: AuthServerOptions = {},
  clientOptions: Partial<ClientOptions> = {},
) {
  const keys = await makeKeys();
  const as = track(await startAuthServer({ publicJwk: keys.publicJwk, ...serverOptions }));
  const recorder = recordingSleep();
  const client = createClient({
    issuer: as.issuer,
    clientId: CLIENT_ID,
    auth: privateKeyJwt({ key: keys.privateJwk }),
    adapters: [thingAdapter()],
    cache: false,
    ...clientOptions,
    retry: { sleep: recorder.sleep, ...clientOptions.retry },
  }) as unknown as Client<ReturnType<typeof thingAdapter>>;
  return { as, client, keys, waits: recorder.waits } as {
    as: AuthServer;
    client: typeof client;
    keys: typeof keys;
    waits: number[];
  };
}
