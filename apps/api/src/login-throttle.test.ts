import { LoginThrottle } from './login-throttle.js';

/** A throttle on a clock the test moves: 3 failures, 60 s lockout. */
function throttleAt(start = 1_000_000, maxClients?: number) {
  const clock = { now: start };
  const throttle = new LoginThrottle({ maxFailures: 3, lockoutMs: 60_000, maxClients, now: () => clock.now });
  return { throttle, clock };
}

describe('LoginThrottle', () => {
  it('allows failures up to the limit; the one reaching it locks the client out for the lockout', () => {
    const { throttle, clock } = throttleAt();
    expect(throttle.check('a')).toEqual({ allowed: true });
    expect(throttle.recordFailure('a')).toEqual({ failures: 1, lockedOut: false });
    expect(throttle.recordFailure('a')).toEqual({ failures: 2, lockedOut: false });
    clock.now += 10_000;
    expect(throttle.check('a')).toEqual({ allowed: true });
    expect(throttle.recordFailure('a')).toEqual({ failures: 3, lockedOut: true });
    expect(throttle.check('a')).toEqual({ allowed: false, retryAfterSeconds: 60 });
    clock.now += 59_001;
    expect(throttle.check('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    clock.now += 999;
    // The lockout is over and the count starts again.
    expect(throttle.check('a')).toEqual({ allowed: true });
    expect(throttle.recordFailure('a')).toEqual({ failures: 1, lockedOut: false });
  });

  it('forgets failures that did not reach the limit within the lockout time of the first', () => {
    const { throttle, clock } = throttleAt();
    throttle.recordFailure('a');
    throttle.recordFailure('a');
    clock.now += 60_000;
    expect(throttle.recordFailure('a')).toEqual({ failures: 1, lockedOut: false });
  });

  it('counts each client on its own', () => {
    const { throttle } = throttleAt();
    for (let i = 0; i < 3; i++) throttle.recordFailure('a');
    expect(throttle.check('a').allowed).toBe(false);
    expect(throttle.check('b')).toEqual({ allowed: true });
    expect(throttle.recordFailure('b')).toEqual({ failures: 1, lockedOut: false });
  });

  it('remembers at most maxClients addresses: expired ones go first, then the oldest', () => {
    const { throttle, clock } = throttleAt(0, 3);
    throttle.recordFailure('old');
    clock.now += 30_000;
    for (let i = 0; i < 3; i++) throttle.recordFailure('locked');
    throttle.recordFailure('b');
    expect(throttle.size).toBe(3);
    clock.now += 31_000;
    // 'old' has expired: it makes room, and the locked address is kept.
    throttle.recordFailure('c');
    expect(throttle.size).toBe(3);
    expect(throttle.check('locked').allowed).toBe(false);
    // Full of live entries: the oldest ('locked', then 'b') goes.
    throttle.recordFailure('d');
    expect(throttle.size).toBe(3);
    expect(throttle.check('locked')).toEqual({ allowed: true });
  });
});
