import { type IdTokenIssuer, RESOURCE, secretClient } from './core-fixture.js';
import type { InstantServer } from './instant-server.js';
import { interleave } from './measure.js';
import type { Profile } from './profile.js';
import { num, type Row } from './report.js';

/**
 * Cache hit: `exchange()` answered from the default in-memory cache. Target ≥ 200,000 ops/s on
 * one core and p99 ≤ 50 µs. No baseline: the alternative is not caching at all.
 */
export async function cacheHitFigure(
  profile: Profile,
  server: InstantServer,
  tokens: IdTokenIssuer,
): Promise<Row> {
  const client = secretClient(server.tokenEndpoint);
  const subjectToken = await tokens.issue(1);
  await client.exchange('secret', { subjectToken, resource: RESOURCE });
  server.resetCount();

  const figures = await interleave(
    [
      {
        name: 'cache hit',
        fn: () => client.exchange('secret', { subjectToken, resource: RESOURCE }),
      },
    ],
    { rounds: profile.rounds, timeMs: profile.benchTimeMs },
  );
  const hit = figures.get('cache hit');
  if (hit === undefined) throw new Error('cache hit not measured');
  if (server.requests !== 0) {
    throw new Error(`cache hit figure reached the server ${server.requests} times`);
  }
  const met = hit.opsPerSecond >= 200_000 && hit.p99Micros <= 50;
  return {
    figure: 'cache hit',
    ours: `${num(hit.opsPerSecond)} ops/s, p99 ${num(hit.p99Micros, 1)} µs`,
    baseline: '–',
    ratio: '–',
    target: '≥ 200,000 ops/s; p99 ≤ 50 µs',
    met: met ? 'yes' : 'no',
    values: {
      opsPerSecond: hit.opsPerSecond,
      p99Micros: hit.p99Micros,
      meanMicros: hit.meanMicros,
      samples: hit.samples,
    },
    notes:
      'one user, one secret, default `MemoryCacheStore`; the hit path validates the input, ' +
      'reads both eviction markers and the entry, and checks freshness against the clock on ' +
      'every call; no request reached the server.',
  };
}
