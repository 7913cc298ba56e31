import { type OrgConfig, SECRET_ORN, SERVICE_ACCOUNT_ORN, SYSTEM_SCOPES } from './schema.js';
import { targetNameIssues } from './target-names.js';

/** A cross-reference problem: the path (as zod paths are) and a message. */
export interface ReferenceIssue {
  path: (string | number)[];
  message: string;
}

function duplicates<T>(items: readonly T[], key: (item: T) => string): number[] {
  const seen = new Set<string>();
  const out: number[] = [];
  items.forEach((item, index) => {
    const k = key(item);
    if (seen.has(k)) out.push(index);
    seen.add(k);
  });
  return out;
}

/**
 * Checks what a schema cannot: unique ids, one target per `resource` or `audience` value (see
 * `targetNameIssues`), that every name a field refers to (linked app, connected server, secret,
 * service account, assigned user, allowed client) exists, and that a custom server with a
 * `clients` list lists every agent connected to it.
 */
export function crossReferenceIssues(config: OrgConfig): ReferenceIssue[] {
  const issues: ReferenceIssue[] = [];
  const add = (path: (string | number)[], message: string) => issues.push({ path, message });

  for (const i of duplicates(config.users, (u) => u.id)) add(['users', i, 'id'], 'duplicate id');
  for (const i of duplicates(config.users, (u) => u.username.toLowerCase())) {
    add(['users', i, 'username'], 'duplicate username');
  }

  const clients = [
    ...config.webApps.map((a, i) => ({ id: a.clientId, path: ['webApps', i, 'clientId'] })),
    ...config.agents.map((a, i) => ({ id: a.clientId, path: ['agents', i, 'clientId'] })),
  ];
  for (const i of duplicates(clients, (c) => c.id)) {
    const client = clients[i];
    if (!client) continue;
    // One id is one OAuth client: an agent that signs users in itself has its own redirectUris.
    const shared =
      client.path[0] === 'agents' && config.webApps.some((a) => a.clientId === client.id);
    add(
      client.path as (string | number)[],
      shared
        ? 'duplicate client id: a web app has it (give the agent "redirectUris" to sign users in itself)'
        : 'duplicate client id',
    );
  }
  for (const i of duplicates(config.customServers, (s) => s.id)) {
    add(['customServers', i, 'id'], 'duplicate custom server id');
  }
  issues.push(...targetNameIssues(config));

  config.webApps.forEach((app, i) => {
    if (app.tokenEndpointAuthMethod === 'none' && app.clientSecret !== undefined) {
      add(['webApps', i, 'clientSecret'], 'a public app ("none") must not have a client secret');
    }
    if (app.tokenEndpointAuthMethod !== 'none' && app.clientSecret === undefined) {
      add(['webApps', i, 'clientSecret'], `required with ${app.tokenEndpointAuthMethod}`);
    }
  });

  config.customServers.forEach((server, i) => {
    server.scopes.forEach((scope, j) => {
      if (SYSTEM_SCOPES.has(scope))
        add(['customServers', i, 'scopes', j], `"${scope}" is a system scope`);
    });
    server.clients?.forEach((client, j) => {
      if (!config.agents.some((a) => a.clientId === client)) {
        add(['customServers', i, 'clients', j], `unknown agent "${client}"`);
      }
    });
  });

  config.vault.secrets.forEach((secret, i) => {
    if (SECRET_ORN.exec(secret.id)?.[1] !== config.orgId) {
      add(['vault', 'secrets', i, 'id'], `the ORN's org must be "${config.orgId}"`);
    }
  });
  config.vault.serviceAccounts.forEach((account, i) => {
    if (SERVICE_ACCOUNT_ORN.exec(account.id)?.[1] !== config.orgId) {
      add(['vault', 'serviceAccounts', i, 'id'], `the ORN's org must be "${config.orgId}"`);
    }
  });

  config.agents.forEach((agent, i) => {
    agent.linkedApps.forEach((app, j) => {
      if (!config.webApps.some((a) => a.clientId === app)) {
        add(['agents', i, 'linkedApps', j], `unknown web app "${app}"`);
      }
    });
    agent.assignedUsers?.forEach((user, j) => {
      if (!config.users.some((u) => u.id === user)) {
        add(['agents', i, 'assignedUsers', j], `unknown user "${user}"`);
      }
    });
    agent.connections.forEach((connection, j) => {
      const at = ['agents', i, 'connections', j];
      if (connection.type === 'authorization-server') {
        const server = config.customServers.find((s) => s.id === connection.server);
        if (!server) {
          add([...at, 'server'], `unknown custom server "${connection.server}"`);
          return;
        }
        if (server.clients && !server.clients.includes(agent.clientId)) {
          add(
            [...at, 'server'],
            `custom server "${server.id}" does not serve this agent: its "clients" do not list "${agent.clientId}"`,
          );
        }
        if (connection.scopes !== 'all') {
          const [kind, list] =
            'include' in connection.scopes
              ? ['include', connection.scopes.include]
              : ['exclude', connection.scopes.exclude];
          list.forEach((scope, k) => {
            if (!server.scopes.includes(scope)) {
              add([...at, 'scopes', kind, k], `"${scope}" is not a scope of server "${server.id}"`);
            }
          });
        }
      } else if (connection.type === 'secret') {
        if (!config.vault.secrets.some((s) => s.id === connection.secret)) {
          add([...at, 'secret'], 'unknown secret');
        }
      } else if (!config.vault.serviceAccounts.some((s) => s.id === connection.serviceAccount)) {
        add([...at, 'serviceAccount'], 'unknown service account');
      }
    });
  });

  return issues;
}
