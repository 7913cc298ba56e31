import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/onbehalf-local-org.js', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-org-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to its end with `stdin` as input. */
function run(args: string[], stdin = ''): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args]);
  const out = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out.stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    out.stderr += chunk;
  });
  child.stdin.end(stdin);
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, ...out })));
}

/** Resolves once `stream` has printed text matching `pattern`; rejects if the child exits first. */
function printed(
  child: ChildProcessWithoutNullStreams,
  stream: 'stdout' | 'stderr',
  pattern: RegExp,
): Promise<string> {
  let text = '';
  return new Promise((resolve, reject) => {
    child[stream].setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (pattern.test(text)) resolve(text);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ${pattern}`)));
  });
}

/** The lines a failed run printed, checked to be one error line and no stack trace. */
function oneErrorLine(result: Run): string {
  const lines = result.stderr.split('\n').filter((line) => line && !line.includes('WARNING'));
  expect(lines).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  return lines[0] as string;
}

describe('the command line refuses a bad command line with exit status 2', () => {
  it('names an --audit-log path it cannot open, before the org starts', async () => {
    const path = join(dir, 'no-such-dir', 'audit.log');
    const result = await run(['--port', '0', '--audit-log', path]);
    expect(result.code).toBe(2);
    expect(oneErrorLine(result)).toBe(
      `onbehalf-local-org: --audit-log: cannot open ${path} (ENOENT)`,
    );
    expect(result.stdout).not.toContain('running');
  });

  it.each(['', '1e3', '0x50', ' 80', '65536', '4000.0'])('refuses --port %j', async (port) => {
    const result = await run(['--port', port]);
    expect(result.code).toBe(2);
    expect(oneErrorLine(result)).toBe(
      `onbehalf-local-org: --port must be a decimal port number from 0 to 65535, not "${port}"`,
    );
  });

  it.each([
    ['no input', ''],
    ['an empty line', '\n'],
  ])('refuses to hash an empty password (%s)', async (_name, stdin) => {
    const result = await run(['--hash-password'], stdin);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(oneErrorLine(result)).toBe(
      'onbehalf-local-org: --hash-password: the password on stdin is empty',
    );
  });

  it('refuses an unknown option', async () => {
    const result = await run(['--prot', '4000']);
    expect(result.code).toBe(2);
    expect(oneErrorLine(result)).toMatch(/--prot/);
  });
});

describe('an audit log that fails while the org runs', () => {
  it.skipIf(!existsSync('/dev/full'))(
    'is reported once on stderr and the org keeps serving',
    async () => {
      const child = spawn(process.execPath, [BIN, '--port', '0', '--audit-log', '/dev/full']);
      const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
      const started = await printed(child, 'stdout', /Press Ctrl\+C/);
      const issuer = /issuer (http:\/\/127\.0\.0\.1:\d+)/.exec(started)?.[1] as string;
      const failure = printed(child, 'stderr', /cannot write the audit log/);
      let stderr = '';
      child.stderr.on('data', (chunk: string) => {
        stderr += chunk;
      });

      const token = () =>
        fetch(`${issuer}/oauth2/v1/token`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials',
        });
      expect((await token()).status).toBe(401);
      await failure;
      expect((await token()).status).toBe(401);
      expect((await token()).status).toBe(401);
      const discovery = await fetch(`${issuer}/.well-known/openid-configuration`);
      expect(discovery.status).toBe(200);

      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      expect(stderr).toContain(
        'onbehalf-local-org: cannot write the audit log /dev/full (ENOSPC): no more records go to it',
      );
      const lines = stderr.split('\n').filter((line) => line.includes('audit log'));
      expect(lines).toHaveLength(1);
      expect(stderr).not.toMatch(/^\s+at /m);
    },
  );
});
