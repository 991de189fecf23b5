import { buildApp } from './app.js';
import type { ApiDeps } from './deps.js';

export interface RunningApi {
  /** The address the server listens on, e.g. http://127.0.0.1:5007. */
  url: string;
  /** Stops accepting connections and waits for in-flight requests; the deps stay open (the caller owns them). */
  close: () => Promise<void>;
}

/** Builds the API and listens on API_HOST:API_PORT (port 0 picks a free one). */
export async function startApi(deps: ApiDeps): Promise<RunningApi> {
  const app = await buildApp(deps);
  const url = await app.listen({ host: deps.config.API_HOST, port: deps.config.API_PORT });
  deps.logger.info({ url, docs: `${url}/docs` }, 'API listening');
  return { url, close: () => app.close() };
}
