import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  clientSecretPost,
  createClient,
  credentialExpiry,
  defineAdapter,
  expiresInSchema,
  privateKeyJwt,
  protectCredential,
} from '../src/index.js';
import { CLIENT_ID, type Reply, startAuthServer } from './support/auth-server.js';
import { closeServersAfterEach, track } from './support/client.js';
import { makeIdToken, makeKeys } from './support/fixtures.js';
import { closedPortUrl, sendJson } from './support/http-server.js';

closeServersAfterEach();

const PASSWORD = 'svc-password-d41d8cd98f00b204';
const CLIENT_SECRET = 'client-secret-e3b0c44298fc1c14';
const ACCESS_TOKEN = 'access-token-9a0364b9e99bb480dd25';
const ACCOUNT_TYPE = 'urn:example:params:oauth:token-type:account';

const accountAdapter = defineAdapter({
  name: 'account',
  requestedTokenType: ACCOUNT_TYPE,
  input: z.object({ resource: z.string() }),
  form: (input) => ({ resource: input.resource }),
  response: z.object({
    account: z.object({ username: z.string(), password: z.string() }),
    access_token: z.string(),
    expires_in: expiresInSchema,
  }),
  finish: async (response, context) =>
    protectCredential(
      {
        username: response.account.username,
        password: response.account.password,
        accessToken: response.access_token,
        expiresAt: credentialExpiry({ expiresIn: response.expires_in, now: context.now() }),
      },
      ['password', 'accessToken'],
    ),
});

/** Answers in turn: success, then every kind of failure, each echoing what it received. */
const scripted: Reply = ({ request, response, count }) => {
  const echo = `subject ${request.form.get('subject_token')} assertion ${request.form.get('client_assertion')} secret ${request.form.get('client_secret')}`;
  switch (count) {
    case 1:
      return sendJson(response, 200, {
        issued_token_type: ACCOUNT_TYPE,
        account: { username: 'svc', password: PASSWORD },
        access_token: ACCESS_TOKEN,
        expires_in: 300,
      });
    case 2:
      return sendJson(response, 400, { error: 'invalid_grant', error_description: echo });
    case 3:
      return sendJson(response, 403, { error: 'access_denied', error_description: echo });
    case 4:
      return sendJson(response, 200, {
        issued_token_type: ACCOUNT_TYPE,
        account: { username: 'svc', password: 42 },
        access_token: ACCESS_TOKEN,
        expires_in: -1,
        note: echo,
      });
    case 5:
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(`<p>${echo}</p>`);
      return;
    default:
      return sendJson(response, 503, { error: 'temporarily_unavailable', error_description: echo });
  }
};

describe('no secret escapes', () => {
  it('no token, assertion, secret or password in events, logs or errors', async () => {
    const keys = await makeKeys();
    const jwtServer = track(await startAuthServer({ publicJwk: keys.publicJwk, reply: scripted }));
    const secretServer = track(
      await startAuthServer({ clientSecret: CLIENT_SECRET, reply: scripted }),
    );
    const captured: unknown[] = [];
    const capture = (level: string) => (message: string, fields: Record<string, unknown>) => {
      captured.push([level, message, fields]);
    };
    const observers = {
      logger: {
        debug: capture('debug'),
        info: capture('info'),
        warn: capture('warn'),
        error: capture('error'),
      },
      onEvent: (event: unknown) => {
        captured.push(event);
      },
      retry: { sleep: async () => undefined },
      cache: false as const,
    };
    const clients = [
      createClient({
        issuer: jwtServer.issuer,
        clientId: CLIENT_ID,
        auth: privateKeyJwt({ key: keys.privateJwk }),
        adapters: [accountAdapter],
        ...observers,
      }),
      createClient({
        issuer: secretServer.issuer,
        clientId: CLIENT_ID,
        auth: clientSecretPost({ clientSecret: CLIENT_SECRET }),
        adapters: [accountAdapter],
        ...observers,
      }),
      createClient({
        tokenEndpoint: `${await closedPortUrl()}/token`,
        clientId: CLIENT_ID,
        auth: clientSecretPost({ clientSecret: CLIENT_SECRET }),
        adapters: [accountAdapter],
        ...observers,
      }),
    ];

    const subjectTokens: string[] = [];
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const client of clients) {
      for (let round = 0; round < 6; round += 1) {
        const subjectToken = await makeIdToken(`user-${round}`);
        subjectTokens.push(subjectToken);
        await client.exchange('account', { subjectToken, resource: 'orn:r' }).then(
          (result) => results.push(result),
          (error: unknown) => errors.push(error),
        );
      }
      const wrongToken = `${subjectTokens[0]}x`.repeat(3);
      subjectTokens.push(wrongToken);
      await client
        .exchange('account', { subjectToken: wrongToken, resource: 42 as unknown as string })
        .catch((error: unknown) => errors.push(error));
    }

    const assertions = jwtServer.tokenRequests().map((r) => r.form.get('client_assertion') ?? '');
    const secrets = [...subjectTokens, ...assertions, CLIENT_SECRET, PASSWORD, ACCESS_TOKEN];
    expect(results).toHaveLength(2);
    expect(errors.length).toBeGreaterThanOrEqual(12);
    expect(assertions.length).toBeGreaterThanOrEqual(6);
    expect(captured.length).toBeGreaterThan(20);

    const haystacks: string[] = [];
    for (const item of captured) haystacks.push(JSON.stringify(item), inspect(item, { depth: 10 }));
    for (const error of errors) {
      const e = error as Error;
      haystacks.push(e.message, String(e.stack), JSON.stringify(e), inspect(e, { depth: 10 }));
      let cause = e.cause as Error | undefined;
      while (cause) {
        haystacks.push(cause.message, String(cause.stack), inspect(cause));
        cause = cause.cause as Error | undefined;
      }
    }
    for (const result of results) {
      haystacks.push(JSON.stringify(result), String(result), inspect(result, { depth: 10 }));
    }
    const everything = haystacks.join('\n');
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(10);
      expect(everything.includes(secret)).toBe(false);
      // A 24-character slice of a token must not leak either (partial echoes).
      expect(everything.includes(secret.slice(-24))).toBe(false);
    }
    // The credential itself still gives the secret to whoever asks for it by name.
    expect((results[0] as { password: string }).password).toBe(PASSWORD);
  });
});
