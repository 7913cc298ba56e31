import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defaultOrgConfig } from '@onbehalf/local-org';
import { demoAgentKey, demoIdToken } from './demo-org.js';
import { secretExchangeBodies } from './forms.js';
import { postForms } from './load.js';
import { childExecArgv, startOrgProcess } from './org-process.js';
import type { Profile } from './profile.js';
import { num, type Row } from './report.js';

const MB = 1024 * 1024;
const CACHE_TARGET_ENTRIES = 100_000;

interface CacheMemoryReply {
  type: 'cache-memory';
  count: number;
  cachedEntries: number;
  heapBytes: number;
  rss: number;
  seconds: number;
}

/**
 * Cache memory: the heap that N cached credentials hold (N = 100,000 in the full run), measured
 * in a child process after forced garbage collection, as the difference from the same client
 * with an empty cache. Target ≤ 100 MB for 100,000.
 */
export async function cacheMemoryFigure(profile: Profile): Promise<Row> {
  const script = fileURLToPath(new URL('./cache-memory-child.ts', import.meta.url));
  const count = profile.cachedCredentials;
  const child = fork(script, [String(count)], {
    execArgv: childExecArgv(),
    stdio: 'inherit',
  });
  const reply = await new Promise<CacheMemoryReply>((resolve, reject) => {
    child.once('message', (message) => resolve(message as CacheMemoryReply));
    child.once('exit', (code) => reject(new Error(`cache memory child exited with ${code}`)));
  });
  if (reply.cachedEntries < count) {
    throw new Error(`only ${reply.cachedEntries} of ${count} credentials stayed cached`);
  }
  const per100k = (reply.heapBytes / count) * CACHE_TARGET_ENTRIES;
  const scaled = count !== CACHE_TARGET_ENTRIES;
  return {
    figure: 'cache memory',
    ours: `${num(per100k / MB, 1)} MB per 100,000${scaled ? ` (scaled from ${num(count)})` : ''}`,
    baseline: '–',
    ratio: '–',
    target: '≤ 100 MB',
    met: per100k <= 100 * MB ? 'yes' : 'no',
    values: {
      credentials: count,
      heapBytes: reply.heapBytes,
      bytesPerCredential: reply.heapBytes / count,
      heapMBPer100k: per100k / MB,
      childRssMB: reply.rss / MB,
    },
    notes:
      `heap used after GC with ${num(count)} vaulted-secret credentials for as many users, ` +
      'minus the same client with an empty cache (`MemoryCacheStore` sized to hold them all; ' +
      `its default keeps 1,000); about ${num(reply.heapBytes / count)} bytes per credential. ` +
      'Filled through `exchange()` with a `fetch` that answers in process (a real `Response`, ' +
      `no socket), in ${num(reply.seconds, 1)} s.`,
  };
}

/**
 * Local-org memory: RSS of a fresh local-org process (after forced garbage collection) after
 * 10,000 and after 20,000 hop-1 secret exchanges. Targets: ≤ 200 MB, and no growth between the
 * two readings (we allow 5 % for allocator noise).
 */
export async function orgMemoryFigure(profile: Profile): Promise<Row> {
  const org = await startOrgProcess(defaultOrgConfig());
  try {
    const key = await demoAgentKey();
    const idToken = await demoIdToken(org.issuer);
    const idle = await org.memory();
    const [first, second] = profile.orgMemoryExchanges;
    const readings = [];
    let done = 0;
    for (const target of [first, second]) {
      const bodies = await secretExchangeBodies(key, org.tokenEndpoint, idToken, target - done);
      const run = await postForms(org.tokenEndpoint, bodies, profile.connections);
      if (run.ok !== run.total) {
        throw new Error(`${run.total - run.ok} of ${run.total} exchanges were not answered 200`);
      }
      done = target;
      readings.push(await org.memory());
    }
    const [a, b] = readings;
    if (a === undefined || b === undefined) throw new Error('missing memory readings');
    const growth = (b.rss - a.rss) / a.rss;
    const met = a.rss <= 200 * MB && b.rss <= 200 * MB && growth <= 0.05;
    return {
      figure: 'local-org memory',
      ours: `${num(a.rss / MB, 1)} MB after ${num(first)}, ${num(b.rss / MB, 1)} MB after ${num(second)}`,
      baseline: '–',
      ratio: `${growth >= 0 ? '+' : ''}${num(growth * 100, 1)} %`,
      target: '≤ 200 MB, no growth',
      met: met ? 'yes' : 'no',
      values: {
        idleRssMB: idle.rss / MB,
        firstExchanges: first,
        secondExchanges: second,
        firstRssMB: a.rss / MB,
        secondRssMB: b.rss / MB,
        firstHeapMB: a.heapUsed / MB,
        secondHeapMB: b.heapUsed / MB,
        growth,
      },
      notes:
        `RSS after GC; idle ${num(idle.rss / MB, 1)} MB; heap ${num(a.heapUsed / MB, 1)} → ` +
        `${num(b.heapUsed / MB, 1)} MB. "No growth" allows 5 %. The audit log keeps its last ` +
        '10,000 records in memory by design.',
    };
  } finally {
    await org.stop();
    await org.cleanUp();
  }
}
