import { parseArgs } from 'node:util';
import type { AuditRecord } from './audit.js';
import { type AuditFile, openAuditFile } from './audit-file.js';
import { ConfigError } from './config/config-error.js';
import { defaultOrgConfig, demo } from './config/default-org.js';
import { loadConfig } from './config/load-config.js';
import { hashPassword } from './password.js';

const USAGE = `Usage: onbehalf-local-org [--config org.yaml] [--port 4000] [--host 127.0.0.1]
                          [--data-dir dir] [--audit-log file|-] [--quiet]
       onbehalf-local-org --hash-password < password.txt

Runs a local Okta-like org for AI agent token exchange. Without --config, the built-in demo org.
--audit-log -   writes one JSON line per token request to stderr (the default with no file).
Exits 2 for a bad command line, 1 when the org cannot start.`;

/** A bad command line: exit status 2, as for a usage error. */
class UsageError extends Error {}

const PORT = /^[0-9]{1,5}$/;

function portOption(value: string | undefined): number {
  if (value === undefined) return 4000;
  if (!PORT.test(value) || Number(value) > 65_535) {
    throw new UsageError(`--port must be a decimal port number from 0 to 65535, not "${value}"`);
  }
  return Number(value);
}

// oidc-provider prints an "unsupported runtime" notice on import under Node.js 20, which this
// package supports (engines >=20.19); the CLI filters that one line so startup output stays useful.
const warn = console.warn;
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].includes('WARNING: Unsupported runtime')) return;
  warn(...args);
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function parseCommandLine() {
  return parseArgs({
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'audit-log': { type: 'string' },
      'hash-password': { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values['hash-password']) {
    const password = await readStdin();
    if (password === '') throw new UsageError('--hash-password: the password on stdin is empty');
    console.log(await hashPassword(password));
    return;
  }

  const port = portOption(values.port);
  let file: AuditFile | undefined;
  const auditTarget = values['audit-log'] ?? '-';
  if (auditTarget !== '-') {
    file = await openAuditFile(auditTarget, (message) => {
      process.stderr.write(`onbehalf-local-org: ${message}\n`);
    }).catch((error: unknown) => {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    });
  }
  const config = values.config ? await loadConfig(values.config) : defaultOrgConfig();
  const onAudit = (record: AuditRecord) => {
    if (file) file.write(record);
    else if (!values.quiet) process.stderr.write(`${JSON.stringify(record)}\n`);
  };

  const { startLocalOrg } = await import('./start-local-org.js');
  const org = await startLocalOrg(config, {
    port,
    ...(values.host ? { host: values.host } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    onAudit,
  });

  const lines = [
    `local-org running: issuer ${org.issuer}`,
    `  discovery        ${org.url('/.well-known/openid-configuration')}`,
    `  token endpoint   ${org.url('/oauth2/v1/token')}`,
  ];
  for (const server of org.config.customServers) {
    const info = org.customServer(server.id);
    lines.push(
      `  custom server    ${info.issuer}  (audience ${info.audience}, scopes ${info.scopes.join(' ')})`,
    );
  }
  if (!values.config) {
    lines.push(
      `  demo user        ${demo.user.username} / ${demo.user.password}`,
      `  web app          ${demo.webApp.clientId} / ${demo.webApp.clientSecret}, redirect ${demo.webApp.redirectUris[0]}`,
      `  agent            ${demo.agentClientId} (private_key_jwt, ES256 key "${demo.agentPrivateJwk.kid}": demo.agentPrivateJwk)`,
      `  secret           ${demo.secretOrn}`,
      `  service account  ${demo.serviceAccountOrn}`,
    );
  } else {
    for (const user of org.config.users) lines.push(`  user             ${user.username}`);
    for (const agent of org.config.agents) lines.push(`  agent            ${agent.clientId}`);
  }
  lines.push('Press Ctrl+C to stop.');
  console.log(lines.join('\n'));

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping local-org`);
    org
      .stop()
      .then(() => file?.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else
    console.error(`onbehalf-local-org: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
