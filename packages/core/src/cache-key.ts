import { BoundedMemo } from './bounded-memo.js';
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

/** Most keys remembered per subject (one per adapter, form and generations in use). */
export const KEY_MEMO_ENTRIES_PER_SUBJECT = 16;
// Keys remembered per (frozen, memoised) `Subject`, so the lookup string leaves out its hashes;
// it holds the adapter's form fields, never the raw subject token, and stays in this process.
// An entry goes when its `Subject` is no longer referenced.
const bySubject = new WeakMap<Subject, BoundedMemo<string>>();

/** Space-separated scope tokens sorted and de-duplicated, so their order never splits a key. */
export function normaliseScope(scope: string): string {
  return [...new Set(scope.split(/\s+/).filter(Boolean))].sort().join(' ');
}

/**
 * A cache key: a hash over the server, the client, the user's identity and exact token, the
 * adapter, its form fields (sorted, with scopes sorted) and the eviction generations. Hashed
 * so no identifier of the user reaches a shared store in clear. The hash of a repeated material
 * is remembered (bounded); the generations are part of the material, so an eviction still
 * changes the key.
 */
export function cacheKey(parts: CacheKeyParts, generations: readonly string[]): string {
  const form = Object.keys(parts.form)
    .sort()
    .map((name): [string, string] => {
      const value = parts.form[name] ?? '';
      return [name, name === 'scope' ? normaliseScope(value) : value];
    });
  const lookup = lookupKey(parts, form, generations);
  let hashes = bySubject.get(parts.subject);
  if (hashes === undefined) {
    hashes = new BoundedMemo<string>(KEY_MEMO_ENTRIES_PER_SUBJECT, 16_384);
    bySubject.set(parts.subject, hashes);
  }
  const known = hashes.get(lookup);
  if (known !== undefined) return known;
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
  const key = `onbehalf:credential:${sha256(material)}`;
  hashes.set(lookup, key);
  return key;
}

/**
 * The parts of the material but the subject (the memo is per subject), each string
 * length-prefixed so the concatenation is unambiguous (two different part lists never give one
 * string), and cheaper to build than JSON.
 */
function lookupKey(
  parts: CacheKeyParts,
  form: readonly (readonly [string, string])[],
  generations: readonly string[],
): string {
  let key = `${list(parts.server)}${field(parts.clientId)}${field(parts.adapter)}${form.length}[`;
  for (const [name, value] of form) key += `${field(name)}${field(value)}`;
  return `${key}${list(parts.extra)}${list(generations)}`;
}

function list(values: readonly (string | undefined)[]): string {
  let out = `${values.length}[`;
  for (const value of values) out += field(value);
  return out;
}

function field(value: string | undefined): string {
  return value === undefined ? 'u' : `${value.length}:${value}`;
}
