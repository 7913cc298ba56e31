import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { BodyTooLargeError, readBody } from '../http/body.js';
import { htmlSecurityHeaders } from '../http/html-security-headers.js';
import type { OrgModel } from '../org-model.js';
import { verifyPassword } from '../password.js';
import { SIGN_IN_PATH } from './org-provider.js';
import { errorPage, signInPage } from './pages.js';

const MAX_FORM_BYTES = 8192;

/** `formTarget` is where a posted form may end up: a successful sign-in ends at the app. */
function send(res: ServerResponse, status: number, html: string, formTarget?: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    ...htmlSecurityHeaders({ formTargets: [formTarget] }),
  });
  res.end(html);
}

/** The origin of the interaction's redirect URI, which oidc-provider has already matched. */
function redirectOrigin(redirectUri: unknown): string | undefined {
  if (typeof redirectUri !== 'string') return undefined;
  try {
    return new URL(redirectUri).origin;
  } catch {
    return undefined;
  }
}

/**
 * Serves the org's sign-in page at `/signin/{uid}` (oidc-provider's interaction URL): `GET`
 * shows the form, `POST` checks the configured user's password and finishes the interaction
 * with a login, sending the browser back to the authorization endpoint. Consent is not asked:
 * configured apps are first-party.
 */
export async function handleSignIn(
  req: IncomingMessage,
  res: ServerResponse,
  provider: Provider,
  org: OrgModel,
): Promise<void> {
  const uid = new URL(req.url ?? '/', 'http://x').pathname.slice(SIGN_IN_PATH.length);
  let details: Awaited<ReturnType<Provider['interactionDetails']>>;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    send(res, 400, errorPage('invalid_request', 'The sign-in session expired. Start again.'));
    return;
  }
  if (details.uid !== uid) {
    send(res, 400, errorPage('invalid_request', 'The sign-in session does not match.'));
    return;
  }
  const action = `${SIGN_IN_PATH}${details.uid}`;
  const clientId = String(details.params.client_id ?? '');
  const formTarget = redirectOrigin(details.params.redirect_uri);

  if (details.prompt.name === 'consent') {
    const grant = new provider.Grant({ clientId, accountId: details.session?.accountId ?? '' });
    grant.addOIDCScope(String(details.params.scope ?? 'openid'));
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
    return;
  }

  if (req.method === 'GET') {
    send(res, 200, signInPage({ action, clientId }), formTarget);
    return;
  }
  if (req.method !== 'POST') {
    res.writeHead(405, { Allow: 'GET, POST' }).end();
    return;
  }

  let form: URLSearchParams;
  try {
    form = new URLSearchParams(await readBody(req, MAX_FORM_BYTES));
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    send(res, 413, errorPage('invalid_request', 'The form is too large.'));
    return;
  }
  const username = form.get('username') ?? '';
  const password = form.get('password') ?? '';
  const user = org.config.users.find((u) => u.username.toLowerCase() === username.toLowerCase());
  const ok = user !== undefined && (await verifyPassword(password, user));
  if (!ok || user === undefined) {
    send(
      res,
      401,
      signInPage({ action, clientId, username, error: 'Wrong username or password.' }),
      formTarget,
    );
    return;
  }
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: user.id, amr: ['pwd'] } },
    { mergeWithLastSubmission: false },
  );
}
