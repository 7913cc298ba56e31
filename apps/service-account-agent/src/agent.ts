import { serviceAccount } from '@onbehalf/adapter-service-account';
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

/** How the service-account agent reaches the org and the reports API. */
export interface ServiceAccountAgentOptions {
  /** The org issuer, e.g. `https://acme.okta.com`. */
  readonly issuer: string;
  /** The agent's client id at the org (`wlp…`). */
  readonly clientId: string;
  /** The agent's private key as a JWK, with `kid` and `alg`. */
  readonly privateJwk: JWK;
  /** The account's resource indicator: its ORN, `orn:okta:pam:{org}:apps:…:service_accounts:{uuid}`. */
  readonly resource: string;
  /** The reports API's base URL. */
  readonly reportsApiUrl: string;
  /** The fetch to send everything through. Defaults to the global one. */
  readonly fetch?: typeof fetch | undefined;
}

const reportSchema = z.object({
  account: z.string(),
  report: z.record(z.string(), z.union([z.string(), z.number()])),
});

/**
 * The service-account agent: trades the user's ID token for the reports service account's
 * user name and password held in the vault (RFC 8693 token exchange, `requested_token_type`
 * service-account), then logs in to the reports API with HTTP Basic (RFC 7617). Each run
 * returns every hop it made.
 */
export function createServiceAccountAgent(options: ServiceAccountAgentOptions): SampleAgent {
  const title = 'Service account: ID token → user name and password → reports API';
  const fetch = tracingFetch({
    caller: `AI agent (${options.clientId})`,
    participants: [
      { name: 'Org authorization server', baseUrl: options.issuer },
      { name: 'Reports API', baseUrl: options.reportsApiUrl },
    ],
    fetch: options.fetch,
  });

  const client = createClient({
    issuer: options.issuer,
    clientId: options.clientId,
    auth: privateKeyJwt({ key: options.privateJwk }),
    adapters: [serviceAccount()],
    fetch,
  });

  const run = (idToken: string): Promise<PathResult> =>
    runPath('service-account', title, async () => {
      const credential = await client.exchange('service-account', {
        subjectToken: idToken,
        resource: options.resource,
      });

      // RFC 7617 §2: user-id ":" password, UTF-8, base64.
      const login = Buffer.from(`${credential.username}:${credential.password}`, 'utf8');
      const response = await fetch(`${options.reportsApiUrl}/reports`, {
        headers: { authorization: `Basic ${login.toString('base64')}` },
      });
      if (!response.ok) throw await ResourceError.from('Reports API', response);
      const parsed = reportSchema.safeParse(await response.json());
      if (!parsed.success)
        throw new ResourceError('Reports API', response.status, 'invalid_answer');

      return {
        credential: [
          { name: 'username', value: { kind: 'text', text: credential.username } },
          { name: 'password', value: { kind: 'masked' } },
          { name: 'expires at', value: { kind: 'text', text: credential.expiresAt.toISOString() } },
        ],
        answer: parsed.data,
        summary: `reports API answered the report to ${parsed.data.account}`,
      };
    });

  return {
    path: 'service-account',
    title,
    run,
    evict: (idToken) => client.evict({ subjectToken: idToken }),
  };
}
