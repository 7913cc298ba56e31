import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demo } from '@onbehalf/local-org';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebStack, type WebStack } from '../src/index.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts');
const JWT = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/;
const missing = !existsSync(CHROMIUM);

// Without CI a machine may lack Chromium: say so and skip. In CI a missing browser fails below.
if (missing && !process.env.CI) {
  console.warn(`Browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium).`);
}

describe.skipIf(missing && !process.env.CI)('web app in Chromium', () => {
  let stack: WebStack;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const consoleMessages: string[] = [];
  let signedIn = false;

  beforeAll(async () => {
    if (missing) throw new Error(`Chromium is required in CI: nothing at ${CHROMIUM}.`);
    mkdirSync(ARTIFACTS, { recursive: true });
    stack = await startWebStack({});
    profile = mkdtempSync(join(tmpdir(), 'onbehalf-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    context.setDefaultTimeout(10_000);
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => consoleMessages.push(message.text()));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await stack?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** Signs in at the org's own page (or passes through when the org session still lasts). */
  async function signIn(): Promise<void> {
    await page.goto(stack.url);
    await page.click('#sign-in');
    await page.waitForURL(
      (url) => url.pathname === '/me' || url.href.startsWith(stack.org?.issuer ?? ''),
    );
    if (new URL(page.url()).pathname !== '/me') {
      await page.fill('#username', demo.user.username);
      await page.fill('#password', demo.user.password);
      await page.click('button[type=submit]');
      try {
        await page.waitForURL(`${stack.url}/me`);
      } catch {
        throw new Error(
          `The org's sign-in did not come back to the app's callback. Browser console: ${consoleMessages.join(' | ')}`,
        );
      }
    }
  }

  /** Runs a path from its page and returns the page's HTML after checking it leaks nothing. */
  async function runPath(path: string, screenshot = path): Promise<string> {
    expect(signedIn, 'the sign-in (first test) failed').toBe(true);
    await page.goto(`${stack.url}/paths/${path}`);
    await Promise.all([page.waitForSelector('#result'), page.click('#run')]);
    const html = await page.content();
    expect(html).not.toContain(demo.secretValue.apiKey);
    expect(html).not.toContain(demo.serviceAccount.password);
    expect(html).not.toContain(demo.agentPrivateJwk.d);
    expect(html).not.toMatch(JWT);
    await page.screenshot({ path: join(ARTIFACTS, `${screenshot}.png`), fullPage: true });
    return html;
  }

  const tokenHops = () =>
    page.$$eval('section.hop .title', (titles) =>
      titles
        .map((title) => title.textContent ?? '')
        .filter((text) => /token exchange|JWT bearer/i.test(text)),
    );

  it('signs the demo user in through the org’s sign-in page', async () => {
    await signIn();
    signedIn = true;
    expect(await page.textContent('#user-name')).toBe(demo.user.name);
    expect(await page.content()).not.toMatch(JWT);
    // The session cookie is HttpOnly: page scripts cannot read it.
    expect(await page.evaluate(() => document.cookie)).toBe('');
    const cookies = await context.cookies(stack.url);
    expect(cookies.find((cookie) => cookie.name === 'onbehalf_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
    });
  });

  it('runs Cross App Access and shows the todo API’s answer and each hop', async () => {
    const html = await runPath('xaa');
    expect(await page.getAttribute('#result', 'data-ok')).toBe('true');
    expect(await page.textContent('#answer')).toContain('Book a room for the quarterly review');
    expect(html).toContain('oauth-id-jag+jwt');
    expect(await tokenHops()).toHaveLength(2);
  });

  it('runs the vaulted secret path and shows the inventory, key masked', async () => {
    const html = await runPath('secret');
    expect(await page.getAttribute('#result', 'data-ok')).toBe('true');
    expect(await page.textContent('#answer')).toContain('LAP-14');
    expect(html).toContain('vaulted_secret.apiKey');
  });

  it('runs the service account path and shows the report, password masked', async () => {
    await runPath('service-account');
    expect(await page.getAttribute('#result', 'data-ok')).toBe('true');
    expect(await page.textContent('#answer')).toContain(demo.serviceAccount.username);
  });

  it('signs out: the session is gone and the agents forgot the user’s credentials', async () => {
    expect(signedIn, 'the sign-in (first test) failed').toBe(true);
    // Before sign-out the agent answers from its cache: no token request, and the page says so.
    await runPath('xaa', 'xaa-from-cache');
    expect(await tokenHops()).toHaveLength(0);
    expect(await page.isVisible('#from-cache')).toBe(true);

    await Promise.all([page.waitForURL(`${stack.url}/`), page.click('#sign-out')]);
    const cookies = await context.cookies(stack.url);
    expect(cookies.find((cookie) => cookie.name === 'onbehalf_session')).toBeUndefined();

    await page.goto(`${stack.url}/me`);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.isVisible('#sign-in')).toBe(true);
    const refused = await page.request.post(`${stack.url}/paths/xaa`, {
      headers: { origin: stack.url },
      maxRedirects: 0,
    });
    expect(refused.status()).toBe(302);

    // Signed in again, the agent has to exchange anew: nothing was left in its cache.
    await signIn();
    await runPath('xaa', 'xaa-after-sign-out');
    expect(await tokenHops()).toHaveLength(2);
    expect(await page.isVisible('#from-cache')).toBe(false);
  });
});
