/** Polls `probe` until it returns a truthy value or `timeoutMs` passes; the error names `what`. */
export async function waitFor<T>(what: string, probe: () => Promise<T> | T, timeoutMs = 20_000, everyMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last value: ${JSON.stringify(last)})`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
