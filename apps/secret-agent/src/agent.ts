import { vaultedSecret } from '@onbehalf/adapter-secret';
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
import { API_KEY_HEADER } from './inventory-api.js';

/** How the vaulted-secret agent reaches the org and the inventory API. */
export interface SecretAgentOptions {
  /** The org issuer, e.g. `https://acme.okta.com`. */
  readonly issuer: string;
  /** The agent's client id at the org (`wlp…`). */
  readonly clientId: string;
  /** The agent's private key as a JWK, with `kid` and `alg`. */
  readonly privateJwk: JWK;
  /** The secret's resource indicator: its ORN, `orn:okta:pam:{org}:secrets:{uuid}`. */
  readonly resource: string;
  /** Which key of the vault entry holds the API key. Defaults to `apiKey`. */
  readonly field?: string | undefined;
  /** The inventory API's base URL. */
  readonly inventoryApiUrl: string;
  /** The fetch to send everything through. Defaults to the global one. */
  readonly fetch?: typeof fetch | undefined;
}

const inventorySchema = z.object({
  items: z.array(z.object({ sku: z.string(), name: z.string(), quantity: z.number() })),
});

/**
 * The vaulted-secret agent: trades the user's ID token for the inventory API's key held in the
 * vault (RFC 8693 token exchange, `requested_token_type` vaulted-secret), then reads the
 * inventory with the key in the `X-API-Key` header. Each run returns every hop it made.
 */
export function createSecretAgent(options: SecretAgentOptions): SampleAgent {
  const field = options.field ?? 'apiKey';
  const title = 'Vaulted secret: ID token → API key → inventory API';
  const fetch = tracingFetch({
    caller: `AI agent (${options.clientId})`,
    participants: [
      { name: 'Org authorization server', baseUrl: options.issuer },
      { name: 'Inventory API', baseUrl: options.inventoryApiUrl },
    ],
    fetch: options.fetch,
  });

  const client = createClient({
    issuer: options.issuer,
    clientId: options.clientId,
    auth: privateKeyJwt({ key: options.privateJwk }),
    adapters: [vaultedSecret()],
    fetch,
  });

  const run = (idToken: string): Promise<PathResult> =>
    runPath('secret', title, async () => {
      const credential = await client.exchange('secret', {
        subjectToken: idToken,
        resource: options.resource,
      });
      const apiKey = credential.secret[field];
      if (apiKey === undefined) {
        throw new TypeError(`The vault entry has no "${field}" key; set SECRET_FIELD.`);
      }

      const response = await fetch(`${options.inventoryApiUrl}/inventory`, {
        headers: { [API_KEY_HEADER]: apiKey },
      });
      if (!response.ok) throw await ResourceError.from('Inventory API', response);
      const parsed = inventorySchema.safeParse(await response.json());
      if (!parsed.success)
        throw new ResourceError('Inventory API', response.status, 'invalid_answer');

      return {
        credential: [
          ...Object.keys(credential.secret).map((key) => ({
            name: `secret.${key}`,
            value: { kind: 'masked' } as const,
          })),
          { name: 'expires at', value: { kind: 'text', text: credential.expiresAt.toISOString() } },
        ],
        answer: parsed.data,
        summary: `inventory API listed ${parsed.data.items.length} item(s) with the vaulted API key`,
      };
    });

  return {
    path: 'secret',
    title,
    run,
    evict: (idToken) => client.evict({ subjectToken: idToken }),
  };
}
