/**
 * Failed logins per client address, for Bull Board's basic auth. A guesser gets `maxFailures`
 * wrong passwords within `lockoutMs` of the first; the one that reaches the limit locks the address
 * out for `lockoutMs`, during which every request from it is refused before its credentials are
 * looked at, so a right password is refused exactly like a wrong one. When a lockout ends, or
 * `lockoutMs` passes after a first failure without reaching the limit, the count starts again.
 *
 * The counts live in this process's memory (each API instance counts on its own) and are bounded:
 * past `maxClients` addresses, expired ones are dropped first, then the oldest.
 *
 * The clock is passed in, so the behaviour is tested without waiting.
 */

export interface LoginThrottleOptions {
  maxFailures: number;
  lockoutMs: number;
  /** Addresses remembered at most; 10 000 by default. */
  maxClients?: number;
  now?: () => number;
}

/** Whether a client may try its credentials now, and if not, for how many seconds more it is refused. */
export type LoginGate = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** A failed login as counted: the client's failures in its window, and whether this one locked it out. */
export interface CountedFailure {
  failures: number;
  lockedOut: boolean;
}

interface ClientState {
  failures: number;
  /** When the count is forgotten (first failure + lockoutMs), or when the lockout ends. */
  until: number;
  locked: boolean;
}

export class LoginThrottle {
  private readonly clients = new Map<string, ClientState>();
  private readonly maxClients: number;
  private readonly now: () => number;

  constructor(private readonly options: LoginThrottleOptions) {
    this.maxClients = options.maxClients ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Asked before the credentials are compared: a locked-out client is refused whatever it sends. */
  check(client: string): LoginGate {
    const state = this.current(client);
    if (state === undefined || !state.locked) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((state.until - this.now()) / 1000)) };
  }

  /** Counts a wrong user or password from `client`. */
  recordFailure(client: string): CountedFailure {
    const now = this.now();
    let state = this.current(client);
    if (state === undefined) {
      this.makeRoom();
      state = { failures: 0, until: now + this.options.lockoutMs, locked: false };
      this.clients.set(client, state);
    }
    state.failures += 1;
    if (!state.locked && state.failures >= this.options.maxFailures) {
      state.locked = true;
      state.until = now + this.options.lockoutMs;
      return { failures: state.failures, lockedOut: true };
    }
    return { failures: state.failures, lockedOut: false };
  }

  /** Addresses remembered now (for tests of the bound). */
  get size(): number {
    return this.clients.size;
  }

  private current(client: string): ClientState | undefined {
    const state = this.clients.get(client);
    if (state !== undefined && state.until <= this.now()) {
      this.clients.delete(client);
      return undefined;
    }
    return state;
  }

  private makeRoom(): void {
    if (this.clients.size < this.maxClients) return;
    const now = this.now();
    for (const [client, state] of this.clients) if (state.until <= now) this.clients.delete(client);
    // Still full: forget the address remembered longest (Map keeps insertion order).
    while (this.clients.size >= this.maxClients) {
      const oldest = this.clients.keys().next();
      if (oldest.done === true) break;
      this.clients.delete(oldest.value);
    }
  }
}
