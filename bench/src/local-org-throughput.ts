import { demo } from '@onbehalf/local-org';
import { createLocalJWKSet, importJWK, type JWK, jwtVerify } from 'jose';
import { clientCredentialsBodies, secretExchangeBodies } from './forms.js';
import { clientAssertion, type SigningKey } from './jwt.js';
import { type LoadResult, postForms } from './load.js';
import { cpuCost, figuresOf, median } from './measure.js';
import type { OrgProcess } from './org-process.js';
import type { Profile } from './profile.js';
import { num, type Row, ratio } from './report.js';

function checkRun(side: string, run: LoadResult): void {
  if (run.ok !== run.total || run.errors > 0) {
    throw new Error(
      `${side}: ${run.ok} of ${run.total} requests answered 200 (${run.non2xx} non-2xx, ` +
        `${run.errors} errors)`,
    );
  }
}

/**
 * Local-org throughput: hop-1 token exchanges for the demo secret (ES256 `private_key_jwt`, an
 * ID token from the real sign-in flow), versus oidc-provider's client-credentials grant with
 * the same client authentication, each under the same HTTP load. Target ratio ≥ 0.7.
 * Returns both rates per second too, for the crypto floor figure.
 */
export async function localOrgThroughputFigure(
  profile: Profile,
  org: OrgProcess,
  key: SigningKey,
  subjectToken: string,
): Promise<{ row: Row; exchangesPerSecond: number; baselinePerSecond: number }> {
  const baselineEndpoint = org.baselineTokenEndpoint;
  if (baselineEndpoint === undefined) throw new Error('the org host runs no baseline');
  const ours = async (count: number) =>
    postForms(
      org.tokenEndpoint,
      await secretExchangeBodies(key, org.tokenEndpoint, subjectToken, count),
      profile.connections,
    );
  const baseline = async (count: number) =>
    postForms(
      baselineEndpoint,
      await clientCredentialsBodies(key, baselineEndpoint, count),
      profile.connections,
    );

  const warm = Math.min(200, profile.throughputRequests);
  const calibration = await ours(warm);
  checkRun('local-org warm-up', calibration);
  checkRun('baseline warm-up', await baseline(warm));
  // Each measured run lasts about `runSeconds` at the warm-up's pace, within the profile's cap.
  const count = Math.round(
    Math.min(
      profile.throughputRequests,
      Math.max(warm, calibration.requestsPerSecond * profile.runSeconds),
    ),
  );
  const oursRuns: number[] = [];
  const baselineRuns: number[] = [];
  for (let round = 0; round < profile.rounds; round += 1) {
    const order = round % 2 === 0 ? ['ours', 'baseline'] : ['baseline', 'ours'];
    for (const side of order) {
      const run = side === 'ours' ? await ours(count) : await baseline(count);
      checkRun(side, run);
      (side === 'ours' ? oursRuns : baselineRuns).push(run.requestsPerSecond);
    }
  }
  const o = median(oursRuns);
  const b = median(baselineRuns);
  const r = o / b;
  return {
    exchangesPerSecond: o,
    baselinePerSecond: b,
    row: {
      figure: 'local-org throughput',
      ours: `${num(o)} exchanges/s`,
      baseline: `${num(b)} grants/s`,
      ratio: ratio(r),
      target: 'ratio ≥ 0.7',
      met: r >= 0.7 ? 'yes' : 'no',
      values: {
        oursPerSecond: o,
        baselinePerSecond: b,
        ratio: r,
        rounds: profile.rounds,
        requestsPerRun: count,
      },
      notes:
        `median of ${profile.rounds} round${profile.rounds === 1 ? '' : 's'} of ${num(count)} requests per side over ` +
        `${profile.connections} keep-alive connections (autocannon), bodies signed beforehand; ` +
        'server in a child process. Baseline: a plain `oidc-provider` in the same process as ' +
        'local-org, client-credentials grant, same client and ES256 key, since local-org does ' +
        'not offer that grant.',
    },
  };
}

/**
 * The crypto floor of one secret exchange: the in-process CPU cost of the signature checks it
 * needs — the ES256 client assertion and the RS256 ID token — made with jose on the same tokens
 * and keys, with as many checks in flight as the load has connections. Floor = 1 ÷ (cost of
 * both). Target: local-org reaches ≥ 40 % of it. The same is worked out for the baseline grant
 * (one assertion check), to show how much of the gap the server framework alone leaves.
 */
export async function cryptoFloorFigure(
  profile: Profile,
  org: OrgProcess,
  key: SigningKey,
  subjectToken: string,
  throughput: { readonly exchangesPerSecond: number; readonly baselinePerSecond: number },
): Promise<Row> {
  const assertion = await clientAssertion(key, demo.agentClientId, org.tokenEndpoint);
  const agentPublic = await importJWK(key.publicJwk, 'ES256');
  const orgJwks = (await (await fetch(new URL('/oauth2/v1/keys', org.issuer))).json()) as {
    keys: JWK[];
  };
  const orgKeySet = createLocalJWKSet(orgJwks);

  const costs = await cpuCost(
    [
      {
        name: 'assertion',
        fn: () =>
          jwtVerify(assertion, agentPublic, {
            algorithms: ['ES256'],
            audience: org.tokenEndpoint,
            issuer: demo.agentClientId,
          }),
      },
      {
        name: 'id token',
        fn: () =>
          jwtVerify(subjectToken, orgKeySet, {
            algorithms: ['RS256'],
            issuer: org.issuer,
            clockTolerance: 30,
          }),
      },
    ],
    { rounds: profile.rounds, timeMs: profile.benchTimeMs, concurrency: profile.connections },
  );
  const a = figuresOf(costs, 'assertion');
  const t = figuresOf(costs, 'id token');
  const floor = 1e6 / (a.cpuMicros + t.cpuMicros);
  const r = throughput.exchangesPerSecond / floor;
  const baselineFloor = 1e6 / a.cpuMicros;
  const baselineFraction = throughput.baselinePerSecond / baselineFloor;
  return {
    figure: 'local-org vs the crypto floor',
    ours: `${num(throughput.exchangesPerSecond)} exchanges/s`,
    baseline: `${num(floor)} /s floor`,
    ratio: `${num(r * 100, 1)} %`,
    target: '≥ 40 % of the floor',
    met: r >= 0.4 ? 'yes' : 'no',
    values: {
      exchangesPerSecond: throughput.exchangesPerSecond,
      floorPerSecond: floor,
      assertionCpuMicros: a.cpuMicros,
      idTokenCpuMicros: t.cpuMicros,
      assertionWallMicros: a.wallMicros,
      idTokenWallMicros: t.wallMicros,
      fraction: r,
      baselinePerSecond: throughput.baselinePerSecond,
      baselineFloorPerSecond: baselineFloor,
      baselineFraction,
    },
    notes:
      `floor = 1 ÷ (ES256 assertion check ${num(a.cpuMicros, 1)} µs + RS256 ID token check ` +
      `${num(t.cpuMicros, 1)} µs of CPU, ${profile.connections} checks in flight); a secret ` +
      'exchange signs nothing. The baseline grant, which checks the assertion only, reaches ' +
      `${num(baselineFraction * 100, 1)} % of its own floor (${num(baselineFloor)} /s).`,
  };
}
