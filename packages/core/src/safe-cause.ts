/**
 * Copies an error into a plain `Error` holding only its name, message, `code` and (one level
 * of) cause, so a wrapped error can never carry a request, a form body or a key object.
 */
export function safeCause(error: unknown, depth = 0): Error | undefined {
  if (!(error instanceof Error)) {
    return error === undefined ? undefined : new Error(typeof error);
  }
  const inner = depth < 2 ? safeCause(error.cause, depth + 1) : undefined;
  const copy = new Error(error.message, inner === undefined ? undefined : { cause: inner });
  copy.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') {
    Object.defineProperty(copy, 'code', { value: code, enumerable: true });
  }
  // The stack of the original may name a module path, never data: keep only the copy's own.
  return copy;
}
