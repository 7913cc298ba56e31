import type { IncomingMessage } from 'node:http';

const FORM = 'application/x-www-form-urlencoded';
// Labels of UTF-8 in the WHATWG Encoding Standard that a client may reasonably send.
const UTF8_LABELS: ReadonlySet<string> = new Set(['utf-8', 'utf8']);

/** Why a request is refused before its body is read; the error is always `invalid_request`. */
export interface RequestRefusal {
  status: 400 | 405 | 413;
  /** The fixed `error_description` on the wire. */
  description: string;
  /** The detailed reason, for the audit log. */
  reason: string;
  /** Extra response headers (`Allow` for a 405). */
  headers?: Record<string, string>;
}

/** The media type and `charset` of a `Content-Type` value (RFC 9110 §8.3), lower-cased. */
function parseContentType(value: string): { type: string; charset?: string } {
  const [type = '', ...parameters] = value.split(';');
  let charset: string | undefined;
  for (const parameter of parameters) {
    const eq = parameter.indexOf('=');
    if (eq < 0 || parameter.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    charset = parameter
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
  }
  return { type: type.trim().toLowerCase(), ...(charset === undefined ? {} : { charset }) };
}

/**
 * Checks what a token request must be on the wire before its body is read (RFC 6749 §3.2,
 * SECURITY.md): `POST` (else 405 with `Allow: POST`), `Content-Type:
 * application/x-www-form-urlencoded` with no charset other than UTF-8 (a missing content type is
 * refused too, rather than read as an empty form), and a declared length within `maxBytes`
 * (else 413). `OPTIONS` passes, for CORS. Every refusal is `invalid_request`.
 */
export function tokenRequestRefusal(
  req: IncomingMessage,
  path: string,
  maxBytes: number,
): RequestRefusal | undefined {
  if (req.method === 'OPTIONS') return undefined;
  if (req.method !== 'POST') {
    return {
      status: 405,
      description: 'The token endpoint accepts only POST.',
      reason: `${req.method} refused at ${path}: the token endpoint accepts only POST`,
      headers: { Allow: 'POST' },
    };
  }

  const contentType = req.headers['content-type'];
  if (contentType === undefined || contentType.trim() === '') {
    return {
      status: 400,
      description: `The request body must be ${FORM}.`,
      reason: `request without a content-type refused at ${path}`,
    };
  }
  const { type, charset } = parseContentType(contentType);
  if (type !== FORM) {
    return {
      status: 400,
      description: `The request body must be ${FORM}.`,
      reason: `content-type ${type} refused at ${path}`,
    };
  }
  if (charset !== undefined && !UTF8_LABELS.has(charset)) {
    return {
      status: 400,
      description: 'The request body must be encoded in UTF-8.',
      reason: `content-type charset ${charset} refused at ${path}`,
    };
  }

  return oversizedBody(req, path, maxBytes);
}

/** Refuses a request whose declared body is over `maxBytes` (413), on any endpoint. */
export function oversizedBody(
  req: IncomingMessage,
  path: string,
  maxBytes: number,
): RequestRefusal | undefined {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared <= maxBytes) return undefined;
  return {
    status: 413,
    description: 'The request body is too large.',
    reason: `request body of ${req.headers['content-length']} bytes refused at ${path}`,
  };
}
