import { type IdTokenIssuer, RESOURCE, secretClient } from './core-fixture.js';
import type { InstantServer } from './instant-server.js';
import type { Profile } from './profile.js';
import { num, type Row } from './report.js';

/**
 * Single flight: 1,000 concurrent `exchange()` calls for one key (one user, one resource) on a
 * fresh client must reach the server exactly once. The server holds its answer for 50 ms so
 * that every call is waiting while the first one is in flight.
 */
export async function singleFlightFigure(
  profile: Profile,
  server: InstantServer,
  tokens: IdTokenIssuer,
): Promise<Row> {
  const client = secretClient(server.tokenEndpoint);
  const subjectToken = await tokens.issue(3);
  server.setDelay(50);
  server.resetCount();
  let results: unknown[];
  try {
    results = await Promise.all(
      Array.from({ length: profile.singleFlightCallers }, () =>
        client.exchange('secret', { subjectToken, resource: RESOURCE }),
      ),
    );
  } finally {
    server.setDelay(0);
  }
  const upstream = server.requests;
  const distinct = new Set(results).size;
  return {
    figure: 'single flight',
    ours: `${num(upstream)} upstream request(s) for ${num(results.length)} callers`,
    baseline: '–',
    ratio: '–',
    target: 'exactly 1 upstream request',
    met: upstream === 1 && distinct === 1 ? 'yes' : 'no',
    values: { callers: results.length, upstreamRequests: upstream, distinctCredentials: distinct },
    notes: `every caller got the same credential object (${distinct} distinct).`,
  };
}
