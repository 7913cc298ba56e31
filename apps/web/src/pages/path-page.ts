import type { PathName, PathResult } from '@onbehalf/sample-kit';
import { html } from 'hono/html';
import { layout, type Markup } from './layout.js';
import { sequenceView } from './sequence.js';
import { fieldsTable } from './values.js';

/** What each path page says about its path before it runs. */
export const PATH_INFO: Record<PathName, { title: string; intro: string; button: string }> = {
  xaa: {
    title: 'Cross App Access',
    intro:
      'The agent trades your ID token for an ID-JAG at the org (token exchange), trades the ID-JAG for an access token at the todo API’s authorization server (JWT bearer grant), then adds a todo and lists your todos.',
    button: 'Run the todo agent',
  },
  secret: {
    title: 'Vaulted secret',
    intro:
      'The agent trades your ID token for the inventory API’s key, held in the org’s vault, then calls the inventory API with it in the X-API-Key header.',
    button: 'Run the inventory agent',
  },
  'service-account': {
    title: 'Service account',
    intro:
      'The agent trades your ID token for the reports service account’s user name and password, held in the org’s vault, then logs in to the reports API with HTTP Basic.',
    button: 'Run the reports agent',
  },
};

/** A path's page: what it does, the button that runs it, and the last run's result. */
export function pathPage(path: PathName, result: PathResult | undefined): Markup {
  const info = PATH_INFO[path];
  return layout(
    info.title,
    html`<h1>${info.title}</h1>
<p>${info.intro}</p>
<form method="post" action="/paths/${path}">
  <button type="submit" id="run">${info.button}</button>
</form>
${result ? resultView(result) : ''}`,
    true,
  );
}

function resultView(result: PathResult): Markup {
  return html`<section id="result" data-ok="${String(result.ok)}">
  <h2>What happened</h2>
  ${result.ok ? successView(result) : failureView(result)}
  <h2>Each hop</h2>
  ${
    result.fromCache
      ? html`<p class="card note" id="from-cache">No token request this time: the agent reused
  the credential it had cached for you. It keeps it until shortly before it expires; signing out
  drops it.</p>`
      : ''
  }
  ${sequenceView(result.hops)}
</section>`;
}

function successView(result: PathResult): Markup {
  return html`<div class="card success">
  <p class="ok"><strong>It worked:</strong> ${result.summary}</p>
  <h4>What the agent was granted</h4>
  ${fieldsTable(result.credential ?? [])}
  <h4>The resource’s answer</h4>
  <pre id="answer">${JSON.stringify(result.answer, null, 2)}</pre>
</div>`;
}

function failureView(result: PathResult): Markup {
  const failure = result.failure;
  if (!failure) return html``;
  return html`<div class="card failure" id="failure">
  <p class="bad"><strong>It failed.</strong> ${failure.advice}</p>
  <table>
    <tr><th>code</th><td><code>${failure.code}</code></td></tr>
    ${failure.serverError ? html`<tr><th>server error</th><td><code>${failure.serverError}</code></td></tr>` : ''}
    ${failure.description ? html`<tr><th>server says</th><td>${failure.description}</td></tr>` : ''}
    ${failure.status ? html`<tr><th>HTTP status</th><td>${failure.status}</td></tr>` : ''}
    ${failure.step ? html`<tr><th>step</th><td>${failure.step}</td></tr>` : ''}
  </table>
</div>`;
}
