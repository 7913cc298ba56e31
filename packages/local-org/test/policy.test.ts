import { MemoryReplayStore } from '@onbehalf/id-jag';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../src/audit.js';
import { defaultOrgConfig } from '../src/config/default-org.js';
import { orgConfigSchema } from '../src/config/schema.js';
import { ID_JAG_TOKEN_TYPE } from '../src/exchange/constants.js';
import { decide } from '../src/exchange/policy.js';
import { demo } from '../src/index.js';
import { loadOrCreateKeys } from '../src/keys.js';
import { buildOrgModel, type OrgModel } from '../src/org-model.js';

const ISSUER = 'http://127.0.0.1:1';

/**
 * The default org with a `clients` list on its custom server that leaves the demo agent out. The
 * configuration loader refuses such a connection; the policy must hold without it.
 */
let org: OrgModel;
beforeAll(async () => {
  const input = defaultOrgConfig();
  const server = input.customServers?.[0];
  if (!server) throw new Error('the default org has a custom server');
  server.clients = ['some-other-agent'];
  const config = orgConfigSchema.parse(input);
  const keys = await loadOrCreateKeys(config.customServers.map((s) => s.id));
  org = buildOrgModel(config, ISSUER, keys, new AuditLog(), new MemoryReplayStore());
});

describe('the policy for a custom server whose clients list leaves the agent out', () => {
  it('refuses hop 1 with invalid_target, so no ID-JAG is issued that hop 2 must refuse', () => {
    const agent = org.agents.get(demo.agentClientId);
    if (!agent) throw new Error('the default org has the demo agent');
    const decision = decide(org, {
      kind: 'exchange',
      agent,
      userId: demo.user.id,
      requestedTokenType: ID_JAG_TOKEN_TYPE,
      audience: `${ISSUER}/oauth2/default`,
      scopes: ['todo.read'],
    });
    expect(decision).toEqual({
      allow: false,
      error: 'invalid_target',
      reason: `client ${demo.agentClientId} is not allowed by server default`,
    });
  });

  it('refuses hop 2 with access_denied', () => {
    const server = org.servers.get('default');
    if (!server) throw new Error('the default org has a custom server');
    const decision = decide(org, {
      kind: 'access-token',
      server,
      clientId: demo.agentClientId,
      userId: demo.user.id,
      scopes: ['todo.read'],
    });
    expect(decision).toMatchObject({ allow: false, error: 'access_denied' });
  });
});
