import { randomUUID } from 'node:crypto';
import { demo } from '@onbehalf/local-org';
import { CLIENT_ID, type IdTokenIssuer, RESOURCE, secretClient } from './core-fixture.js';
import type { InstantServer } from './instant-server.js';
import { clientAssertion, keyFromJwk } from './jwt.js';
import { median } from './measure.js';
import type { Profile } from './profile.js';
import { num, type Row, ratio } from './report.js';

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/**
 * Fan-out: 1,000 concurrent exchanges for 1,000 different users on a fresh client (every one a
 * cache miss), versus 1,000 concurrent raw `fetch` POSTs to the same server, each with its own
 * ES256 signature as a hand-written client needs. Wall time of the batch; target ratio ≤ 1.3.
 */
export async function fanOutFigure(
  profile: Profile,
  server: InstantServer,
  tokens: IdTokenIssuer,
): Promise<Row> {
  const users = profile.fanOutUsers;
  const subjectTokens: string[] = [];
  for (let i = 0; i < users; i += 1) subjectTokens.push(await tokens.issue(10_000 + i));
  const key = await keyFromJwk({ ...demo.agentPrivateJwk });

  const ours = async () => {
    const client = secretClient(server.tokenEndpoint);
    await Promise.all(
      subjectTokens.map((subjectToken) =>
        client.exchange('secret', { subjectToken, resource: RESOURCE }),
      ),
    );
  };
  const baseline = async () => {
    await Promise.all(
      subjectTokens.map(async (subjectToken) => {
        const assertion = await clientAssertion(key, CLIENT_ID, server.tokenEndpoint, {
          claims: { jti: randomUUID() },
        });
        const response = await fetch(server.tokenEndpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body: new URLSearchParams({
            grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
            subject_token: subjectToken,
            subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
            requested_token_type: 'urn:okta:params:oauth:token-type:vaulted-secret',
            resource: RESOURCE,
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            client_assertion: assertion,
          }),
        });
        await response.json();
      }),
    );
  };

  // One unmeasured batch of each to warm connections and compiled code.
  await ours();
  await baseline();
  const oursMs: number[] = [];
  const baselineMs: number[] = [];
  const rounds = Math.max(profile.rounds, 1) * 2;
  for (let round = 0; round < rounds; round += 1) {
    if (round % 2 === 0) {
      oursMs.push(await timed(ours));
      baselineMs.push(await timed(baseline));
    } else {
      baselineMs.push(await timed(baseline));
      oursMs.push(await timed(ours));
    }
  }
  const o = median(oursMs);
  const b = median(baselineMs);
  const r = o / b;
  return {
    figure: `fan-out (${num(users)} users)`,
    ours: `${num(o, 1)} ms`,
    baseline: `${num(b, 1)} ms`,
    ratio: ratio(r),
    target: 'ratio ≤ 1.3',
    met: r <= 1.3 ? 'yes' : 'no',
    values: { users, oursMedianMs: o, baselineMedianMs: b, ratio: r, rounds },
    notes: `median wall time of ${rounds} batches each; the server answers at once.`,
  };
}
