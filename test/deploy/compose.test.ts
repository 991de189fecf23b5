import { configSchema } from '@windmill/core/config/config';
import { composeSchemaErrors, interpolate, readComposeFile, resolveComposeFile } from './compose-file.js';

/**
 * docker-compose.yml, checked without the docker-compose binary: against the Compose
 * specification's JSON schema, then resolved with the defaults it declares (compose-file.ts).
 * test/deploy/image-replay-compose.test.ts (npm run test:image) holds the same resolution against
 * the real `docker-compose config`.
 */
describe('docker-compose.yml', () => {
  const resolved = resolveComposeFile();
  const services = resolved.services as Record<string, any>;
  const apps = ['migrate', 'watcher', 'worker', 'scheduler', 'api'];

  it('is a valid Compose file, before and after its variables are resolved', () => {
    expect(composeSchemaErrors(resolved)).toEqual([]);
    expect(composeSchemaErrors(resolveComposeFile({ API_PUBLISH: '0.0.0.0', API_PORT: '8080', BOARD_PASSWORD: 'x' }))).toEqual([]);
  });

  it('has the database, the queue store, the one-shot migration and every app service', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'migrate', 'postgres', 'redis', 'scheduler', 'watcher', 'worker']);
  });

  it('sets or defaults every setting the apps read, in every app service', () => {
    const keys = Object.keys(configSchema.shape);
    for (const name of apps) {
      expect(Object.keys(services[name].environment).sort()).toEqual([...keys].sort());
    }
    expect(services.api.environment.API_HOST).toBe('0.0.0.0');
    // Every app service carries the same settings (one anchor), with the file's defaults.
    for (const name of apps) expect(services[name].environment).toEqual(services.api.environment);
    expect(services.api.environment).toMatchObject({
      DATABASE_URL: 'postgresql://windmill:windmill@postgres:5432/windmill',
      BOARD_PASSWORD: '',
      LOG_FORMAT: 'json',
    });
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
    // On the host's loopback unless the user says otherwise (API_PUBLISH).
    expect(services.api.ports).toEqual(['127.0.0.1:5007:5007']);
    expect(resolveComposeFile({ API_PUBLISH: '0.0.0.0' }).services.api.ports).toEqual(['0.0.0.0:5007:5007']);
    for (const name of apps) expect(services[name].volumes).toEqual(['./data:/data']);
    expect(services.postgres.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
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

describe('the checks themselves', () => {
  it('the schema refuses a misspelt key, an unknown condition and a malformed duration', () => {
    const broken = resolveComposeFile();
    broken.services.api.healthchek = broken.services.api.healthcheck;
    broken.services.worker.depends_on.migrate.condition = 'service_finished';
    broken.services.worker.stop_grace_period = '40 seconds';
    const errors = composeSchemaErrors(broken).join('\n');
    expect(errors).toMatch(/\/services\/api: must NOT have additional properties/);
    expect(errors).toMatch(/\/services\/worker\/depends_on\/migrate\/condition: must be equal to one of the allowed values/);
    expect(errors).toMatch(/\/services\/worker\/stop_grace_period: must match format "duration"/);
  });

  it('resolves references as Compose does', () => {
    const env = { SET: 'v', EMPTY: '' };
    expect(interpolate('${SET:-d} ${EMPTY:-d} ${UNSET:-d}', env)).toBe('v d d');
    expect(interpolate('${SET-d} [${EMPTY-d}] ${UNSET-d}', env)).toBe('v [] d');
    expect(interpolate('$SET ${SET} [$UNSET] $$SET ${UNSET:-}', env)).toBe('v v [] $SET ');
    expect(interpolate('${SET:?needed}', env)).toBe('v');
    expect(() => interpolate('${EMPTY:?needed}', env)).toThrow('EMPTY is required: needed');
    expect(() => interpolate('${UNSET?needed}', env)).toThrow('UNSET is required');
    expect(() => interpolate('${A:-${B}}', env)).toThrow(/nested|unsupported/);
    // The raw file has references; the resolved one has none left.
    expect(JSON.stringify(readComposeFile())).toContain('${API_PUBLISH:-127.0.0.1}');
    expect(JSON.stringify(resolveComposeFile())).not.toMatch(/\$\{/);
  });
});
