import { describe, expect, it } from 'vitest';
import { agentEnvSchema, EnvError, readEnv } from '../src/index.js';

describe('readEnv', () => {
  it('parses the agent variables, treating empty ones as unset', () => {
    const env = readEnv(agentEnvSchema, {
      ONBEHALF_ISSUER: 'https://acme.okta.com/',
      ONBEHALF_AGENT_CLIENT_ID: '',
      ONBEHALF_AGENT_PRIVATE_JWK: JSON.stringify({ kty: 'EC', kid: 'k1', alg: 'ES256', d: 'x' }),
    });
    expect(env.ONBEHALF_ISSUER).toBe('https://acme.okta.com');
    expect(env.ONBEHALF_AGENT_CLIENT_ID).toBeUndefined();
    expect(env.ONBEHALF_AGENT_PRIVATE_JWK).toMatchObject({ kid: 'k1', alg: 'ES256' });
  });

  it('names each bad variable and never echoes a value', () => {
    const secret = 'private-part-9f1e';
    let caught: unknown;
    try {
      readEnv(agentEnvSchema, {
        ONBEHALF_ISSUER: `ftp://${secret}`,
        ONBEHALF_AGENT_PRIVATE_JWK: JSON.stringify({ kty: 'EC', x: secret }),
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EnvError);
    const message = (caught as EnvError).message;
    expect(message).toContain('ONBEHALF_ISSUER: must be an http(s) URL');
    expect(message).toContain('ONBEHALF_AGENT_PRIVATE_JWK.d: must be a private key');
    expect(message).not.toContain(secret);
  });

  it('refuses a JWK that is not JSON, without quoting it', () => {
    expect(() => readEnv(agentEnvSchema, { ONBEHALF_AGENT_PRIVATE_JWK: '{not json' })).toThrow(
      /ONBEHALF_AGENT_PRIVATE_JWK: must be a JSON Web Key \(JSON text\)$/,
    );
  });
});
