import { z } from 'zod';

const MAX_ERROR_LENGTH = 64;
const MAX_DESCRIPTION_LENGTH = 200;

const errorBodySchema = z.object({
  error: z.string().min(1),
  error_description: z.string().optional(),
});

/** An OAuth error as a server answered it, made safe to put in a message. */
export interface OAuthErrorText {
  error: string;
  errorDescription?: string;
}

/**
 * Keeps only the characters RFC 6749 §5.2 allows in `error` and `error_description`
 * (%x20-21 / %x23-5B / %x5D-7E), squeezes spaces and caps the length, so a server's answer
 * cannot inject control characters or flood a message.
 */
export function sanitiseOAuthText(text: string, max: number): string {
  const clean = text
    .replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** Makes a server's `error` and `error_description` safe for a message (see above). */
export function oauthErrorText(error: string, description?: string | null): OAuthErrorText {
  const safeDescription =
    description == null ? '' : sanitiseOAuthText(description, MAX_DESCRIPTION_LENGTH);
  return {
    error: sanitiseOAuthText(error, MAX_ERROR_LENGTH),
    ...(safeDescription === '' ? {} : { errorDescription: safeDescription }),
  };
}

/**
 * Reads an RFC 6749 §5.2 error body (`{ error, error_description }`) from a JSON response;
 * `undefined` for any other answer (an HTML page, an empty body, invalid JSON).
 */
export async function readOAuthErrorBody(response: Response): Promise<OAuthErrorText | undefined> {
  if (!/\bjson\b/i.test(response.headers.get('content-type') ?? '')) {
    await response.body?.cancel();
    return undefined;
  }
  const parsed = errorBodySchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) return undefined;
  return oauthErrorText(parsed.data.error, parsed.data.error_description);
}

/** `error (description)`, or `error` alone, for a message. */
export function describeOAuthError(text: OAuthErrorText): string {
  return text.errorDescription ? `${text.error} (${text.errorDescription})` : text.error;
}
