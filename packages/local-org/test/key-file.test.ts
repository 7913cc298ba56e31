import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyFileError, startLocalOrg } from '../src/index.js';

let dir: string;
let original: string;
let privateParts: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-org-keys-'));
  const first = await startLocalOrg({ dataDir: join(dir, 'first') });
  await first.stop();
  original = await readFile(join(dir, 'first', 'keys.json'), 'utf8');
  const keys = JSON.parse(original) as { org: Record<string, string> };
  privateParts = ['d', 'p', 'q', 'dp', 'dq', 'qi'].map((member) => keys.org[member] as string);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Starts an org on a data directory whose keys.json holds `text`, and returns the error. */
async function startWith(name: string, text: string): Promise<unknown> {
  const dataDir = join(dir, name);
  await mkdir(dataDir, { recursive: true });
  await writeFile(join(dataDir, 'keys.json'), text);
  const org = await startLocalOrg({ dataDir }).catch((error: unknown) => error);
  if (!(org instanceof Error)) await (org as { stop(): Promise<void> }).stop();
  return org;
}

/** Every 8-character piece of the private key, to look for in what an error shows. */
function expectNoKeyMaterial(error: unknown): void {
  const shown = [
    String(error),
    JSON.stringify(error),
    String((error as Error).cause ?? ''),
    (error as Error).stack ?? '',
  ].join('\n');
  for (const part of privateParts) {
    for (let i = 0; i + 8 <= part.length; i += 4) expect(shown).not.toContain(part.slice(i, i + 8));
  }
}

describe('a damaged keys.json is refused without showing its content', () => {
  it('names the file as not valid JSON when it is cut inside the private key', async () => {
    const at = original.indexOf('"d": "') + 30;
    const error = await startWith('cut', `${original.slice(0, at)} x}`);
    expect(error).toBeInstanceOf(KeyFileError);
    expect((error as KeyFileError).file).toBe(join(dir, 'cut', 'keys.json'));
    expect((error as Error).message).toBe(
      `${join(dir, 'cut', 'keys.json')} is not valid JSON: move it away to start with new keys`,
    );
    expect((error as Error).cause).toBeUndefined();
    expectNoKeyMaterial(error);
  });

  it('names the file as not a key file when a member is missing', async () => {
    const keys = JSON.parse(original) as { org: Record<string, string> };
    delete keys.org.n;
    const error = await startWith('missing', JSON.stringify(keys));
    expect(error).toBeInstanceOf(KeyFileError);
    expect((error as Error).message).toMatch(/missing[/\\]keys\.json is not a local-org key file/);
    expectNoKeyMaterial(error);
  });

  it('names the file as not a key file when its public and private halves do not match', async () => {
    const keys = JSON.parse(original) as {
      org: Record<string, string>;
      servers: Record<string, Record<string, string>>;
    };
    keys.org.n = keys.servers.default?.n as string;
    const error = await startWith('short', JSON.stringify(keys));
    expect(error).toBeInstanceOf(KeyFileError);
    expect((error as Error).message).toMatch(/is not a local-org key file/);
    expectNoKeyMaterial(error);
  });

  it('names the file when it cannot be read', async () => {
    const dataDir = join(dir, 'unreadable');
    await mkdir(join(dataDir, 'keys.json'), { recursive: true });
    const error = await startLocalOrg({ dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyFileError);
    expect((error as Error).message).toBe(`${join(dataDir, 'keys.json')} cannot be read (EISDIR)`);
  });
});
