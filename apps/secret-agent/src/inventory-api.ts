import type { RequestListener } from 'node:http';
import {
  type ListenOptions,
  type RunningServer,
  safeEqual,
  sendJson,
  serve,
} from '@onbehalf/sample-kit';

/** The header the inventory API reads its key from. */
export const API_KEY_HEADER = 'x-api-key';

/** The inventory API's key and where it listens. */
export interface InventoryApiOptions extends ListenOptions {
  /** The API key callers must present: the value the vault holds for this API. */
  readonly apiKey: string;
}

/** One stock line of the inventory. */
export interface InventoryItem {
  readonly sku: string;
  readonly name: string;
  readonly quantity: number;
}

const ITEMS: readonly InventoryItem[] = [
  { sku: 'LAP-14', name: 'Laptop, 14 inch', quantity: 12 },
  { sku: 'MON-27', name: 'Monitor, 27 inch', quantity: 31 },
  { sku: 'DCK-USB', name: 'USB-C dock', quantity: 8 },
];

/**
 * The inventory API: `GET /inventory` answers the stock list to a caller that presents the API
 * key in the `X-API-Key` header, compared in constant time. A missing key is refused with 401
 * `missing_api_key`, a wrong one with 401 `invalid_api_key`; both send a `WWW-Authenticate`
 * challenge naming the header. An API key has no audience, scope or expiry of its own: whoever
 * holds it gets in, which is why the agent fetches it from the vault just in time.
 */
export function createInventoryApi(options: InventoryApiOptions): RequestListener {
  if (options.apiKey === '') throw new TypeError('"apiKey" must not be empty.');
  const challenge = `ApiKey realm="inventory", header="X-API-Key"`;

  return (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== '/inventory') {
      sendJson(response, 404, { error: 'not_found' });
      return;
    }
    if (request.method !== 'GET') {
      sendJson(response, 405, { error: 'method_not_allowed' }, { allow: 'GET' });
      return;
    }

    const presented = request.headers[API_KEY_HEADER];
    if (typeof presented !== 'string' || presented === '') {
      sendJson(response, 401, { error: 'missing_api_key' }, { 'www-authenticate': challenge });
      return;
    }
    if (!safeEqual(presented, options.apiKey)) {
      sendJson(response, 401, { error: 'invalid_api_key' }, { 'www-authenticate': challenge });
      return;
    }

    sendJson(response, 200, { items: ITEMS });
  };
}

/** Starts the inventory API on `127.0.0.1` (a free port unless one is given). */
export async function startInventoryApi(options: InventoryApiOptions): Promise<RunningServer> {
  return serve(createInventoryApi(options), options);
}
