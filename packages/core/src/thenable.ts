/**
 * Whether a value is a thenable (Promises/A+ §1.2), so a `CacheStore` that answers synchronously
 * is read without an `await`.
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
