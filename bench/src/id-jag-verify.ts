import { ID_JAG_TYP, issueIdJag, type ReplayStore, verifyIdJag } from '@onbehalf/id-jag';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { figuresOf, interleave } from './measure.js';
import type { Profile } from './profile.js';
import { num, type Row, ratio } from './report.js';

/** Accepts every `jti`: the same token is verified many times, as jwtVerify would. */
const acceptEveryJti: ReplayStore = { consume: async () => true };

/**
 * ID-JAG verification: `verifyIdJag` versus jose's `jwtVerify` on the same RS256 token and key
 * set, with the same issuer, audience, `typ`, skew and age limits. Target ratio ≥ 0.8.
 */
export async function idJagVerifyFigure(profile: Profile): Promise<Row> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'idp-key', alg: 'RS256' }] };
  const issuer = 'https://example.okta.com';
  const audience = 'https://example.okta.com/oauth2/aus-todo';
  const clientId = 'wlp-bench-agent';
  const { jwt } = await issueIdJag({
    key: privateKey,
    kid: 'idp-key',
    issuer,
    subject: '00u-bench',
    audience,
    clientId,
    scope: ['todo.read', 'todo.write'],
    email: 'bench@example.com',
    lifetimeSeconds: 300,
  });
  const keySet = createLocalJWKSet(jwks);

  const ours = () =>
    verifyIdJag(jwt, {
      trustedIssuers: [{ issuer, jwks }],
      audience,
      clientId,
      replayStore: acceptEveryJti,
    });
  const baseline = () =>
    jwtVerify(jwt, keySet, {
      issuer,
      audience,
      typ: ID_JAG_TYP,
      algorithms: ['RS256'],
      clockTolerance: 30,
      maxTokenAge: 300,
      requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id'],
    });
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
  const r = o.opsPerSecond / b.opsPerSecond;
  return {
    figure: 'ID-JAG verification',
    ours: `${num(o.opsPerSecond)} ops/s`,
    baseline: `${num(b.opsPerSecond)} ops/s`,
    ratio: ratio(r),
    target: 'ratio ≥ 0.8',
    met: r >= 0.8 ? 'yes' : 'no',
    values: { oursOpsPerSecond: o.opsPerSecond, baselineOpsPerSecond: b.opsPerSecond, ratio: r },
    notes:
      'RS256, 2048-bit key, a local key set; `verifyIdJag` given a replay store that accepts ' +
      'every `jti` (the same token is verified again and again; the default in-memory store ' +
      'would refuse the second use), so both sides do the same work bar the claim checks.',
  };
}
