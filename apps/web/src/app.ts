import { type PathName, type SampleAgent, tokenValue } from '@onbehalf/sample-kit';
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { type OidcSettings, OidcSignIn, SignInError } from './oidc.js';
import { errorPage, homePage, userPage } from './pages/other-pages.js';
import { PATH_INFO, pathPage } from './pages/path-page.js';
import {
  CookieSealer,
  pendingSignInSchema,
  type Session,
  SignedOutSessions,
  sessionSchema,
} from './session.js';

/** How the web app signs users in and which agents it runs. */
export interface WebAppOptions {
  readonly oidc: OidcSettings;
  /** The agents the path pages run, one per path. */
  readonly agents: readonly SampleAgent[];
  /**
   * 32 bytes, base64url, that encrypt the cookies. Unset: a random key, so sessions end when
   * the process restarts.
   */
  readonly sessionKey?: string | undefined;
  /** Called with errors nobody expected; nothing secret is in them. Defaults to `console.error`. */
  readonly reportError?: ((error: unknown) => void) | undefined;
}

const SESSION_COOKIE = 'onbehalf_session';
const PENDING_COOKIE = 'onbehalf_sign_in';
const SESSION_SECONDS = 8 * 60 * 60;
const PENDING_SECONDS = 10 * 60;

/**
 * The web app: signs the user in at the org (OpenID Connect, Authorization Code + PKCE), keeps
 * the session in an encrypted HttpOnly SameSite=Lax cookie, and runs an agent per path with
 * the user's ID token, showing each hop. Sign-out clears the session and makes every agent
 * forget the credentials it cached for the user.
 *
 * Sign-out ends the app's session only, not the org's: signing in again may not ask for the
 * password while the org's own session lasts.
 */
export function createWebApp(options: WebAppOptions): Hono {
  const signIn = new OidcSignIn(options.oidc);
  const sealer = CookieSealer.from(options.sessionKey);
  const secure = new URL(options.oidc.redirectUri).protocol === 'https:';
  const agents = new Map(options.agents.map((agent) => [agent.path, agent]));
  const reportError = options.reportError ?? ((error: unknown) => console.error(describe(error)));
  const cookie = { httpOnly: true, sameSite: 'Lax', secure, path: '/' } as const;

  const signedOut = new SignedOutSessions();

  const readSession = async (c: Context): Promise<Session | undefined> => {
    const session = await sealer.open('session', getCookie(c, SESSION_COOKIE), sessionSchema);
    return session && !signedOut.has(session.sid) ? session : undefined;
  };

  const app = new Hono();
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'unsafe-inline'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      referrerPolicy: 'no-referrer',
    }),
  );
  // Before csrf(): its refusal page must not be stored either.
  app.use(async (c, next) => {
    await next();
    c.header('cache-control', 'no-store');
  });
  app.use(csrf());

  app.get('/', async (c) => ((await readSession(c)) ? c.redirect('/me') : c.html(homePage())));

  app.get('/login', async (c) => {
    const { url, pending } = await signIn.start();
    setCookie(c, PENDING_COOKIE, await sealer.seal('sign-in', pending, PENDING_SECONDS), {
      ...cookie,
      maxAge: PENDING_SECONDS,
    });
    return c.redirect(url.href);
  });

  app.get('/callback', async (c) => {
    const sealed = getCookie(c, PENDING_COOKIE);
    const pending = await sealer.open('sign-in', sealed, pendingSignInSchema);
    deleteCookie(c, PENDING_COOKIE, cookie);
    if (!pending) {
      // Cookies belong to one host: a sign-in started at localhost never reaches 127.0.0.1.
      const start = new URL('/', options.oidc.redirectUri).href;
      const advice =
        sealed === undefined
          ? `No sign-in was started in this browser at this address. Start again at ${start}.`
          : 'The sign-in took too long or was started in another browser. Sign in again.';
      const title = sealed === undefined ? 'No sign-in in progress' : 'Sign-in expired';
      return c.html(errorPage(title, { advice }, false), 400);
    }

    const { idToken, claims } = await signIn.finish(new URL(c.req.url).search, pending);
    const session: Session = sessionSchema.parse({
      sid: crypto.randomUUID(),
      idToken,
      sub: claims.sub,
      name: typeof claims.name === 'string' ? claims.name : undefined,
      email: typeof claims.email === 'string' ? claims.email : undefined,
    });
    setCookie(c, SESSION_COOKIE, await sealer.seal('session', session, SESSION_SECONDS), {
      ...cookie,
      maxAge: SESSION_SECONDS,
    });
    return c.redirect('/me');
  });

  app.get('/me', async (c) => {
    const session = await readSession(c);
    if (!session) return c.redirect('/');
    return c.html(userPage(session, tokenValue(session.idToken)));
  });

  app.get('/paths/:path', async (c) => {
    const session = await readSession(c);
    if (!session) return c.redirect('/');
    const path = pathName(c.req.param('path'));
    if (!path || !agents.has(path)) return c.notFound();
    return c.html(pathPage(path, undefined));
  });

  app.post('/paths/:path', async (c) => {
    const session = await readSession(c);
    if (!session) return c.redirect('/');
    const path = pathName(c.req.param('path'));
    const agent = path ? agents.get(path) : undefined;
    if (!path || !agent) return c.notFound();
    const result = await agent.run(session.idToken);
    return c.html(pathPage(path, result), result.ok ? 200 : 502);
  });

  app.post('/logout', async (c) => {
    const session = await readSession(c);
    deleteCookie(c, SESSION_COOKIE, cookie);
    if (session) {
      signedOut.add(session.sid, Date.now() + SESSION_SECONDS * 1000);
      await Promise.all(options.agents.map((agent) => agent.evict(session.idToken)));
    }
    return c.redirect('/');
  });

  app.notFound((c) =>
    c.html(errorPage('Not found', { advice: 'There is no such page here.' }, false), 404),
  );

  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status === 403) {
      return c.html(
        errorPage(
          'Refused',
          { advice: 'Forms of this app can only be sent from its own pages.' },
          false,
        ),
        403,
      );
    }
    if (error instanceof SignInError) {
      return c.html(
        errorPage(
          'Sign-in failed',
          {
            error: error.error,
            description: error.description,
            advice:
              'Sign in again. If it keeps failing, check the web app’s registration at the org.',
          },
          false,
        ),
        502,
      );
    }
    reportError(error);
    return c.html(
      errorPage(
        'Something went wrong',
        { advice: 'Try again; the server log has details.' },
        false,
      ),
      500,
    );
  });

  return app;
}

function pathName(value: string): PathName | undefined {
  return Object.hasOwn(PATH_INFO, value) ? (value as PathName) : undefined;
}

/** An error's name and message; our errors carry no token or secret in either. */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
}
