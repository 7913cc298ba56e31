import type { ServerResponse } from 'node:http';

/**
 * Answers `status` with `body` as JSON and `Cache-Control: no-store` (RFC 6749 §5.1: every token
 * endpoint answer), plus any extra `headers`.
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
  });
  res.end(JSON.stringify(body));
}
