import { runEntry } from '../helpers/child-process.js';
import { createPipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';

/** Start-up refuses bad settings and unreachable services with one clear message, never a hang. */
describe('start-up checks', () => {
  let env: PipelineEnv;
  beforeAll(async () => {
    // A short budget: the test proves the message, not how long the default waits.
    env = await createPipelineEnv('startup', { STARTUP_TIMEOUT_SECONDS: '2' });
  });
  afterAll(async () => {
    await env.cleanup();
  });

  it('names every bad setting and exits 1', async () => {
    const child = runEntry('apps/cli/dist/start.main.js', {
      ...env.env,
      API_PORT: 'eighty',
      WINDOW_SECONDS: '-5',
      SOURCE_TIMEZONE: 'Nowhere/Land',
    });
    const { code } = await child.exited;
    expect(code).toBe(1);
    expect(child.output()).toContain('Invalid configuration');
    expect(child.output()).toContain('API_PORT="eighty"');
    expect(child.output()).toContain('WINDOW_SECONDS="-5"');
    expect(child.output()).toContain('SOURCE_TIMEZONE="Nowhere/Land"');
  });

  it('says which service is unreachable instead of hanging: Redis', async () => {
    const started = Date.now();
    const child = runEntry('apps/cli/dist/start.main.js', { ...env.env, REDIS_URL: 'redis://127.0.0.1:1' });
    const { code } = await child.exited;
    expect(code).toBe(1);
    expect(child.output()).toMatch(/^windmill start: cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(REDIS_URL\)/m);
    expect(child.output()).not.toContain('windmill windmill');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('says which service is unreachable instead of hanging: Postgres', async () => {
    const child = runEntry('apps/cli/dist/start.main.js', { ...env.env, DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/windmill' });
    const { code } = await child.exited;
    expect(code).toBe(1);
    expect(child.output()).toMatch(
      /^windmill start: cannot reach Postgres at postgresql:\/\/postgres@127\.0\.0\.1:1\/windmill \(DATABASE_URL\)/m,
    );
  });

  it('never prints a password: unreachable services and malformed settings name the setting, not the secret', async () => {
    const redis = runEntry('apps/cli/dist/start.main.js', { ...env.env, REDIS_URL: 'redis://:s3cret-pw@127.0.0.1:1' });
    expect((await redis.exited).code).toBe(1);
    expect(redis.output()).toMatch(/cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 \(REDIS_URL\)/);
    expect(redis.output()).not.toContain('s3cret-pw');

    const postgres = runEntry('apps/cli/dist/start.main.js', {
      ...env.env,
      DATABASE_URL: 'postgresql://app:hunter2-pw@127.0.0.1:1/windmill',
    });
    expect((await postgres.exited).code).toBe(1);
    expect(postgres.output()).toMatch(/cannot reach Postgres at postgresql:\/\/app:\*\*\*@127\.0\.0\.1:1\/windmill \(DATABASE_URL\)/);
    expect(postgres.output()).not.toContain('hunter2-pw');

    const malformed = runEntry('apps/cli/dist/start.main.js', {
      ...env.env,
      DATABASE_URL: 'postgresql://app:hunter2-pw@db:port/windmill',
      REDIS_URL: 'redis//:s3cret-pw@cache',
    });
    expect((await malformed.exited).code).toBe(1);
    expect(malformed.output()).toContain('Invalid configuration');
    expect(malformed.output()).toContain('REDIS_URL=');
    for (const secret of ['hunter2-pw', 's3cret-pw']) expect(malformed.output()).not.toContain(secret);
  }, 60_000);
});
