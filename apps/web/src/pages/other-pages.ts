import type { TraceValue } from '@onbehalf/sample-kit';
import { html } from 'hono/html';
import type { Session } from '../session.js';
import { layout, type Markup } from './layout.js';
import { PATH_INFO } from './path-page.js';
import { valueView } from './values.js';

/** The signed-out home page. */
export function homePage(): Markup {
  return layout(
    'Sign in',
    html`<h1>An AI agent, acting on your behalf</h1>
<p>Sign in at the org. The app then hands your ID token to three agents, and shows how each
one turns it into the credential its resource needs.</p>
<p><a class="button" id="sign-in" href="/login">Sign in</a></p>`,
    false,
  );
}

/** The signed-in user: who they are, their ID token decoded, and the three paths. */
export function userPage(session: Session, idToken: TraceValue): Markup {
  return layout(
    'You',
    html`<h1>Signed in as <span id="user-name">${session.name ?? session.email ?? session.sub}</span></h1>
<div class="card">
  <table>
    <tr><th>user id (sub)</th><td><code>${session.sub}</code></td></tr>
    <tr><th>email</th><td>${session.email ?? '—'}</td></tr>
    <tr><th>ID token</th><td>${valueView(idToken)}</td></tr>
  </table>
</div>
<h2>Let an agent act for you</h2>
<div class="paths">
  ${Object.entries(PATH_INFO).map(
    ([path, info]) => html`<div class="card">
    <h3>${info.title}</h3>
    <p>${info.intro}</p>
    <a class="button" href="/paths/${path}">Open</a>
  </div>`,
  )}
</div>`,
    true,
  );
}

/** A sign-in or request error: the code the server sent and what the user can do. */
export function errorPage(
  title: string,
  failure: { error?: string | undefined; description?: string | undefined; advice: string },
  signedIn: boolean,
): Markup {
  return layout(
    title,
    html`<h1>${title}</h1>
<div class="card failure" id="failure">
  <p>${failure.advice}</p>
  ${failure.error ? html`<p>Server error code: <code>${failure.error}</code></p>` : ''}
  ${failure.description ? html`<p>The server says: ${failure.description}</p>` : ''}
</div>
<p><a href="/">Back to the start</a></p>`,
    signedIn,
  );
}
