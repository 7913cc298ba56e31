import { randomUUID } from 'node:crypto';
import { demo } from '@onbehalf/local-org';
import { CLIENT_ID, type IdTokenIssuer, RESOURCE, secretClient } from './core-fixture.js';
import type { InstantServer } from './instant-server.js';
import { clientAssertion, keyFromJwk } from './jwt.js';
import { figuresOf, interleave } from './measure.js';
import type { Profile } from './profile.js';
import { num, type Row, ratio } from './report.js';

/**
 * Miss overhead: `exchange()` with the cache off, against a server that answers at once, versus
 * the least a hand-written client does — one ES256 signature and a raw `fetch` POST of the same
 * form, reading the JSON answer. Target: ours ÷ baseline (mean latency) ≤ 1.3.
 */
export async function missOverheadFigure(
  profile: Profile,
  server: InstantServer,
  tokens: IdTokenIssuer,
): Promise<Row> {
  const client = secretClient(server.tokenEndpoint, false);
  const subjectToken = await tokens.issue(2);
  const key = await keyFromJwk({ ...demo.agentPrivateJwk });
  const preSigned = await clientAssertion(key, CLIENT_ID, server.tokenEndpoint);
  const form = new URLSearchParams({
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    subject_token: subjectToken,
    subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
    requested_token_type: 'urn:okta:params:oauth:token-type:vaulted-secret',
    resource: RESOURCE,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: preSigned,
  }).toString();

  const ours = async () => {
    await client.exchange('secret', { subjectToken, resource: RESOURCE });
  };
  const baseline = async () => {
    // The signature a real client must make per request; its result is not needed here.
    await clientAssertion(key, CLIENT_ID, server.tokenEndpoint, { claims: { jti: randomUUID() } });
    const response = await fetch(server.tokenEndpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: form,
    });
    const body = (await response.json()) as { vaulted_secret?: unknown };
    if (response.status !== 200 || body.vaulted_secret === undefined) {
      throw new Error(`baseline got status ${response.status}`);
    }
  };
  await ours();
  await baseline();

  const figures = await interleave(
    [
      { name: 'ours', fn: ours },
      { name: 'baseline', fn: baseline },
    ],
    { rounds: profile.rounds, timeMs: profile.benchTimeMs },
  );
  const o = figuresOf(figures, 'ours');
  const b = figuresOf(figures, 'baseline');
  const r = o.meanMicros / b.meanMicros;
  return {
    figure: 'miss overhead',
    ours: `${num(o.meanMicros)} µs (${num(o.opsPerSecond)} ops/s)`,
    baseline: `${num(b.meanMicros)} µs (${num(b.opsPerSecond)} ops/s)`,
    ratio: ratio(r),
    target: 'ratio ≤ 1.3',
    met: r <= 1.3 ? 'yes' : 'no',
    values: {
      oursMeanMicros: o.meanMicros,
      baselineMeanMicros: b.meanMicros,
      oursP99Micros: o.p99Micros,
      baselineP99Micros: b.p99Micros,
      ratio: r,
    },
    notes:
      'mean latency of one sequential exchange, cache off, ES256 `private_key_jwt`; the server ' +
      '(same process) reads the form and answers a fixed vaulted secret.',
  };
}
