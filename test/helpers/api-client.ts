import type { FastifyInstance } from 'fastify';

/** An answer as a test checks it: the status and the body (parsed when it is JSON). Nothing else, so `toEqual` compares just these. */
export interface ApiResponse {
  status: number;
  /** JSON bodies are checked field by field; `any` keeps those checks readable. */
  body: any;
}

/** The whole answer: also the body's text and size in bytes, and the headers. */
export interface ApiAnswer extends ApiResponse {
  text: string;
  bytes: number;
  /** Lower-case names; a header sent more than once is joined with ', ' as fetch joins it. */
  headers: Record<string, string>;
}

export interface ApiClient {
  get(path: string, headers?: Record<string, string>): Promise<ApiResponse>;
  /** Sends `body` as JSON (or no body when it is undefined). */
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  request(method: 'GET' | 'POST', path: string, options?: { body?: unknown; headers?: Record<string, string> }): Promise<ApiAnswer>;
}

/**
 * One client for both ways a test reaches the API: an app built without a port (Fastify `inject`)
 * or a started service's base URL (`fetch`). `target` is read at each request, so the client can
 * be made before the app or service exists (`apiClient(() => app)`, `apiClient(() => pipeline.api!.url)`).
 */
export function apiClient(target: FastifyInstance | string | (() => FastifyInstance | string)): ApiClient {
  const resolve = () => (typeof target === 'function' && !isFastify(target) ? target() : target);
  const request: ApiClient['request'] = async (method, path, { body, headers = {} } = {}) => {
    const app = resolve();
    const sent = { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers };
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (typeof app === 'string') {
      const res = await fetch(`${app}${path}`, { method, headers: sent, body: payload });
      return answer(res.status, await res.text(), Object.fromEntries(res.headers));
    }
    const res = await app.inject({ method, url: path, headers: sent, payload });
    const flat = Object.entries(res.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v)]);
    return answer(res.statusCode, res.body, Object.fromEntries(flat) as Record<string, string>);
  };
  const short = ({ status, body }: ApiAnswer): ApiResponse => ({ status, body });
  return {
    get: async (path, headers) => short(await request('GET', path, { headers })),
    post: async (path, body, headers) => short(await request('POST', path, { body, headers })),
    request,
  };
}

function answer(status: number, text: string, headers: Record<string, string>): ApiAnswer {
  const isJson = /[/+]json\b/.test(headers['content-type'] ?? '') && text.length > 0;
  return { status, body: isJson ? JSON.parse(text) : text, text, bytes: Buffer.byteLength(text), headers };
}

/** A Fastify instance is told apart from a function returning one by its `inject` method. */
function isFastify(value: unknown): value is FastifyInstance {
  return typeof (value as { inject?: unknown }).inject === 'function';
}
