/**
 * Child process that hosts the servers under HTTP load, so the load generator and the server do
 * not share an event loop: local-org (with the given configuration, keys kept in a data
 * directory, audit records appended to a JSON-lines file) and, when asked, the oidc-provider
 * baseline. Talks to its parent over IPC; started with `--expose-gc` for memory readings.
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { demo, type OrgConfigInput, startLocalOrg } from '@onbehalf/local-org';
import { startBaselineProvider } from './baseline-provider.js';
import type { HostMessage, HostReady, HostRequest } from './org-host-protocol.js';

const [configFile, dataDir, auditFile, withBaseline] = process.argv.slice(2);
if (configFile === undefined || dataDir === undefined || auditFile === undefined) {
  throw new Error('usage: org-host <config.json> <data-dir> <audit.jsonl> [baseline]');
}

const config = JSON.parse(await readFile(configFile, 'utf8')) as OrgConfigInput;
const audit = createWriteStream(auditFile, { flags: 'a' });
let auditLines = 0;
const org = await startLocalOrg(config, {
  dataDir,
  onAudit: (record) => {
    auditLines += 1;
    // A request still in flight when the org stops is not logged to a closed file.
    if (!audit.writableEnded) audit.write(`${JSON.stringify(record)}\n`);
  },
});
const { d: _d, ...agentPublicJwk } = demo.agentPrivateJwk;
const baseline =
  withBaseline === 'baseline'
    ? await startBaselineProvider(demo.agentClientId, agentPublicJwk)
    : undefined;

const send = (message: HostMessage) => process.send?.(message);

function memory(): { rss: number; heapUsed: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapUsed: usage.heapUsed };
}

process.on('message', (message: HostRequest) => {
  if (message.type === 'memory') {
    send({ type: 'memory', ...memory(), auditLines });
    return;
  }
  if (message.type === 'stop') {
    void (async () => {
      await org.stop();
      await baseline?.stop();
      await new Promise<void>((resolve) => audit.end(resolve));
      send({ type: 'stopped', auditLines });
      process.disconnect?.();
    })();
  }
});

const servers: HostReady['customServers'] = {};
for (const server of org.config.customServers) {
  const info = org.customServer(server.id);
  servers[server.id] = { issuer: info.issuer, tokenEndpoint: info.tokenEndpoint };
}
send({
  type: 'ready',
  issuer: org.issuer,
  tokenEndpoint: org.url('/oauth2/v1/token'),
  customServers: servers,
  baselineTokenEndpoint: baseline?.tokenEndpoint,
});
