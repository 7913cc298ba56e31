import type { PathResult } from './path-result.js';
import type { TraceField, TraceValue } from './redact.js';
import type { Hop } from './trace.js';

const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time']);
const NAME_WIDTH = 30;
const CLAIM_WIDTH = 9;
const LINE_WIDTH = 100;

/**
 * Renders a path's result as plain text for a terminal: each hop (caller → callee, request
 * fields, status, response fields), tokens as their decoded header and claims, secrets masked,
 * then what was granted and the resource's answer, or the failure and what to do about it.
 * A token already in `seen` (by its short hash) is printed as a reference only.
 */
export function formatResult(result: PathResult, seen = new Set<string>()): string {
  const heading = `━━ ${result.title} (${result.path}) `;
  const lines: string[] = [heading.padEnd(LINE_WIDTH, '━')];

  if (result.fromCache) {
    lines.push(
      '',
      '(no token request: the agent reused the credential it had cached for this user)',
    );
  }
  result.hops.forEach((hop, index) => {
    lines.push('', ...formatHop(hop, index + 1, seen));
  });

  if (result.credential) {
    lines.push('', 'granted');
    for (const field of result.credential) lines.push(...formatField(field, '  ', seen));
  }
  if (result.ok) {
    lines.push('', 'answer of the resource', indent(JSON.stringify(result.answer, null, 2), '  '));
  }
  if (result.failure) {
    const { failure } = result;
    lines.push(
      '',
      `FAILED: ${failure.code}${failure.serverError ? ` (${failure.serverError})` : ''}`,
    );
    if (failure.description) lines.push(`  server says: ${failure.description}`);
    if (failure.step) lines.push(`  step: ${failure.step}`);
    lines.push(`  what to do: ${failure.advice}`);
  }
  return lines.join('\n');
}

function formatHop(hop: Hop, number: number, seen: Set<string>): string[] {
  const status = hop.status === undefined ? (hop.failure ?? 'no answer') : String(hop.status);
  const lines = [
    `${number}. ${hop.from} → ${hop.to}`,
    `   ${hop.step}`,
    `   ${hop.method} ${hop.url} → ${status}`,
  ];
  if (hop.request.length > 0) {
    lines.push('   request');
    for (const field of hop.request) lines.push(...formatField(field, '     ', seen));
  }
  if (hop.response.length > 0) {
    lines.push('   response');
    for (const field of hop.response) lines.push(...formatField(field, '     ', seen));
  }
  return lines;
}

function formatField(field: TraceField, prefix: string, seen: Set<string>): string[] {
  const name = field.name.padEnd(NAME_WIDTH);
  const [first, ...rest] = formatValue(field.value, seen);
  const pad = ' '.repeat(NAME_WIDTH + 1);
  return [`${prefix}${name} ${first}`, ...rest.map((line) => `${prefix}${pad}${line}`)];
}

/**
 * A value as one or more lines; a JWT as its reference, header and one line per claim, or only
 * its reference when `seen` says it was shown already.
 */
export function formatValue(value: TraceValue, seen = new Set<string>()): string[] {
  switch (value.kind) {
    case 'text':
      return [value.text];
    case 'masked':
      return ['•••••••• (secret, masked)'];
    case 'opaque-token':
      return [`token #${value.ref} (not a JWT; not shown)`];
    case 'jwt': {
      if (seen.has(value.ref)) return [`JWT #${value.ref} (the same token as above)`];
      seen.add(value.ref);
      const claims = Object.entries(value.claims);
      const width = Math.max(CLAIM_WIDTH, ...claims.map(([claim]) => claim.length));
      return [
        `JWT #${value.ref} (${typOf(value.header)}) decoded, not verified; signature not shown`,
        `  ${'header'.padEnd(width)} ${JSON.stringify(value.header)}`,
        ...claims.map(
          ([claim, claimValue]) => `  ${claim.padEnd(width)} ${claimText(claim, claimValue)}`,
        ),
      ];
    }
  }
}

/** The token's `typ` (`oauth-id-jag+jwt` for an ID-JAG, `at+jwt` for an RFC 9068 token). */
function typOf(header: Readonly<Record<string, unknown>>): string {
  return typeof header.typ === 'string' ? header.typ : 'no typ';
}

function claimText(claim: string, value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (TIME_CLAIMS.has(claim) && typeof value === 'number') {
    return `${text} (${new Date(value * 1000).toISOString()})`;
  }
  return text;
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}
