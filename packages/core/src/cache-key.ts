import { sha256 } from './hash.js';
import type { Subject } from './subject.js';

/** Everything that shapes a credential, and so must be part of its cache key. */
export interface CacheKeyParts {
  /** The configured issuer and token endpoint. */
  readonly server: readonly (string | undefined)[];
  readonly clientId: string;
  readonly subject: Subject;
  readonly adapter: string;
  /** The adapter's form fields (audience, resource, scope, ...). */
  readonly form: Readonly<Record<string, string>>;
  /** What the adapter's `cacheKey` adds beyond the form fields. */
  readonly extra: readonly string[];
}

/** Space-separated scope tokens sorted and de-duplicated, so their order never splits a key. */
export function normaliseScope(scope: string): string {
  return [...new Set(scope.split(/\s+/).filter(Boolean))].sort().join(' ');
}

/**
 * A cache key: a hash over the server, the client, the user's identity and exact token, the
 * adapter, its form fields (sorted, with scopes sorted) and the eviction generations. Hashed
 * so no identifier of the user reaches a shared store in clear.
 */
export function cacheKey(parts: CacheKeyParts, generations: readonly string[]): string {
  const form = Object.keys(parts.form)
    .sort()
    .map((name) => {
      const value = parts.form[name] ?? '';
      return [name, name === 'scope' ? normaliseScope(value) : value];
    });
  const material = JSON.stringify([
    parts.server,
    parts.clientId,
    parts.subject.identity,
    parts.subject.tokenHash,
    parts.adapter,
    form,
    parts.extra,
    generations,
  ]);
  return `onbehalf:credential:${sha256(material)}`;
}
