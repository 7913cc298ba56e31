import { ExchangeError, type ExchangeStep } from './errors.js';

// The WHATWG URL parser writes every IPv4 host in dotted decimal (`127.1` and `0x7f.0.0.1` become
// `127.0.0.1`), so a 127/8 address always matches this; a DNS name such as `127.0.0.1.example`
// never does.
const LOOPBACK_IPV4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || LOOPBACK_IPV4.test(hostname);
}

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
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
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
