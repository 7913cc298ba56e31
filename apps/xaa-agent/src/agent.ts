import { crossAppAccess } from '@onbehalf/adapter-xaa';
import { createClient, privateKeyJwt } from '@onbehalf/core';
import {
  type PathResult,
  ResourceError,
  runPath,
  type SampleAgent,
  tracingFetch,
} from '@onbehalf/sample-kit';
import type { JWK } from 'jose';
import { z } from 'zod';

/** How the Cross App Access agent reaches the org, the custom server and the todo API. */
export interface XaaAgentOptions {
  /** The org issuer, e.g. `https://acme.okta.com`. */
  readonly issuer: string;
  /** The agent's client id at the org (`wlp…`). */
  readonly clientId: string;
  /** The agent's private key as a JWK, with `kid` and `alg` (ES256 or RS256, …). */
  readonly privateJwk: JWK;
  /** The custom authorization server's issuer: the `audience` of hop 1. */
  readonly authorizationServer: string;
  /** The scopes to ask for. Defaults to `todo.read todo.write`. */
  readonly scopes?: readonly string[] | undefined;
  /** The todo API's base URL. */
  readonly todoApiUrl: string;
  /** The title of the todo the agent adds on every run. */
  readonly todoTitle?: string | undefined;
  /** The fetch to send everything through. Defaults to the global one. */
  readonly fetch?: typeof fetch | undefined;
}

/** What `GET /todos` answers. */
const todoListSchema = z.object({
  user: z.string(),
  todos: z.array(
    z.object({ id: z.string(), title: z.string(), done: z.boolean(), createdAt: z.string() }),
  ),
});

/**
 * The Cross App Access agent: trades the user's ID token for an ID-JAG at the org (RFC 8693),
 * the ID-JAG for an access token at the custom authorization server (RFC 7523), then adds a
 * todo and lists the user's todos with that access token. Each run returns every hop it made.
 */
export function createXaaAgent(options: XaaAgentOptions): SampleAgent {
  const scopes = options.scopes ?? ['todo.read', 'todo.write'];
  const title = 'Cross App Access: ID token → ID-JAG → access token → todo API';
  const fetch = tracingFetch({
    caller: `AI agent (${options.clientId})`,
    participants: [
      { name: 'Org authorization server', baseUrl: options.issuer },
      { name: 'Custom authorization server', baseUrl: options.authorizationServer },
      { name: 'Todo API', baseUrl: options.todoApiUrl },
    ],
    fetch: options.fetch,
  });

  const client = createClient({
    issuer: options.issuer,
    clientId: options.clientId,
    auth: privateKeyJwt({ key: options.privateJwk }),
    adapters: [crossAppAccess()],
    fetch,
  });

  const run = (idToken: string): Promise<PathResult> =>
    runPath('xaa', title, async () => {
      const credential = await client.exchange('xaa', {
        subjectToken: idToken,
        audience: options.authorizationServer,
        scope: [...scopes],
      });

      const api = new URL(`${options.todoApiUrl}/todos`);
      const authorization = `${credential.tokenType} ${credential.accessToken}`;
      const added = await fetch(api, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({
          title: options.todoTitle ?? 'Book a room for the quarterly review',
        }),
      });
      if (!added.ok) throw await ResourceError.from('Todo API', added);

      const listed = await fetch(api, { headers: { authorization } });
      if (!listed.ok) throw await ResourceError.from('Todo API', listed);
      const parsed = todoListSchema.safeParse(await listed.json());
      if (!parsed.success) throw new ResourceError('Todo API', listed.status, 'invalid_answer');
      const answer = parsed.data;

      return {
        credential: [
          { name: 'scopes granted', value: { kind: 'text', text: credential.scopes.join(' ') } },
          { name: 'scopes narrowed', value: { kind: 'text', text: String(credential.narrowed) } },
          { name: 'expires at', value: { kind: 'text', text: credential.expiresAt.toISOString() } },
        ],
        answer,
        summary: `todo API listed ${answer.todos.length} todo(s) with scopes ${credential.scopes.join(' ')}`,
      };
    });

  return {
    path: 'xaa',
    title,
    run,
    evict: (idToken) => client.evict({ subjectToken: idToken }),
  };
}
