/**
 * Child process (started with `--expose-gc`) that fills one client's cache with N credentials
 * for N users and reports the heap they hold after forced garbage collection, over IPC.
 *
 * The token endpoint answers in process: `fetch` returns a real `Response` with the instant
 * server's body, without a socket. The network plays no part in what the cache keeps, and
 * 100,000 exchanges over loopback HTTP would take minutes on a small machine.
 */
import { vaultedSecret } from '@onbehalf/adapter-secret';
import { clientSecretPost, createClient, MemoryCacheStore } from '@onbehalf/core';
import { demo } from '@onbehalf/local-org';
import { SignJWT } from 'jose';
import { closedLoop } from './closed-loop.js';
import { INSTANT_ANSWER } from './instant-server.js';
import { nowSeconds } from './jwt.js';

const [countText] = process.argv.slice(2);
const count = Number(countText);
if (!(count > 0)) throw new Error('usage: cache-memory-child <count>');
const tokenEndpoint = 'http://127.0.0.1:9/oauth2/v1/token';
const answerInProcess: typeof fetch = async () =>
  new Response(INSTANT_ANSWER, {
    status: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

function heapAfterGc(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

const store = new MemoryCacheStore({ maxEntries: count + 1000 });
const client = createClient({
  tokenEndpoint,
  clientId: demo.agentClientId,
  auth: clientSecretPost({ clientSecret: 'bench-client-secret' }),
  adapters: [vaultedSecret()],
  cache: store,
  fetch: answerInProcess,
  retry: { attempts: 1 },
});
const signingKey = new TextEncoder().encode('bench-only-hmac-key-for-made-up-id-tokens');

/** An ID token of the same claims and size as Okta's, for user `i` (made on demand). */
function idToken(i: number): Promise<string> {
  const now = nowSeconds();
  return new SignJWT({
    sub: `00u${String(i).padStart(17, '0')}`,
    name: `Bench User ${i}`,
    email: `user${i}@example.com`,
    ver: 1,
    iss: 'https://example.okta.com',
    aud: 'demo-web',
    iat: now,
    exp: now + 3600,
    jti: `ID.${i}`,
    amr: ['pwd'],
    auth_time: now,
  })
    .setProtectedHeader({ alg: 'HS256', kid: 'bench' })
    .sign(signingKey);
}

const exchange = async (i: number) =>
  client.exchange('secret', { subjectToken: await idToken(i), resource: demo.secretOrn });

// Warm every code path once so the baseline reading already holds the modules and pools.
await exchange(-1);
await client.clear();
const before = heapAfterGc();
const run = await closedLoop(count, 256, exchange);
if (run.failed > 0) throw new Error(`${run.failed} exchanges failed: ${run.firstError}`);
const after = heapAfterGc();
const rss = process.memoryUsage().rss;

process.send?.({
  type: 'cache-memory',
  count,
  cachedEntries: store.size,
  heapBytes: after - before,
  rss,
  seconds: run.seconds,
});
process.disconnect?.();
