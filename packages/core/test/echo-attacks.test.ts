import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  clientSecretBasic,
  clientSecretPost,
  defineAdapter,
  type ExchangeError,
  type ExchangeEvent,
  sanitizeDescription,
} from '../src/index.js';
import type { Reply } from './support/auth-server.js';
import { closeServersAfterEach, setup } from './support/client.js';
import { makeIdToken, THING_TOKEN_TYPE } from './support/fixtures.js';
import { sendJson } from './support/http-server.js';

closeServersAfterEach();

const CLIENT_SECRET = 'cs-Zq81rT4vW2yX9uB3nM6k';

/** An adapter whose answer holds a record: its keys are names the server chooses. */
const bagAdapter = defineAdapter({
  name: 'thing',
  requestedTokenType: THING_TOKEN_TYPE,
  input: z.object({ resource: z.string() }),
  form: (input) => ({ resource: input.resource }),
  response: z.object({ bag: z.record(z.string(), z.string()) }),
  finish: async (response) => ({ bag: response.bag, expiresAt: new Date() }),
});

/** Runs one failing exchange with a client secret and returns everything a caller could print. */
async function echoed(
  reply: Reply,
  auth = clientSecretPost({ clientSecret: CLIENT_SECRET }),
  adapters?: readonly [typeof bagAdapter],
) {
  const events: ExchangeEvent[] = [];
  const logs: unknown[] = [];
  const { client } = await setup(
    { clientSecret: CLIENT_SECRET, reply },
    {
      auth,
      ...(adapters ? { adapters } : {}),
      retry: { attempts: 1 },
      onEvent: (event) => {
        events.push(event);
      },
      logger: { warn: (message, fields) => logs.push([message, fields]) },
    },
  );
  const subjectToken = await makeIdToken();
  const error = (await client
    .exchange('thing', { subjectToken, resource: 'orn:r' })
    .catch((e: unknown) => e)) as ExchangeError;
  const printed = [
    error.message,
    String(error.stack),
    JSON.stringify(error),
    inspect(error, { depth: 10 }),
    JSON.stringify(events),
    inspect(logs, { depth: 10 }),
  ].join('\n');
  return { error, printed, subjectToken };
}

/** Every 16-character slice of `secret`: none may be printed. */
function expectNoSlice(printed: string, secret: string): void {
  for (let i = 0; i + 16 <= secret.length; i += 4) {
    expect(printed.includes(secret.slice(i, i + 16)), `slice at ${i}`).toBe(false);
  }
}

describe('a server echoing secrets back', () => {
  it('cannot slip the subject token past redaction with control characters in it', async () => {
    const { printed, subjectToken } = await echoed(({ request, response }) => {
      const token = request.form.get('subject_token') ?? '';
      const spiked = token.replace(/.{10}/g, (chunk) => `${chunk}\u0001`);
      sendJson(response, 400, { error: 'invalid_request', error_description: spiked });
    });
    expectNoSlice(printed, subjectToken);
  });

  it('cannot slip it past redaction in chunks shorter than a long opaque run', async () => {
    const { error, printed, subjectToken } = await echoed(({ request, response }) => {
      const token = request.form.get('subject_token') ?? '';
      sendJson(response, 400, {
        error: 'invalid_grant',
        error_description: `got ${token.match(/.{1,30}/g)?.join(' ')}`,
      });
    });
    expect(error.code).toBe('subject_token_rejected');
    expect(error.errorDescription).toMatch(/^got /);
    expectNoSlice(printed, subjectToken);
  });

  it('cannot make the client secret an OAuth error code', async () => {
    const { error, printed } = await echoed(({ request, response }) =>
      sendJson(response, 400, { error: request.form.get('client_secret') }),
    );
    expect(error.code).toBe('invalid_response');
    expect(error.error).toBeUndefined();
    expect(printed).not.toContain(CLIENT_SECRET);
  });

  it('cannot make the client secret part of the reported content type', async () => {
    const { error, printed } = await echoed(({ request, response }) => {
      response.writeHead(200, {
        'content-type': `text/html; x=${request.form.get('client_secret')}`,
      });
      response.end('<html></html>');
    });
    expect(error.code).toBe('invalid_response');
    expect(error.message).toContain('text/html');
    expect(printed).not.toContain(CLIENT_SECRET);
  });

  it('cannot echo the Basic credentials or the secret inside them', async () => {
    const { error, printed } = await echoed(
      ({ request, response }) =>
        sendJson(response, 400, {
          error: 'invalid_request',
          error_description: `auth ${request.headers.authorization} secret ${CLIENT_SECRET}`,
        }),
      clientSecretBasic({ clientSecret: CLIENT_SECRET }),
    );
    expect(error.errorDescription).toContain('[redacted]');
    expect(printed).not.toContain(CLIENT_SECRET);
    expect(printed).not.toContain(
      Buffer.from(`wlp-test-agent:${CLIENT_SECRET}`).toString('base64'),
    );
  });

  it('cannot make the client secret a key name reported by a schema failure', async () => {
    const { error, printed } = await echoed(
      ({ request, response }) =>
        sendJson(response, 200, {
          issued_token_type: THING_TOKEN_TYPE,
          bag: { [request.form.get('client_secret') ?? '']: 42 },
        }),
      clientSecretPost({ clientSecret: CLIENT_SECRET }),
      [bagAdapter],
    );
    expect(error.code).toBe('invalid_response');
    expect(error.message).toContain('"bag.');
    expect(printed).not.toContain(CLIENT_SECRET);
  });

  it('redacts a JWT it never sent, and keeps the host names around it', async () => {
    const foreign = await makeIdToken('someone-else');
    const { error, printed } = await echoed(({ response }) =>
      sendJson(response, 400, {
        error: 'invalid_grant',
        error_description: `token ${foreign} from org.example.com`,
      }),
    );
    expect(error.errorDescription).toBe('token [redacted] from org.example.com');
    expectNoSlice(printed, foreign);
  });

  it('ordinary descriptions survive redaction', async () => {
    const { error } = await echoed(({ response }) =>
      sendJson(response, 400, {
        error: 'invalid_target',
        error_description: 'The audience https://api.example.com/oauth2/default is not connected.',
      }),
    );
    expect(error.errorDescription).toBe(
      'The audience https://api.example.com/oauth2/default is not connected.',
    );
  });
});

describe('untrusted text', () => {
  it.each([42, null, true, { code: 'invalid_grant' }, ['invalid_grant'], ''])(
    'an error of %j is not trusted as an OAuth error code',
    async (value) => {
      const { error } = await echoed(({ response }) =>
        sendJson(response, 400, { error: value, error_description: 'x' }),
      );
      expect(error.code).toBe('invalid_response');
      expect(error.error).toBeUndefined();
      expect(error.status).toBe(400);
    },
  );

  it('loses bidi overrides, zero-width and other invisible format characters', async () => {
    const { error } = await echoed(({ response }) =>
      sendJson(response, 400, {
        error: 'access_denied',
        error_description: 'see \u202Eexe.txt\u202C\u2066x\u2069\u200B\u200F\u061C\uFEFF done',
      }),
    );
    expect(error.errorDescription).toBe('see exe.txtx done');
  });

  it('is cut without leaving half of a surrogate pair', () => {
    const clean = sanitizeDescription(`a${'😀'.repeat(200)}`);
    expect(clean.endsWith('…')).toBe(true);
    expect(clean).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(clean.length).toBeLessThanOrEqual(301);
  });
});
