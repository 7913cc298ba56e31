import { randomUUID } from 'node:crypto';
import { demo } from '@onbehalf/local-org';
import { decodeJwt, type JWTPayload } from 'jose';
import { URN } from './forms.js';
import {
  clientAssertion,
  nowSeconds,
  type SigningKey,
  signJwt,
  signRaw,
  tamperSignature,
  unsignedJwt,
} from './jwt.js';
import { type Answer, post } from './soak-http.js';
import type { SoakAgent } from './soak-org.js';

/** What the soak's second stream needs to craft the bad inputs of SECURITY.md. */
export interface BadInputContext {
  /** `fetch` through the wire ledger. */
  readonly send: typeof fetch;
  /** POSTs an oversized form through the ledger (see `postOversized`). */
  readonly sendOversized: (url: string, body: string) => Promise<Answer>;
  readonly orgIssuer: string;
  readonly orgTokenEndpoint: string;
  readonly server: { readonly issuer: string; readonly tokenEndpoint: string };
  readonly otherServer: { readonly issuer: string; readonly tokenEndpoint: string };
  /** The agent the requests come from, and a second one. */
  readonly agent: SoakAgent;
  readonly otherAgent: SoakAgent;
  /** The org's own signing key: well-signed tokens with bad claims. */
  readonly orgKey: SigningKey;
  /** A valid ID token of `userId` for the demo web app, linked to every agent. */
  readonly idToken: string;
  readonly userId: string;
  /** A valid ID token issued to a web app linked to no agent. */
  readonly unlinkedIdToken: string;
  readonly unconnectedSecret: string;
}

/** The answer a bad input must get: a refusal (or, for the controls, a 200). */
export interface Expected {
  readonly status: readonly number[];
  readonly error: string | undefined;
  /** Also a refusal: the server closed the connection without reading the body. */
  readonly orClosed?: boolean;
}

/** One bad input from SECURITY.md "Bad inputs every build must survive". */
export interface BadInput {
  /** SECURITY.md item number and what is sent. */
  readonly name: string;
  readonly expected: Expected;
  /**
   * For the skew controls: the answer is judged only if it came back within this many
   * milliseconds of the token being made (a token 29 s past its `exp` is 31 s past it when a
   * loaded server answers two seconds later). A later answer is counted as late. Such an input
   * is sent just after a second turns, since `exp` and the server's clock are whole seconds.
   */
  readonly judgeWithinMs?: number;
  /** Sends it (after any setup requests) and returns the answer to judge. */
  run(ctx: BadInputContext): Promise<Answer>;
}

const refused = (status: number | number[], error: string): Expected => ({
  status: Array.isArray(status) ? status : [status],
  error,
});
const accepted: Expected = { status: [200], error: undefined };
const INVALID_CLIENT = refused(401, 'invalid_client');
const INVALID_GRANT = refused(400, 'invalid_grant');

/** Describes an expectation, e.g. `401 invalid_client`. */
export function describeExpected(expected: Expected): string {
  const answer = `${expected.status.join('/')}${expected.error ? ` ${expected.error}` : ''}`;
  return expected.orClosed ? `${answer}, or the connection closed` : answer;
}

/** Whether an answer is what was expected. */
export function matches(answer: Answer, expected: Expected): boolean {
  if (expected.orClosed && answer.status === -1 && answer.error === 'closed') return true;
  return expected.status.includes(answer.status) && answer.error === expected.error;
}

/** Thrown when a setup request of a bad input does not get its 200. */
class SetupFailed extends Error {}

function form(fields: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined) params.append(name, value);
  }
  return params.toString();
}

/** A hop-1 secret exchange by `ctx.agent`; `fields` override or (with `undefined`) remove. */
async function exchange(
  ctx: BadInputContext,
  fields: Record<string, string | undefined> = {},
  assertion?: string,
): Promise<Answer> {
  const clientAuth =
    assertion === ''
      ? {}
      : {
          client_assertion_type: URN.assertionType,
          client_assertion:
            assertion ??
            (await clientAssertion(ctx.agent.key, ctx.agent.clientId, ctx.orgTokenEndpoint)),
        };
  return post(
    ctx.send,
    ctx.orgTokenEndpoint,
    form({
      grant_type: URN.tokenExchange,
      subject_token: ctx.idToken,
      subject_token_type: URN.idToken,
      requested_token_type: URN.vaultedSecret,
      resource: demo.secretOrn,
      ...clientAuth,
      ...fields,
    }),
  );
}

/** Hop 1 for real: a fresh ID-JAG for `ctx.agent` at the todo server. */
async function realIdJag(ctx: BadInputContext): Promise<string> {
  const answer = await exchange(ctx, {
    requested_token_type: URN.idJag,
    resource: undefined,
    audience: ctx.server.issuer,
    scope: 'todo.read',
  });
  const token = answer.body?.access_token;
  if (answer.status !== 200 || typeof token !== 'string') {
    throw new SetupFailed(`hop 1 answered ${answer.status} ${answer.error ?? ''}`);
  }
  return token;
}

/** Hop 2: redeems `idJag` at `server` as `agent` (default `ctx.agent`). */
async function redeem(
  ctx: BadInputContext,
  idJag: string,
  server = ctx.server,
  agent = ctx.agent,
): Promise<Answer> {
  return post(
    ctx.send,
    server.tokenEndpoint,
    form({
      grant_type: URN.jwtBearer,
      assertion: idJag,
      client_assertion_type: URN.assertionType,
      client_assertion: await clientAssertion(agent.key, agent.clientId, server.tokenEndpoint),
    }),
  );
}

function idTokenClaims(ctx: BadInputContext, overrides: JWTPayload = {}): JWTPayload {
  const now = nowSeconds();
  // The session of the real sign-in: the org checks that an ID token's session is alive.
  const { sid } = decodeJwt(ctx.idToken);
  return {
    ...(sid === undefined ? {} : { sid }),
    iss: ctx.orgIssuer,
    sub: ctx.userId,
    aud: demo.webApp.clientId,
    iat: now - 60,
    exp: now + 600,
    auth_time: now - 60,
    ...overrides,
  };
}

function idJagClaims(ctx: BadInputContext, overrides: JWTPayload = {}): JWTPayload {
  const now = nowSeconds();
  return {
    iss: ctx.orgIssuer,
    sub: ctx.userId,
    aud: ctx.server.issuer,
    client_id: ctx.agent.clientId,
    jti: randomUUID(),
    iat: now - 60,
    exp: now + 240,
    scope: 'todo.read',
    ...overrides,
  };
}

const ID_JAG_HEADER = { typ: 'oauth-id-jag+jwt' };
/** A critical header extension no one knows (RFC 7515 §4.1.11: must be refused). */
const CRIT = { crit: ['urn:example:unknown'], 'urn:example:unknown': 1 };

/** An ID token signed by the org's own key with these claims and header. */
const forgedIdToken = (ctx: BadInputContext, claims: JWTPayload = {}, header = {}) =>
  signJwt(ctx.orgKey, idTokenClaims(ctx, claims), header);

/** An ID-JAG signed by the org's own key with these claims and header. */
const forgedIdJag = (ctx: BadInputContext, claims: JWTPayload = {}, header = {}) =>
  signJwt(ctx.orgKey, idJagClaims(ctx, claims), { ...ID_JAG_HEADER, ...header });

const withoutExp = (claims: JWTPayload): JWTPayload => {
  const { exp: _exp, ...rest } = claims;
  return rest;
};

const assertionOf = (ctx: BadInputContext, options: Parameters<typeof clientAssertion>[3]) =>
  clientAssertion(ctx.agent.key, ctx.agent.clientId, ctx.orgTokenEndpoint, options);

/**
 * Every server-side bad input of SECURITY.md (items 1 to 19), each with the answer WIRE.md and
 * SECURITY.md require, plus the controls that must be accepted (item 5's 29 s, item 9's first
 * redemption happens inside its case).
 */
export const BAD_INPUTS: readonly BadInput[] = [
  {
    name: '1 alg none: subject token',
    expected: INVALID_GRANT,
    run: (ctx) => exchange(ctx, { subject_token: unsignedJwt(idTokenClaims(ctx)) }),
  },
  {
    name: '1 alg none: client assertion',
    expected: INVALID_CLIENT,
    run: (ctx) => {
      const now = nowSeconds();
      const id = ctx.agent.clientId;
      const claims = { iss: id, sub: id, aud: ctx.orgTokenEndpoint, jti: randomUUID() };
      return exchange(ctx, {}, unsignedJwt({ ...claims, iat: now, exp: now + 300 }));
    },
  },
  {
    name: '1 alg none: ID-JAG',
    expected: INVALID_GRANT,
    run: (ctx) => redeem(ctx, unsignedJwt(idJagClaims(ctx), ID_JAG_HEADER)),
  },
  {
    name: '2 changed signature: subject token',
    expected: INVALID_GRANT,
    run: (ctx) => exchange(ctx, { subject_token: tamperSignature(ctx.idToken) }),
  },
  {
    name: '2 changed signature: client assertion',
    expected: INVALID_CLIENT,
    run: async (ctx) => exchange(ctx, {}, tamperSignature(await assertionOf(ctx, {}))),
  },
  {
    name: '2 changed signature: ID-JAG',
    expected: INVALID_GRANT,
    run: async (ctx) => redeem(ctx, tamperSignature(await realIdJag(ctx))),
  },
  {
    name: '3 kid ../../etc/passwd: client assertion',
    expected: INVALID_CLIENT,
    run: async (ctx) =>
      exchange(ctx, {}, await assertionOf(ctx, { header: { kid: '../../etc/passwd' } })),
  },
  {
    name: '3 kid of 10,000 characters: client assertion',
    expected: INVALID_CLIENT,
    run: async (ctx) =>
      exchange(ctx, {}, await assertionOf(ctx, { header: { kid: 'k'.repeat(10_000) } })),
  },
  {
    name: '3 kid ../../etc/passwd: subject token',
    expected: INVALID_GRANT,
    run: async (ctx) =>
      exchange(ctx, { subject_token: await forgedIdToken(ctx, {}, { kid: '../../etc/passwd' }) }),
  },
  {
    name: '4 unknown crit: client assertion',
    expected: INVALID_CLIENT,
    run: (ctx) => {
      const now = nowSeconds();
      const id = ctx.agent.clientId;
      const claims = { iss: id, sub: id, aud: ctx.orgTokenEndpoint, jti: randomUUID() };
      return exchange(
        ctx,
        {},
        signRaw(ctx.agent.key, { ...claims, iat: now, exp: now + 300 }, CRIT),
      );
    },
  },
  {
    name: '4 unknown crit: subject token',
    expected: INVALID_GRANT,
    run: (ctx) => exchange(ctx, { subject_token: signRaw(ctx.orgKey, idTokenClaims(ctx), CRIT) }),
  },
  {
    name: '4 unknown crit: ID-JAG',
    expected: INVALID_GRANT,
    run: (ctx) => redeem(ctx, signRaw(ctx.orgKey, idJagClaims(ctx), { ...ID_JAG_HEADER, ...CRIT })),
  },
  {
    name: '5 client assertion exp 31 s ago',
    expected: INVALID_CLIENT,
    run: async (ctx) => {
      const now = nowSeconds();
      return exchange(
        ctx,
        {},
        await assertionOf(ctx, { claims: { iat: now - 60, exp: now - 31 } }),
      );
    },
  },
  {
    name: '5 client assertion exp 29 s ago (accepted)',
    expected: accepted,
    judgeWithinMs: 900,
    run: async (ctx) => {
      const now = nowSeconds();
      return exchange(
        ctx,
        {},
        await assertionOf(ctx, { claims: { iat: now - 60, exp: now - 29 } }),
      );
    },
  },
  {
    name: '5 ID token exp 31 s ago',
    expected: INVALID_GRANT,
    run: async (ctx) =>
      exchange(ctx, { subject_token: await forgedIdToken(ctx, { exp: nowSeconds() - 31 }) }),
  },
  {
    name: '5 ID token exp 29 s ago (accepted)',
    expected: accepted,
    judgeWithinMs: 900,
    run: async (ctx) =>
      exchange(ctx, { subject_token: await forgedIdToken(ctx, { exp: nowSeconds() - 29 }) }),
  },
  {
    name: '5 ID-JAG exp 31 s ago',
    expected: INVALID_GRANT,
    run: async (ctx) => redeem(ctx, await forgedIdJag(ctx, { exp: nowSeconds() - 31 })),
  },
  {
    name: '5 ID-JAG exp 29 s ago (accepted)',
    expected: accepted,
    judgeWithinMs: 900,
    run: async (ctx) => redeem(ctx, await forgedIdJag(ctx, { exp: nowSeconds() - 29 })),
  },
  {
    name: '6 no exp: client assertion',
    expected: INVALID_CLIENT,
    run: async (ctx) => exchange(ctx, {}, await assertionOf(ctx, { omit: ['exp'] })),
  },
  {
    name: '6 no exp: subject token',
    expected: INVALID_GRANT,
    run: async (ctx) =>
      exchange(ctx, {
        subject_token: await signJwt(ctx.orgKey, withoutExp(idTokenClaims(ctx))),
      }),
  },
  {
    name: '6 no exp: ID-JAG',
    expected: INVALID_GRANT,
    run: async (ctx) =>
      redeem(ctx, await signJwt(ctx.orgKey, withoutExp(idJagClaims(ctx)), ID_JAG_HEADER)),
  },
  {
    name: '7 ID-JAG with typ JWT',
    expected: INVALID_GRANT,
    run: async (ctx) => redeem(ctx, await forgedIdJag(ctx, {}, { typ: 'JWT' })),
  },
  {
    name: '7 ID-JAG without typ',
    expected: INVALID_GRANT,
    run: async (ctx) => redeem(ctx, await signJwt(ctx.orgKey, idJagClaims(ctx))),
  },
  {
    name: '8 ID-JAG redeemed by another client',
    expected: INVALID_GRANT,
    run: async (ctx) => redeem(ctx, await realIdJag(ctx), ctx.server, ctx.otherAgent),
  },
  {
    name: '9 ID-JAG redeemed twice',
    expected: INVALID_GRANT,
    run: async (ctx) => {
      const idJag = await realIdJag(ctx);
      const first = await redeem(ctx, idJag);
      if (first.status !== 200) throw new SetupFailed(`first redemption answered ${first.status}`);
      return redeem(ctx, idJag);
    },
  },
  {
    name: '10 ID-JAG at a second custom server',
    expected: INVALID_GRANT,
    run: async (ctx) => redeem(ctx, await realIdJag(ctx), ctx.otherServer),
  },
  {
    name: '11 ID token of an app not linked to the agent',
    expected: INVALID_GRANT,
    run: (ctx) => exchange(ctx, { subject_token: ctx.unlinkedIdToken }),
  },
  {
    name: '12 expired ID token',
    expected: INVALID_GRANT,
    run: async (ctx) => {
      const now = nowSeconds();
      return exchange(ctx, {
        subject_token: await forgedIdToken(ctx, { iat: now - 7200, exp: now - 3600 }),
      });
    },
  },
  {
    name: '13 audience without a connection',
    expected: refused(400, 'invalid_target'),
    run: (ctx) =>
      exchange(ctx, {
        requested_token_type: URN.idJag,
        resource: undefined,
        audience: ctx.otherServer.issuer,
      }),
  },
  {
    name: '13 secret without a connection',
    expected: refused(400, 'invalid_target'),
    run: (ctx) => exchange(ctx, { resource: ctx.unconnectedSecret }),
  },
  {
    name: '14 scope outside the connection (todo.admin)',
    expected: refused(400, 'invalid_scope'),
    run: (ctx) =>
      exchange(ctx, {
        requested_token_type: URN.idJag,
        resource: undefined,
        audience: ctx.server.issuer,
        scope: 'todo.admin',
      }),
  },
  {
    name: '15 subject_token_type access_token with an ID token',
    expected: refused(400, 'invalid_request'),
    run: (ctx) => exchange(ctx, { subject_token_type: URN.accessToken }),
  },
  {
    name: '15 requested_token_type missing',
    expected: refused(400, 'invalid_request'),
    run: (ctx) => exchange(ctx, { requested_token_type: undefined }),
  },
  {
    name: '16 subject_token of 10 MB',
    expected: { ...refused([400, 413], 'invalid_request'), orClosed: true },
    run: async (ctx) =>
      ctx.sendOversized(
        ctx.orgTokenEndpoint,
        form({
          grant_type: URN.tokenExchange,
          subject_token: 'a'.repeat(10 * 1024 * 1024),
          subject_token_type: URN.idToken,
          requested_token_type: URN.vaultedSecret,
          resource: demo.secretOrn,
          client_assertion_type: URN.assertionType,
          client_assertion: await assertionOf(ctx, {}),
        }),
      ),
  },
  {
    name: '16 empty subject_token',
    expected: refused(400, 'invalid_request'),
    run: (ctx) => exchange(ctx, { subject_token: '' }),
  },
  {
    name: '17 Content-Type application/json',
    expected: refused(400, 'invalid_request'),
    run: async (ctx) =>
      post(
        ctx.send,
        ctx.orgTokenEndpoint,
        JSON.stringify({
          grant_type: URN.tokenExchange,
          subject_token: ctx.idToken,
          subject_token_type: URN.idToken,
          requested_token_type: URN.vaultedSecret,
          resource: demo.secretOrn,
          client_assertion_type: URN.assertionType,
          client_assertion: await assertionOf(ctx, {}),
        }),
        'application/json',
      ),
  },
  {
    name: '18 no client authentication',
    expected: INVALID_CLIENT,
    run: (ctx) => exchange(ctx, {}, ''),
  },
  {
    name: "19 client assertion signed with another agent's key",
    expected: INVALID_CLIENT,
    run: async (ctx) =>
      exchange(
        ctx,
        {},
        await clientAssertion(ctx.otherAgent.key, ctx.agent.clientId, ctx.orgTokenEndpoint),
      ),
  },
];

/** Runs one bad input; a failed setup step (or a harness error) is reported as the answer. */
export async function runBadInput(input: BadInput, ctx: BadInputContext): Promise<Answer> {
  try {
    return await input.run(ctx);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const prefix = error instanceof SetupFailed ? 'setup' : 'harness';
    return { status: -2, error: `${prefix}: ${message.slice(0, 120)}`, body: undefined };
  }
}
