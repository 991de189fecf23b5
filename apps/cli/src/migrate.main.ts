import '@windmill/core/platform/node-check';
import { ensureDatabase, migrate } from '@windmill/core/db/migrate';
import { loadConfigOrExit, redactUrl, waitForPostgres } from '@windmill/core/platform/startup';

// `npm run migrate`: creates the database if needed and applies pending migrations (the one-shot
// migrate service of docker compose runs this before the apps start).
const config = loadConfigOrExit();
try {
  await ensureDatabase(config.DATABASE_URL).catch(() => undefined);
  await waitForPostgres(config.DATABASE_URL, config.STARTUP_TIMEOUT_SECONDS * 1000);
  const result = await migrate(config.DATABASE_URL);
  process.stdout.write(
    `${redactUrl(config.DATABASE_URL)}: ${result.applied.length} migration(s) applied${result.applied.length ? ` (${result.applied.join(', ')})` : ''}, ${result.alreadyApplied} already applied\n`,
  );
} catch (error) {
  process.stderr.write(`windmill migrate: ${(error as Error).message}\n`);
  process.exit(1);
}
