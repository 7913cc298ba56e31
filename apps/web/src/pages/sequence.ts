import type { Hop } from '@onbehalf/sample-kit';
import { html } from 'hono/html';
import type { Markup } from './layout.js';
import { fieldsTable } from './values.js';

/**
 * The hops of a run as a sequence diagram: one lane per party, and for each hop the request
 * arrow (caller → callee), the answer arrow back, and the request and response fields.
 */
export function sequenceView(hops: readonly Hop[]): Markup {
  if (hops.length === 0) {
    return html`<p class="card">No HTTP request was made.</p>`;
  }

  const lanes = [...new Set(hops.flatMap((hop) => [hop.from, hop.to]))];
  const seen = new Set<string>();
  const columns = `grid-template-columns: repeat(${lanes.length}, 1fr)`;
  return html`<div class="lanes" style="${columns}">
  ${lanes.map((lane) => html`<div class="lane">${lane}</div>`)}
</div>
${hops.map((hop, index) => hopView(hop, index + 1, lanes, columns, seen))}`;
}

function hopView(
  hop: Hop,
  number: number,
  lanes: string[],
  columns: string,
  seen: Set<string>,
): Markup {
  const from = lanes.indexOf(hop.from);
  const to = lanes.indexOf(hop.to);
  const path = new URL(hop.url).pathname;
  const answer = hop.status === undefined ? (hop.failure ?? 'no answer') : String(hop.status);
  const ok = hop.status !== undefined && hop.status < 400;

  return html`<section class="hop" data-hop="${number}">
  <div class="arrows" style="${columns}">
    ${lanes.map((_, lane) => html`<div class="life" style="grid-column: ${lane + 1}"></div>`)}
    ${arrow(from, to, `${hop.method} ${path}`, 1)}
    ${arrow(to, from, answer, 2)}
  </div>
  <div class="title">${number}. ${hop.from} → ${hop.to}: ${hop.step}</div>
  <div class="cols">
    <div>
      <h4>Request · ${hop.method} <code>${hop.url}</code></h4>
      ${fieldsTable(hop.request, seen)}
    </div>
    <div>
      <h4>Response · <span class="status ${ok ? 'ok' : 'bad'}">${answer}</span></h4>
      ${fieldsTable(hop.response, seen)}
    </div>
  </div>
</section>`;
}

function arrow(from: number, to: number, label: string, row: 1 | 2): Markup {
  const start = Math.min(from, to) + 1;
  const span = Math.abs(to - from) + 1;
  const direction = to >= from ? 'right' : 'left';
  const style = `grid-column: ${start} / span ${span}; grid-row: ${row}; --n: ${span}`;
  return html`<div class="arrow ${direction}${row === 2 ? ' back' : ''}" style="${style}">${label}</div>`;
}
