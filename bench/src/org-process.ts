import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OrgConfigInput } from '@onbehalf/local-org';
import type { HostMemory, HostMessage, HostReady, HostStopped } from './org-host-protocol.js';

/** Node flags that let a child process run TypeScript and force garbage collection. */
export function childExecArgv(): string[] {
  return ['--import', import.meta.resolve('tsx'), '--expose-gc'];
}

/** A local-org (and optional baseline) running in a child process. */
export interface OrgProcess extends HostReady {
  /** Where the org keeps its keys (`keys.json`). */
  readonly dataDir: string;
  /** The JSON-lines audit log. */
  readonly auditFile: string;
  /** RSS and heap after forced garbage collection. */
  memory(): Promise<HostMemory>;
  /** Stops the servers and returns the audit lines written. */
  stop(): Promise<HostStopped>;
  /** Reads the audit log (call after `stop`). */
  readAudit(): Promise<string[]>;
  /** Removes the temporary directory. */
  cleanUp(): Promise<void>;
}

function nextMessage<T extends HostMessage['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<HostMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanUp();
      reject(new Error(`org host sent no "${type}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: HostMessage) => {
      if (message.type !== type) return;
      cleanUp();
      resolve(message as Extract<HostMessage, { type: T }>);
    };
    const onExit = (code: number | null) => {
      cleanUp();
      reject(new Error(`org host exited with code ${code} before "${type}"`));
    };
    const cleanUp = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Starts local-org with `config` in a child process; `baseline` adds the oidc-provider one. */
export async function startOrgProcess(
  config: OrgConfigInput,
  options: { baseline?: boolean } = {},
): Promise<OrgProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'onbehalf-bench-'));
  const configFile = join(dir, 'org.json');
  const dataDir = join(dir, 'data');
  const auditFile = join(dir, 'audit.jsonl');
  await writeFile(configFile, JSON.stringify(config));

  const script = fileURLToPath(new URL('./org-host.ts', import.meta.url));
  const args = [configFile, dataDir, auditFile, ...(options.baseline ? ['baseline'] : [])];
  const child = fork(script, args, { execArgv: childExecArgv(), stdio: 'inherit' });
  let ready: HostReady;
  try {
    ready = await nextMessage(child, 'ready', 60_000);
  } catch (error) {
    child.kill();
    throw error;
  }

  let stopped: Promise<HostStopped> | undefined;
  return {
    ...ready,
    dataDir,
    auditFile,
    async memory() {
      const reply = nextMessage(child, 'memory', 60_000);
      child.send({ type: 'memory' });
      return reply;
    },
    stop() {
      stopped ??= (async () => {
        const reply = nextMessage(child, 'stopped', 30_000);
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.send({ type: 'stop' });
        const result = await reply;
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null) child.kill();
        return result;
      })();
      return stopped;
    },
    async readAudit() {
      const text = await readFile(auditFile, 'utf8');
      return text.split('\n').filter((line) => line !== '');
    },
    cleanUp: () => rm(dir, { recursive: true, force: true }),
  };
}
