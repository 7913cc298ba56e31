import { crossAppAccess } from '@onbehalf/adapter-xaa';
import { type AnyAdapter, createClient, defineAdapter, privateKeyJwt } from '@onbehalf/core';
import { demo } from '@onbehalf/local-org';
import { z } from 'zod';
import { closedLoop, type LoopResult } from './closed-loop.js';
import { URN } from './forms.js';
import { median } from './measure.js';
import type { OrgProcess } from './org-process.js';
import type { Profile } from './profile.js';
import { num, type Row, ratio } from './report.js';

/** Hop 1 only: the ID-JAG is requested and thrown away, never redeemed. */
function hopOneOnly() {
  return defineAdapter({
    name: 'id-jag',
    requestedTokenType: URN.idJag,
    input: z.object({ audience: z.string() }),
    form: (input) => ({ audience: input.audience }),
    response: z.object({ access_token: z.string(), expires_in: z.number() }),
    finish: async (response, context) => ({
      expiresAt: new Date(context.now() + response.expires_in * 1000),
    }),
  });
}

function agentClient<const A extends readonly AnyAdapter[]>(issuer: string, adapters: A) {
  return createClient({
    issuer,
    clientId: demo.agentClientId,
    auth: privateKeyJwt({ key: { ...demo.agentPrivateJwk }, kid: demo.agentPrivateJwk.kid }),
    adapters,
    cache: false,
    retry: { attempts: 1 },
  });
}

function checkLoop(side: string, run: LoopResult): void {
  if (run.failed > 0) throw new Error(`${side}: ${run.failed} failed (${run.firstError})`);
}

/**
 * Full XAA path: both hops through `exchange('xaa')` (ID token → ID-JAG at the org, ID-JAG →
 * access token at the custom server), versus hop 1 alone through the same client, against
 * local-org in a child process. Reported, no target.
 */
export async function xaaPathFigure(
  profile: Profile,
  org: OrgProcess,
  subjectToken: string,
): Promise<Row> {
  const audience = org.customServers[demo.customServerId]?.issuer;
  if (audience === undefined) throw new Error('the org has no default custom server');
  // Two clients: an adapter's requested token type is unique within one.
  const full = agentClient(org.issuer, [crossAppAccess()]);
  const hopOne = agentClient(org.issuer, [hopOneOnly()]);
  const both = () => full.exchange('xaa', { subjectToken, audience });
  const one = () => hopOne.exchange('id-jag', { subjectToken, audience });

  const warm = Math.min(50, profile.xaaRequests);
  const calibration = await closedLoop(warm, profile.connections, both);
  checkLoop('full path warm-up', calibration);
  checkLoop('hop 1 warm-up', await closedLoop(warm, profile.connections, one));
  // Each measured run lasts about `runSeconds` at the warm-up's pace, within the profile's cap.
  const count = Math.round(
    Math.min(profile.xaaRequests, Math.max(warm, calibration.perSecond * profile.runSeconds)),
  );
  const fullRuns: number[] = [];
  const hop1: number[] = [];
  for (let round = 0; round < profile.rounds; round += 1) {
    const order = round % 2 === 0 ? [both, one] : [one, both];
    for (const operation of order) {
      const run = await closedLoop(count, profile.connections, operation);
      checkLoop(operation === both ? 'full path' : 'hop 1', run);
      (operation === both ? fullRuns : hop1).push(run.perSecond);
    }
  }
  const f = median(fullRuns);
  const h = median(hop1);
  return {
    figure: 'full XAA path',
    ours: `${num(f)} requests/s (both hops)`,
    baseline: `${num(h)} requests/s (hop 1)`,
    ratio: ratio(f / h),
    target: 'reported',
    met: 'reported',
    values: { bothHopsPerSecond: f, hopOnePerSecond: h, ratio: f / h, requestsPerRun: count },
    notes:
      `median of ${profile.rounds} round${profile.rounds === 1 ? '' : 's'} of ${num(count)} exchanges per side from ` +
      `${profile.connections} ` +
      'concurrent callers, cache off; one full path is two token requests, each with its own ' +
      'client assertion, and hop 2 verifies the ID-JAG and signs an RS256 access token.',
  };
}
