// The JSON API as the page uses it: same origin, errors in the API's { error: { code, message } } shape.

/** A stats computation holds the read lock: the API answered 503 stats_running. */
export class StatsRunningError extends Error {
  constructor(retryAfterSeconds) {
    super('a statistics computation is running');
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class ApiRequestError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

export async function getJson(path, params) {
  const res = await fetch(withQuery(path, params), { headers: { accept: 'application/json' } });
  let body = null;
  try {
    body = await res.json();
  } catch {
    // a non-JSON body is reported below with the status alone
  }
  if (res.ok) return body;
  if (res.status === 503 && body?.error?.code === 'stats_running') {
    throw new StatsRunningError(Number(res.headers.get('retry-after')) || 5);
  }
  throw new ApiRequestError(res.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `HTTP ${res.status}`);
}

/** Follows nextCursor until the last page (or `maxItems`) and returns every item. */
export async function getAll(path, params, maxItems = 200_000) {
  const items = [];
  let cursor;
  do {
    const page = await getJson(path, { ...params, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < maxItems);
  return items;
}

const recent = new Map();

/**
 * `load()`'s result, reused for `maxAgeMs` under `key`: moving between windows or turbines does
 * not re-read the window list, the turbine list and the ledger each time. A refresh clears it.
 */
export function cached(key, maxAgeMs, load) {
  const hit = recent.get(key);
  if (hit && Date.now() - hit.at < maxAgeMs) return hit.promise;
  const promise = load();
  recent.set(key, { at: Date.now(), promise });
  // A failed read (a stats lock, a network error) is not kept.
  promise.catch(() => recent.delete(key));
  return promise;
}

/**
 * Every turbine, following GET /turbines page by page (1000 a page), shared by both views under
 * one cache key: the fleet table and the turbine picker list the whole fleet.
 */
export function allTurbines(maxAgeMs) {
  return cached('turbines', maxAgeMs, () => getAll('/turbines', { limit: 1000 }));
}

export function clearCache() {
  recent.clear();
}
