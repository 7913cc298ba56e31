import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { demo } from '@onbehalf/local-org';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebStack, type WebStack } from '../src/stack.js';
import { CookieClient } from './cookie-client.js';
import { signInThroughOrg } from './sign-in-flow.js';

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>';
const JWT = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/;
const hostileUser = {
  id: '00u-hostile',
  username: 'mallory@example.com',
  email: 'mallory@example.com',
  password: 'mallory-password',
  name: `Mallory ${HOSTILE}`,
};

let stack: WebStack;
let resources: Server;
let resourcesUrl: string;
/** What the hostile resources answer: `echo` sends back the credential they were given. */
let mode: 'echo' | 'refuse-echo' = 'echo';

async function drain(request: IncomingMessage): Promise<void> {
  for await (const _chunk of request) {
    // read and drop
  }
}

/**
 * Resource APIs that misbehave on purpose: they accept any credential, put markup in every
 * value, echo the credential they were sent under innocent names, and add a token of their own.
 */
async function startHostileResources(): Promise<void> {
  const { privateKey } = await generateKeyPair('ES256');
  const hostileToken = await new SignJWT({ sub: HOSTILE, [HOSTILE]: HOSTILE })
    .setProtectedHeader({ alg: 'ES256', typ: HOSTILE, kid: `"><${HOSTILE}` })
    .sign(privateKey);

  resources = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    await drain(request);
    const authorization = request.headers.authorization ?? '';
    const apiKey = String(request.headers['x-api-key'] ?? '');
    const basicPassword = Buffer.from(authorization.replace(/^Basic /, ''), 'base64')
      .toString('utf8')
      .split(':')
      .slice(1)
      .join(':');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const echoed =
      path === '/todo/todos'
        ? authorization
        : path === '/inventory/inventory'
          ? apiKey
          : basicPassword;

    if (mode === 'refuse-echo') {
      send(
        401,
        { error: echoed, error_description: echoed },
        { 'www-authenticate': `Bearer error="${echoed}", error_description="${HOSTILE}"` },
      );
      return;
    }
    if (path === '/todo/todos' && request.method === 'POST') {
      send(201, { todo: { id: '1', title: HOSTILE, done: false, createdAt: HOSTILE } });
    } else if (path === '/todo/todos') {
      send(200, {
        user: authorization.slice('Bearer '.length),
        todos: [{ id: HOSTILE, title: HOSTILE, done: false, createdAt: HOSTILE }],
        access_token: hostileToken,
        debug: authorization,
      });
    } else if (path === '/inventory/inventory') {
      send(200, { items: [{ sku: HOSTILE, name: apiKey, quantity: 1 }], echo: apiKey });
    } else if (path === '/reports/reports') {
      send(200, { account: basicPassword, report: { week: HOSTILE, note: basicPassword } });
    } else {
      send(404, { error: 'not_found' });
    }
  });
  await new Promise<void>((resolve) => resources.listen(0, '127.0.0.1', resolve));
  resourcesUrl = `http://127.0.0.1:${(resources.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  await startHostileResources();
  stack = await startWebStack(
    {
      TODO_API_URL: `${resourcesUrl}/todo`,
      INVENTORY_API_URL: `${resourcesUrl}/inventory`,
      REPORTS_API_URL: `${resourcesUrl}/reports`,
    },
    { configureOrg: (config) => config.users?.push(hostileUser) },
  );
});
afterAll(async () => {
  await stack.stop();
  await new Promise((resolve) => resources.close(resolve));
});

/** Nothing raw that the user must not see, and no markup from any server. */
function expectSafe(html: string): void {
  expect(html).not.toContain(demo.secretValue.apiKey);
  expect(html).not.toContain(demo.serviceAccount.password);
  expect(html).not.toContain(hostileUser.password);
  expect(html).not.toMatch(JWT);
  expect(html).not.toContain('<script>alert');
  expect(html).not.toContain('<img src=x');
}

function expectSecurityHeaders(response: Response): void {
  const csp = response.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('script-src');
  expect(response.headers.get('x-frame-options')).toMatch(/DENY|SAMEORIGIN/);
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('cache-control')).toBe('no-store');
}

function expectNoRawSecretHeader(response: Response): void {
  for (const [name, value] of response.headers) {
    if (name === 'set-cookie') continue;
    expect(value).not.toMatch(JWT);
    expect(value).not.toContain(demo.secretValue.apiKey);
  }
}

describe('pages against hostile claims and hostile resources', () => {
  const client = new CookieClient();

  beforeAll(async () => {
    const { finalUrl } = await signInThroughOrg(client, stack.url, hostileUser);
    expect(finalUrl).toBe(`${stack.url}/me`);
  });

  it('escapes the user’s name claim on the user page', async () => {
    const response = await client.send(`${stack.url}/me`);
    const html = await response.text();
    expect(html).toContain('Mallory &lt;script&gt;');
    expectSafe(html);
    expectSecurityHeaders(response);
    expectNoRawSecretHeader(response);
  });

  for (const path of ['xaa', 'secret', 'service-account']) {
    it(`masks a credential the ${path} resource echoes back, and escapes its markup`, async () => {
      mode = 'echo';
      const response = await client.send(`${stack.url}/paths/${path}`, { method: 'POST' });
      const html = await response.text();
      expect(html).toContain('id="result"');
      expect(html).toContain('&lt;script&gt;');
      expectSafe(html);
      expectSecurityHeaders(response);
      expectNoRawSecretHeader(response);
    });

    it(`masks a credential the ${path} resource echoes in its refusal`, async () => {
      mode = 'refuse-echo';
      const response = await client.send(`${stack.url}/paths/${path}`, { method: 'POST' });
      const html = await response.text();
      expect(response.status).toBe(502);
      expect(html).toContain('data-ok="false"');
      expectSafe(html);
      expectSecurityHeaders(response);
    });
  }

  it('sends the CSRF refusal, like every page, with no-store and the security headers', async () => {
    const pages = [
      await fetch(`${stack.url}/`),
      await fetch(`${stack.url}/nowhere`),
      await fetch(`${stack.url}/callback?code=x&state=y`),
      await fetch(`${stack.url}/logout`, { method: 'POST', headers: { origin: 'null' } }),
      await client.send(`${stack.url}/paths/nope`),
      await fetch(`${stack.url}/login`, { redirect: 'manual' }),
    ];
    for (const [index, response] of pages.entries()) {
      expect(response.headers.get('cache-control'), `page ${index}`).toBe('no-store');
      expectSecurityHeaders(response);
      expectNoRawSecretHeader(response);
      expectSafe(await response.text());
    }
  });
});

describe('CSRF and redirects', () => {
  const victim = new CookieClient();
  let session = '';

  beforeAll(async () => {
    await signInThroughOrg(victim, stack.url);
    session = victim.cookie(stack.url, 'onbehalf_session') ?? '';
    expect(session).not.toBe('');
  });

  /** A POST with the victim's cookie and exactly the given headers. */
  function forged(path: string, headers: Record<string, string>, body?: string) {
    return fetch(`${stack.url}${path}`, {
      method: 'POST',
      headers: { cookie: `onbehalf_session=${session}`, ...headers },
      body,
      redirect: 'manual',
    });
  }

  it('refuses cross-origin, null-origin and origin-less form posts to run an agent or sign out', async () => {
    const attempts: Record<string, string>[] = [
      { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      { origin: 'null', 'content-type': 'application/x-www-form-urlencoded' },
      { 'content-type': 'application/x-www-form-urlencoded' },
      { 'content-type': 'multipart/form-data; boundary=x' },
      { 'content-type': 'text/plain' },
      {},
      { origin: stack.url.replace('127.0.0.1', 'localhost') },
      { origin: `${stack.url}.evil.example` },
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of attempts) {
      for (const path of ['/paths/secret', '/logout']) {
        const response = await forged(path, headers, 'a=b');
        expect(response.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
        expect(response.headers.getSetCookie()).toEqual([]);
      }
    }
    // The session survived every attempt; a same-origin post still works.
    mode = 'echo';
    expect((await victim.send(`${stack.url}/me`)).status).toBe(200);
    const own = await forged('/paths/secret', { origin: stack.url });
    expect(own.status).toBe(200);
  });

  it('redirects only to its own pages, whatever the query says', async () => {
    const probes = [
      '/logout?next=https://evil.example',
      '/logout?returnTo=//evil.example',
      '/logout?post_logout_redirect_uri=https://evil.example',
    ];
    for (const probe of probes) {
      const response = await fetch(`${stack.url}${probe}`, {
        method: 'POST',
        headers: { origin: stack.url },
        redirect: 'manual',
      });
      expect(response.headers.get('location')).toBe('/');
    }
    for (const probe of [
      '/?next=https://evil.example',
      '/me?returnTo=https://evil.example',
      '//evil.example/',
      '/\\evil.example/',
      '/login?redirect_uri=https://evil.example/cb',
    ]) {
      const response = await fetch(`${stack.url}${probe}`, { redirect: 'manual' });
      const location = response.headers.get('location');
      if (location === null) continue;
      const target = new URL(location, stack.url);
      expect([stack.url, stack.org?.issuer]).toContain(target.origin);
      if (target.origin === stack.org?.issuer) {
        expect(target.searchParams.get('redirect_uri')).toBe(`${stack.url}/callback`);
      }
    }
  });
});
