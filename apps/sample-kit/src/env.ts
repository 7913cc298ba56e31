import { z } from 'zod';

/** A configuration variable is missing or malformed. The message names it, never its value. */
export class EnvError extends Error {
  override readonly name = 'EnvError';
}

/**
 * Reads environment variables through a zod schema. Empty strings count as unset. On failure
 * the error lists each offending variable with what is wrong, without echoing any value (a
 * variable may hold a key or a token).
 */
export function readEnv<S extends z.ZodType>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): z.output<S> {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`,
  );
  throw new EnvError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
}

/** An http(s) URL without a trailing slash. */
export const urlVar = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .transform((url) => url.replace(/\/+$/, ''));

/** A space-separated list. */
export const listVar = z
  .string()
  .transform((text) => text.split(/\s+/).filter((item) => item !== ''));

/** A private JWK given as JSON text, with the `kid` and `alg` the assertion header needs. */
export const privateJwkVar = z
  .string()
  .transform((text, context) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      context.addIssue({ code: 'custom', message: 'must be a JSON Web Key (JSON text)' });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .object({
        kty: z.string({ error: 'needs "kty"' }),
        kid: z.string({ error: 'needs "kid"' }).min(1, 'needs "kid"'),
        alg: z.string({ error: 'needs "alg"' }).min(1, 'needs "alg"'),
        d: z.string({ error: 'must be a private key (no "d")' }).min(1, 'must be a private key'),
      })
      .loose(),
  );

/** The variables every sample agent reads: the org, the agent's identity, the user. */
export const agentEnvSchema = z.object({
  /** The org issuer. Unset: a local org is started with its default configuration. */
  ONBEHALF_ISSUER: urlVar.optional(),
  /** The agent's client id at the org. */
  ONBEHALF_AGENT_CLIENT_ID: z.string().min(1).optional(),
  /** The agent's private JWK (JSON), registered for `private_key_jwt`. */
  ONBEHALF_AGENT_PRIVATE_JWK: privateJwkVar.optional(),
  /** The signed-in user's ID token. Unset with the local org: the demo user signs in. */
  ONBEHALF_ID_TOKEN: z.string().min(1).optional(),
});

/** The parsed common variables. */
export type AgentEnv = z.output<typeof agentEnvSchema>;
