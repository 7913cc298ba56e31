import { ExchangeError, type ExchangeStep } from './errors.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Checks that a configured or discovered URL may carry credentials: `https:` (plain `http:` only
 * for loopback hosts, so a local authorization server works), no user info, no fragment
 * (RFC 6749 §3.2, RFC 9700 §2.6).
 */
export function checkEndpointUrl(value: string, what: string, step: ExchangeStep): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ExchangeError(`"${what}" is not an absolute URL`, { code: 'configuration', step });
  }
  const loopback = LOOPBACK.has(url.hostname) || url.hostname.startsWith('127.');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ExchangeError(`"${what}" must use https (http only on a loopback host)`, {
      code: 'configuration',
      step,
    });
  }
  if (url.username !== '' || url.password !== '' || url.hash !== '') {
    throw new ExchangeError(`"${what}" must not contain user info or a fragment`, {
      code: 'configuration',
      step,
    });
  }
  return url;
}
