import type { TraceField, TraceValue } from '@onbehalf/sample-kit';
import { html } from 'hono/html';
import type { Markup } from './layout.js';

const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time']);

/**
 * A traced value: text, a masked secret, or a token decoded to header and claims (only its
 * reference when `seen` holds it already).
 */
export function valueView(value: TraceValue, seen = new Set<string>()): Markup {
  switch (value.kind) {
    case 'text':
      return html`<code>${value.text}</code>`;
    case 'masked':
      return html`<span class="masked" title="secret value, never shown">•••••••• masked</span>`;
    case 'opaque-token':
      return html`<span class="masked">token #${value.ref} (not a JWT; not shown)</span>`;
    case 'jwt':
      if (seen.has(value.ref)) {
        return html`<span class="seen">JWT <code>#${value.ref}</code>: the same token as above</span>`;
      }
      seen.add(value.ref);
      return tokenView(value.ref, value.header, value.claims);
  }
}

/** A JWT as its decoded header and claims; the signature is never shown. */
export function tokenView(
  ref: string,
  header: Readonly<Record<string, unknown>>,
  claims: Readonly<Record<string, unknown>>,
): Markup {
  return html`<details open class="jwt">
  <summary>JWT <code>#${ref}</code> (${String(header.typ ?? 'no typ')}) · decoded, signature not shown</summary>
  <pre>${JSON.stringify(header, null, 2)}</pre>
  <pre>${claimsText(claims)}</pre>
</details>`;
}

function claimsText(claims: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(claims);
  const lines = entries.map(([claim, value], index) => {
    const comma = index < entries.length - 1 ? ',' : '';
    const when =
      TIME_CLAIMS.has(claim) && typeof value === 'number'
        ? `  // ${new Date(value * 1000).toISOString()}`
        : '';
    return `  "${claim}": ${JSON.stringify(value)}${comma}${when}`;
  });
  return `{\n${lines.join('\n')}\n}`;
}

/** Fields as a two-column table; a token already in `seen` is shown by reference only. */
export function fieldsTable(fields: readonly TraceField[], seen?: Set<string>): Markup {
  if (fields.length === 0) return html`<p class="masked">(empty)</p>`;
  return html`<table>
  ${fields.map((field) => html`<tr><th>${field.name}</th><td>${valueView(field.value, seen)}</td></tr>`)}
</table>`;
}
