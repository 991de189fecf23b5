import { isConnectionError, isPoolWaitTimeout, isQueryTimeout, outageDelayMs } from './outage.js';

describe('isConnectionError', () => {
  it('recognises unreachable services', () => {
    expect(isConnectionError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(
      true,
    );
    expect(isConnectionError(Object.assign(new Error('the database system is starting up'), { code: '57P03' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('too many connections for database "w"'), { code: '53300' }))).toBe(true);
    expect(isConnectionError(new Error('Connection is closed.'))).toBe(true);
    expect(isConnectionError(new Error('wrapped', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }))).toBe(true);
    const both = Object.assign(new AggregateError([{ code: 'ECONNREFUSED' }, { code: 'ECONNREFUSED' }], ''), {});
    expect(isConnectionError(both)).toBe(true);
  });

  it('leaves real faults alone', () => {
    expect(isConnectionError(new Error('the file changed while it was read'))).toBe(false);
    expect(isConnectionError(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBe(false);
    expect(isConnectionError(Object.assign(new Error('permission denied'), { code: 'EACCES' }))).toBe(false);
    expect(isConnectionError(Object.assign(new Error('password authentication failed'), { code: '28P01' }))).toBe(false);
    expect(isConnectionError(null)).toBe(false);
    expect(isConnectionError(new AggregateError([new Error('boom')], ''))).toBe(false);
  });
});

describe('outageDelayMs', () => {
  it('doubles from the base and stops at the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 10, 100].map((n) => outageDelayMs(n, 2000, 60_000))).toEqual([
      2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ]);
    expect(outageDelayMs(-3, 100, 1000)).toBe(100);
  });
});

describe('isQueryTimeout', () => {
  it('recognises statement and lock timeouts, from pg, wrapped, or through Prisma', () => {
    expect(isQueryTimeout(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }))).toBe(true);
    expect(isQueryTimeout(Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' }))).toBe(true);
    expect(isQueryTimeout(new Error('load failed', { cause: Object.assign(new Error('x'), { code: '57014' }) }))).toBe(true);
    // Prisma 7's PrismaClientKnownRequestError over @prisma/adapter-pg, as it arrives.
    const prisma = Object.assign(new Error('Invalid `prisma.ingestedFile.findMany()` invocation'), {
      code: 'P2039',
      meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { originalCode: '55P03', kind: 'postgres', code: '55P03' } } },
    });
    expect(isQueryTimeout(prisma)).toBe(true);
  });

  it('leaves other errors alone, outages included', () => {
    expect(isQueryTimeout(Object.assign(new Error('current transaction is aborted'), { code: '25P02' }))).toBe(false);
    expect(isQueryTimeout(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBe(false);
    expect(isQueryTimeout(new Error('Connection terminated unexpectedly'))).toBe(false);
    expect(
      isQueryTimeout(Object.assign(new Error('Raw query failed'), { meta: { driverAdapterError: { cause: { originalCode: '42P01' } } } })),
    ).toBe(false);
    expect(isQueryTimeout(null)).toBe(false);
  });
});

describe('isPoolWaitTimeout', () => {
  it("recognises node-postgres' pool giving up on a free connection", () => {
    expect(isPoolWaitTimeout(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isPoolWaitTimeout(new Error('canceling statement due to statement timeout'))).toBe(false);
    expect(isPoolWaitTimeout('timeout exceeded when trying to connect')).toBe(false);
  });
});
