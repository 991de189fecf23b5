import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';
import { configSchema } from '@windmill/core/config/config';
import { REPO_ROOT } from '../helpers/paths.js';

/**
 * docker-compose.yml, checked the way Docker reads it: `docker-compose config` validates the file
 * and prints it resolved (no engine is needed for that). CI installs Debian's docker-compose.
 */
describe('docker-compose.yml', () => {
  const resolved = parse(
    execFileSync('docker-compose', ['config'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, BOARD_PASSWORD: 'x' } }),
  );
  const services = resolved.services as Record<string, any>;
  const apps = ['migrate', 'watcher', 'worker', 'scheduler', 'api'];

  it('has the database, the queue store, the one-shot migration and every app service', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'migrate', 'postgres', 'redis', 'scheduler', 'watcher', 'worker']);
  });

  it('sets or defaults every setting the apps read, in every app service', () => {
    const keys = Object.keys(configSchema.shape);
    for (const name of apps) {
      expect(Object.keys(services[name].environment).sort()).toEqual([...keys].sort());
    }
    expect(services.api.environment.API_HOST).toBe('0.0.0.0');
  });

  it('starts the apps only after Postgres and Redis are healthy and migrations ran', () => {
    for (const name of ['watcher', 'worker', 'scheduler', 'api']) {
      expect(services[name].depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
      });
      expect(services[name].restart).toBe('unless-stopped');
    }
    expect(services.migrate.restart).toBe('no');
    expect(services.postgres.healthcheck.test.join(' ')).toContain('pg_isready');
    expect(services.redis.healthcheck.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });

  it('keeps queued jobs safe in Redis: append-only file on, no eviction', () => {
    const command = [services.redis.command].flat().join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
  });

  it('publishes the API on 5007, mounts the data folder and keeps database data in a named volume', () => {
    expect(JSON.stringify(services.api.ports)).toContain('5007');
    // On the host's loopback unless the user says otherwise (API_PUBLISH).
    // (docker-compose prints `127.0.0.1:5007:5007/tcp` or the long form, depending on its version.)
    expect(JSON.stringify(services.api.ports)).toMatch(/127\.0\.0\.1/);
    expect(JSON.stringify(services.api.ports)).not.toMatch(/0\.0\.0\.0/);
    const open = parse(
      execFileSync('docker-compose', ['config'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { ...process.env, BOARD_PASSWORD: 'x', API_PUBLISH: '0.0.0.0' },
      }),
    );
    expect(JSON.stringify(open.services.api.ports)).toMatch(/0\.0\.0\.0/);
    for (const name of apps) expect(JSON.stringify(services[name].volumes)).toContain('/data');
    expect(JSON.stringify(services.postgres.volumes)).toContain('postgres-data');
    expect(Object.keys(resolved.volumes)).toEqual(expect.arrayContaining(['postgres-data', 'redis-data']));
  });

  it('runs each app service from the one image with its own entry point', () => {
    expect(services.watcher.command).toEqual(['apps/watcher/dist/main.js']);
    expect(services.worker.command).toEqual(['apps/worker/dist/main.js']);
    expect(services.scheduler.command).toEqual(['apps/scheduler/dist/main.js']);
    expect(services.api.command).toEqual(['apps/api/dist/main.js']);
    expect(services.migrate.command).toEqual(['apps/cli/dist/migrate.main.js']);
    for (const name of apps) expect(services[name].build.dockerfile).toBe('docker/Dockerfile');
  });
});
