import { scopeTokenSchema } from '@onbehalf/id-jag';
import { z } from 'zod';

/**
 * Scopes given as an array or as one space-separated string (RFC 6749 §3.3), normalised to a
 * de-duplicated list in the order first given. An empty list means "no `scope` parameter".
 */
export const scopeListSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => splitScopes(Array.isArray(value) ? value.join(' ') : value))
  .pipe(z.array(scopeTokenSchema));

/** Splits a space-separated scope string into distinct scopes, in order, ignoring extra spaces. */
export function splitScopes(value: string): string[] {
  return [...new Set(value.split(/[ \t\r\n]+/).filter((scope) => scope !== ''))];
}

/** Joins scopes into the RFC 6749 §3.3 wire form, or `undefined` when there are none. */
export function joinScopes(scopes: readonly string[]): string | undefined {
  return scopes.length === 0 ? undefined : scopes.join(' ');
}

/** True when some requested scope is missing from the granted ones. */
export function isNarrowed(requested: readonly string[], granted: readonly string[]): boolean {
  const grantedSet = new Set(granted);
  return requested.some((scope) => !grantedSet.has(scope));
}

/**
 * True when the grant holds a scope that was not requested. Asking for no scope leaves the
 * choice to the servers, so nothing granted then counts as wider.
 */
export function isWidened(requested: readonly string[], granted: readonly string[]): boolean {
  const requestedSet = new Set(requested);
  return requested.length > 0 && granted.some((scope) => !requestedSet.has(scope));
}
