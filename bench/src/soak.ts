import { vaultedSecret } from '@onbehalf/adapter-secret';
import { serviceAccount } from '@onbehalf/adapter-service-account';
import { crossAppAccess } from '@onbehalf/adapter-xaa';
import { createClient, privateKeyJwt } from '@onbehalf/core';
import { demo, signIn } from '@onbehalf/local-org';
import {
  BAD_INPUTS,
  type BadInputContext,
  describeExpected,
  matches,
  runBadInput,
} from './bad-inputs.js';
import { orgSigningKey } from './demo-org.js';
import { startOrgProcess } from './org-process.js';
import type { Profile } from './profile.js';
import type { SoakReport } from './report.js';
import { postOversized, WireLedger } from './soak-http.js';
import { type SoakAgent, soakOrg } from './soak-org.js';

/** The longest any one request may take before it counts as hung. */
const DEADLINE_MS = 15_000;
const KINDS = ['secret', 'service-account', 'xaa'] as const;
/**
 * A JWS or JWT in compact form: a base64url JSON header (`eyJ…`) of some length, a dot, more.
 * A bare `eyJ` is no sign: one in about 26,000 of the 12-character token hashes the audit log
 * rightly carries contains it by chance.
 */
const JWT_LIKE = /eyJ[\w-]{10,}\.[\w-]{2,}/;

function agentClient(agent: SoakAgent, issuer: string, fetch: typeof globalThis.fetch) {
  return createClient({
    issuer,
    clientId: agent.clientId,
    auth: privateKeyJwt({ key: agent.key.privateJwk, kid: agent.key.kid }),
    adapters: [vaultedSecret(), serviceAccount(), crossAppAccess()],
    cache: false,
    // One attempt: a retried 5xx would hide what the soak is looking for.
    retry: { attempts: 1 },
    timeoutMs: DEADLINE_MS,
    fetch,
  });
}

/**
 * The load soak: for `profile.soakMs`, `profile.soakAgents` agents exchange continuously against
 * local-org (secret, service account and both XAA hops in turn, cache off) while a second
 * stream sends every server-side bad input of SECURITY.md in a loop. Then it checks: no 5xx,
 * nothing hung past its deadline, each bad input refused with its expected code, every good
 * exchange succeeded, no ID-JAG redeemed twice, one audit line per token request, no secret
 * in the audit log.
 */
export async function runSoak(profile: Profile): Promise<SoakReport> {
  const setup = await soakOrg(profile.soakAgents);
  const org = await startOrgProcess(setup.config);
  const ledger = new WireLedger();
  const observed = ledger.observe(DEADLINE_MS);
  try {
    // Sign-ins go through the ledger too: their token requests are audited as well.
    const idTokens: string[] = [];
    for (const user of setup.users) {
      const tokens = await signIn(org.issuer, {
        username: user.username,
        password: user.password,
        clientId: demo.webApp.clientId,
        clientSecret: demo.webApp.clientSecret,
        redirectUri: 'http://127.0.0.1:3000/callback',
        fetch: observed,
      });
      idTokens.push(tokens.idToken);
    }
    const unlinked = await signIn(org.issuer, {
      username: demo.user.username,
      password: demo.user.password,
      clientId: setup.unlinkedApp.clientId,
      clientSecret: setup.unlinkedApp.clientSecret,
      redirectUri: setup.unlinkedApp.redirectUri,
      fetch: observed,
    });

    const server = org.customServers[demo.customServerId];
    const otherServer = org.customServers[setup.otherServerId];
    const [agentA, agentB] = setup.agents;
    const firstIdToken = idTokens[0];
    if (!server || !otherServer || !agentA || !agentB || firstIdToken === undefined) {
      throw new Error('the soak org is missing a server, an agent or a user');
    }
    const ctx: BadInputContext = {
      send: observed,
      sendOversized: (url, body) => postOversized(ledger, url, body),
      orgIssuer: org.issuer,
      orgTokenEndpoint: org.tokenEndpoint,
      server,
      otherServer,
      agent: agentA,
      otherAgent: agentB,
      orgKey: await orgSigningKey(org.dataDir),
      idToken: firstIdToken,
      userId: demo.user.id,
      unlinkedIdToken: unlinked.idToken,
      unconnectedSecret: setup.unconnectedSecret,
    };

    const started = performance.now();
    const endsAt = started + profile.soakMs;
    const good = { secret: 0, 'service-account': 0, xaa: 0, failed: 0, slow: 0 };
    const goodErrors = new Map<string, number>();

    const goodAgent = async (agent: SoakAgent, index: number) => {
      const client = agentClient(agent, org.issuer, observed);
      const subjectToken = idTokens[index % idTokens.length] ?? firstIdToken;
      let turn = index;
      while (performance.now() < endsAt) {
        const kind = KINDS[turn % KINDS.length] ?? 'secret';
        turn += 1;
        const begun = performance.now();
        try {
          if (kind === 'secret') {
            const { secret } = await client.exchange('secret', {
              subjectToken,
              resource: demo.secretOrn,
            });
            if (secret.apiKey !== demo.secretValue.apiKey) throw new Error('wrong secret');
          } else if (kind === 'service-account') {
            const account = await client.exchange('service-account', {
              subjectToken,
              resource: demo.serviceAccountOrn,
            });
            if (account.username !== demo.serviceAccount.username) {
              throw new Error('wrong service account');
            }
          } else {
            const token = await client.exchange('xaa', {
              subjectToken,
              audience: server.issuer,
              scope: ['todo.read'],
            });
            if (!token.accessToken || !token.scopes.includes('todo.read')) {
              throw new Error('access token without todo.read');
            }
          }
          good[kind] += 1;
        } catch (error) {
          good.failed += 1;
          const code = (error as { code?: string }).code;
          const key = `${kind}: ${code ?? (error instanceof Error ? error.message : 'error')}`;
          goodErrors.set(key, (goodErrors.get(key) ?? 0) + 1);
        }
        if (performance.now() - begun > DEADLINE_MS) good.slow += 1;
      }
    };

    interface BadTally {
      sent: number;
      asExpected: number;
      late: number;
      got: Map<string, number>;
    }
    const bad = new Map<string, BadTally>();
    for (const input of BAD_INPUTS) {
      bad.set(input.name, { sent: 0, asExpected: 0, late: 0, got: new Map() });
    }
    let badCycles = 0;
    const badStream = async () => {
      // Every bad input at least once, then round after round until the time is up.
      do {
        for (const input of BAD_INPUTS) {
          if (input.judgeWithinMs !== undefined) {
            // Start just after a second turns: `exp` and `now` are whole seconds, so the
            // token then stays inside the skew for the whole of the time it is judged within.
            await new Promise((resolve) => setTimeout(resolve, 1010 - (Date.now() % 1000)));
          }
          const begun = performance.now();
          const answer = await runBadInput(input, ctx);
          const tookMs = performance.now() - begun;
          const entry = bad.get(input.name);
          if (entry === undefined) continue;
          entry.sent += 1;
          const late = input.judgeWithinMs !== undefined && tookMs > input.judgeWithinMs;
          let seen = `${answer.status} ${answer.error ?? ''}`.trim();
          if (matches(answer, input.expected)) entry.asExpected += 1;
          else if (late) {
            entry.late += 1;
            seen = `${seen} (late: ${Math.round(tookMs)} ms, not judged)`;
          }
          entry.got.set(seen, (entry.got.get(seen) ?? 0) + 1);
        }
        badCycles += 1;
      } while (performance.now() < endsAt);
    };

    await Promise.all([...setup.agents.map(goodAgent), badStream()]);
    const durationMs = performance.now() - started;
    await org.stop();
    const audit = await org.readAudit();

    const leakFields = new Map<string, number>();
    const secrets = [...setup.secretValues, ...idTokens, unlinked.idToken];
    const leaks = audit.filter((line) => {
      const record = JSON.parse(line) as Record<string, unknown>;
      let leaked = false;
      for (const [field, value] of Object.entries(record)) {
        const text = JSON.stringify(value);
        const secret = secrets.findIndex((v) => text.includes(v));
        if (!JWT_LIKE.test(text) && secret === -1) continue;
        leaked = true;
        // Names the field and the kind of leak, never the value.
        const what = `${field}: ${secret === -1 ? 'JWT-like text' : `secret or token #${secret}`}`;
        leakFields.set(what, (leakFields.get(what) ?? 0) + 1);
      }
      return leaked;
    }).length;
    const unparsable = audit.filter((line) => {
      try {
        JSON.parse(line);
        return false;
      } catch {
        return true;
      }
    }).length;
    const allowedRedemptions = audit.filter((line) => {
      const record = JSON.parse(line) as { grant?: string; decision?: string };
      return (
        record.grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer' &&
        record.decision === 'allow'
      );
    }).length;
    const badRows = BAD_INPUTS.map((input) => {
      const entry = bad.get(input.name) ?? { sent: 0, asExpected: 0, late: 0, got: new Map() };
      return {
        name: input.name,
        expected: describeExpected(input.expected),
        sent: entry.sent,
        asExpected: entry.asExpected,
        late: entry.late,
        got: [...entry.got].map(([answer, n]) => `${answer} ×${n}`).join(', '),
      };
    });
    const goodTotal = good.secret + good['service-account'] + good.xaa;

    const checks = [
      { check: 'no 5xx answer', passed: ledger.serverErrors === 0 },
      {
        check: `nothing hung past its ${DEADLINE_MS / 1000} s deadline`,
        passed: ledger.deadlines === 0 && good.slow === 0,
      },
      { check: 'no network error', passed: ledger.networkErrors === 0 },
      {
        check: 'each bad input refused with its expected code',
        passed: badRows.every(
          (row) => row.asExpected > 0 && row.asExpected + row.late === row.sent,
        ),
      },
      { check: 'every good exchange succeeded', passed: good.failed === 0 && goodTotal > 0 },
      {
        check: 'no ID-JAG redeemed twice',
        passed: ledger.redeemedTwice === 0 && allowedRedemptions === ledger.redeemed.size,
      },
      {
        check: 'one audit line per token request',
        passed: audit.length === ledger.tokenRequests && unparsable === 0,
      },
      { check: 'no token or secret in the audit log', passed: leaks === 0 },
    ];

    const counts: Record<string, number> = {
      agents: setup.agents.length,
      'good exchanges succeeded': goodTotal,
      'good: secret': good.secret,
      'good: service account': good['service-account'],
      'good: XAA (both hops)': good.xaa,
      'good exchanges failed': good.failed,
      'bad-input rounds': badCycles,
      'bad inputs sent': badRows.reduce((n, row) => n + row.sent, 0),
      'bad inputs answered as expected': badRows.reduce((n, row) => n + row.asExpected, 0),
      'token requests sent': ledger.tokenRequests,
      'other requests sent (discovery, sign-in)': ledger.otherRequests,
      'audit lines': audit.length,
      'audit lines with a token or secret': leaks,
      '5xx answers': ledger.serverErrors,
      'requests past the deadline': ledger.deadlines + good.slow,
      'network errors': ledger.networkErrors,
      'ID-JAGs redeemed': ledger.redeemed.size,
      'ID-JAGs redeemed twice': ledger.redeemedTwice,
      'audit: JWT-bearer grants allowed': allowedRedemptions,
    };
    for (const [key, n] of goodErrors) counts[`good failure: ${key}`] = n;
    for (const [what, n] of leakFields) counts[`audit leak in ${what}`] = n;
    return {
      durationMs,
      counts,
      badInputs: badRows,
      checks,
      passed: checks.every((c) => c.passed),
    };
  } finally {
    await org.stop();
    await org.cleanUp();
  }
}
