import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/paths.js';
import { resolveComposeFile } from './compose-file.js';

/**
 * The real `docker-compose config` (CI installs Debian's docker-compose for `npm run test:image`;
 * no engine is needed) against test/deploy/compose-file.ts, which `npm test` uses instead: Compose
 * must accept the file, and resolve it to what compose.test.ts checks.
 */
describe('docker-compose config agrees with the resolution npm test checks', () => {
  let scratch: string;
  let emptyEnvFile: string;

  /** `docker-compose config` with `env` alone: not the runner's environment, not a developer's .env. */
  const composeConfig = (env: Record<string, string> = {}): Record<string, any> =>
    parse(
      execFileSync('docker-compose', ['--env-file', emptyEnvFile, 'config'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', HOME: scratch, ...env },
      }),
    );

  /** Compose's printed form of a short port or bind-mount entry. */
  const portForm = (port: string) => (port.includes('/') ? port : `${port}/tcp`);
  const volumeForm = (volume: string) => {
    const [source, target, mode = 'rw'] = volume.split(':');
    const host = source!.startsWith('.') || source!.startsWith('/') ? path.resolve(REPO_ROOT, source!) : source;
    return `${host}:${target}:${mode}`;
  };

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'windmill-compose-'));
    emptyEnvFile = path.join(scratch, 'empty.env');
    await writeFile(emptyEnvFile, '');
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it.each([
    [{}],
    [{ API_PUBLISH: '0.0.0.0', API_PORT: '8080', BOARD_PASSWORD: 'x', LOG_LEVEL: 'debug' }],
    // Set but empty: `${VAR:-default}` takes the default.
    [{ API_PUBLISH: '', LOG_LEVEL: '', WINDMILL_DATA_DIR: '' }],
  ])('every service the same with %j set', (env: Record<string, string>) => {
    const real = composeConfig(env).services as Record<string, any>;
    const ours = resolveComposeFile(env).services as Record<string, any>;
    expect(Object.keys(real).sort()).toEqual(Object.keys(ours).sort());
    const fields = ['image', 'command', 'environment', 'depends_on', 'restart', 'healthcheck', 'stop_grace_period'];
    const pick = (name: string, service: Record<string, unknown>) => ({ name, ...Object.fromEntries(fields.map((f) => [f, service[f]])) });
    for (const [name, service] of Object.entries(ours)) {
      expect(pick(name, real[name])).toEqual(pick(name, service));
      expect(real[name].ports ?? []).toEqual((service.ports ?? []).map(portForm));
      expect(real[name].volumes ?? []).toEqual((service.volumes ?? []).map(volumeForm));
    }
  });
});
