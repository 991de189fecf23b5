import path from 'node:path';
import { z } from 'zod';
import { describeSettingValue } from '../platform/redact.js';
import type { InputProfile } from '../profiles/input-profile.js';
import { readProfilesFile } from '../profiles/profiles-file.js';

/**
 * Windmill's whole configuration: environment variables only, parsed once against this schema.
 * Every bad value is reported in one error so a user fixes them in one go. Paths are resolved
 * against `cwd` so the rest of the program sees absolute paths.
 */

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number({ error: 'expected a number' }).int('expected an integer').min(min).max(max);
const num = () => z.coerce.number({ error: 'expected a number' }).refine(Number.isFinite, 'expected a finite number');
const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  );
/** A token is a secret: unset (empty) or long enough that guessing it is hopeless. */
const token = z
  .string()
  .refine((v) => v === '' || v.length >= 16, 'expected at least 16 characters (for example: openssl rand -base64 24)')
  .default('');
const timeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'expected an IANA time zone such as UTC or Europe/Berlin');

/** Most wind-speed bins a power curve may have (WIND_SPEED_MAX / POWER_CURVE_BIN_WIDTH). */
export const MAX_POWER_CURVE_BINS = 10_000;

export const configSchema = z
  .object({
    DATABASE_URL: url(['postgresql:', 'postgres:']).default('postgresql://postgres@127.0.0.1:5432/windmill'),
    REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, - or _')
      .default('windmill'),
    WATCH_DIR: z.string().min(1).default('data/inbox'),
    PROCESSED_DIR: z.string().min(1).default('data/processed'),
    FAILED_DIR: z.string().min(1).default('data/failed'),
    DELETE_AFTER_INGEST: bool.default(false),
    RECONCILE_INTERVAL_SECONDS: int(1).default(30),
    WATCH_STABLE_MS: int(0).default(2000),
    SOURCE_TIMEZONE: timeZone.default('UTC'),
    // A JSON file of input profiles for exports in other layouts (SPEC section 8); unset: canonical only.
    INPUT_PROFILES: z.string().min(1).optional(),
    WIND_SPEED_MAX: num().default(50),
    POWER_MIN: num().default(0),
    POWER_MAX: num().default(20),
    IMPUTE_MAX_GAP_SECONDS: int(0).default(7200),
    WINDOW_SECONDS: int(1).default(86_400),
    READING_INTERVAL_SECONDS: int(1).default(3600),
    ANOMALY_SIGMA: num().pipe(z.number().positive('expected a number above 0')).default(2),
    POWER_CURVE_BIN_WIDTH: num().pipe(z.number().positive('expected a number above 0')).default(0.5),
    POWER_CURVE_REFERENCE_DAYS: int(1, 3660).default(30),
    POWER_CURVE_MIN_BIN_COUNT: int(1).default(5),
    UNDERPERFORMANCE_THRESHOLD: num()
      .pipe(z.number().min(0, 'expected a fraction from 0 up to but excluding 1').lt(1, 'expected a fraction from 0 up to but excluding 1'))
      .default(0.1),
    UNDERPERFORMANCE_MIN_EXPECTED_SHARE: num()
      .pipe(z.number().min(0, 'expected a fraction from 0 to 1').max(1, 'expected a fraction from 0 to 1'))
      .default(0.05),
    STATS_INTERVAL_SECONDS: int(1).default(60),
    STATS_DEFER_WHILE_LOADING_SECONDS: int(0).default(300),
    RETAIN_READINGS_DAYS: int(0).default(0),
    WORKER_CONCURRENCY: int(1, 64).default(2),
    PARSE_THREADS: int(0, 64).default(2),
    JOB_LOCK_SECONDS: int(1).default(30),
    INGEST_ATTEMPTS: int(1, 1000).default(8),
    INGEST_BACKOFF_MS: int(1).default(2000),
    OUTAGE_BACKOFF_MAX_SECONDS: int(1).default(60),
    SHUTDOWN_TIMEOUT_SECONDS: int(1).default(30),
    STARTUP_TIMEOUT_SECONDS: int(1).default(15),
    // Pooled connections are renewed after this long, so a database setting changed or reset reaches them (0: never).
    DATABASE_CONNECTION_LIFETIME_SECONDS: int(0).default(60),
    // Statement and lock limits a file load and a stats run set for their own transaction.
    JOB_STATEMENT_TIMEOUT_SECONDS: int(1).default(1800),
    API_HOST: z.string().min(1).default('127.0.0.1'),
    API_PORT: int(0, 65_535).default(5007),
    API_TOKEN: token,
    API_READ_TOKEN: token,
    API_RATE_LIMIT: int(0).default(600),
    // The API's reads: statement and lock limits of its sessions, and the longest wait for a free connection (then 503).
    API_STATEMENT_TIMEOUT_MS: int(1).default(10_000),
    API_LOCK_TIMEOUT_MS: int(1).default(1000),
    API_POOL_WAIT_MS: int(1).default(3000),
    BOARD_USER: z.string().min(1).default('admin'),
    BOARD_PASSWORD: z.string().default(''),
    BOARD_READ_ONLY: bool.default(false),
    // Guessing Bull Board's password: failed logins per client address before it is refused (429) for BOARD_LOCKOUT_SECONDS.
    BOARD_MAX_FAILED_LOGINS: int(1, 1_000_000).default(10),
    BOARD_LOCKOUT_SECONDS: int(1, 86_400 * 30).default(900),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // Unset: each command's own default (JSON lines for the services, a progress bar for npm run
    // ingest on a terminal, readable lines for the demo).
    LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.POWER_MIN > c.POWER_MAX) {
      ctx.addIssue({ code: 'custom', path: ['POWER_MIN'], message: `must not exceed POWER_MAX (${c.POWER_MAX})` });
    }
    // Bins of the power curve run from 0 to WIND_SPEED_MAX: GET /power-curve lists them all, so
    // their number is bounded here rather than by the data.
    if (c.WIND_SPEED_MAX / c.POWER_CURVE_BIN_WIDTH > MAX_POWER_CURVE_BINS) {
      ctx.addIssue({
        code: 'custom',
        path: ['POWER_CURVE_BIN_WIDTH'],
        message: `makes more than ${MAX_POWER_CURVE_BINS} bins up to WIND_SPEED_MAX (${c.WIND_SPEED_MAX}); use at least ${c.WIND_SPEED_MAX / MAX_POWER_CURVE_BINS}`,
      });
    }
    if (c.WINDOW_SECONDS % c.READING_INTERVAL_SECONDS !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['WINDOW_SECONDS'],
        message: `must be a multiple of READING_INTERVAL_SECONDS (${c.READING_INTERVAL_SECONDS}) so a window expects a whole number of readings`,
      });
    }
  });

type RawConfig = z.output<typeof configSchema>;

export interface Config extends RawConfig {
  /** Where the files of each stage live, as absolute paths. */
  readonly dirs: { readonly watch: string; readonly processed: string; readonly failed: string };
  /** The input profiles read from INPUT_PROFILES, validated; empty when it is unset. */
  readonly inputProfiles: readonly InputProfile[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Settings that no longer exist, with what replaced them: a stale .env must not be ignored silently. */
const RETIRED: Record<string, string> = {
  LOG_PRETTY: 'replaced by LOG_FORMAT (json or pretty)',
};

/** Parses `env` (usually process.env); throws a ConfigError naming every bad variable. Empty values count as unset. */
export function parseConfig(env: Record<string, string | undefined>, cwd: string): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const result = configSchema.safeParse(present);
  const retired = Object.entries(RETIRED).flatMap(([key, hint]) => (present[key] === undefined ? [] : [`${key}: ${hint}`]));
  const profilesPath = present.INPUT_PROFILES === undefined ? undefined : path.resolve(cwd, present.INPUT_PROFILES);
  const profiles = profilesPath === undefined ? { ok: true as const, profiles: [] } : readProfilesFile(profilesPath);
  const profileProblems = profiles.ok
    ? []
    : profiles.problems.map((p) => `INPUT_PROFILES=${describeSettingValue('INPUT_PROFILES', present.INPUT_PROFILES)}: ${p}`);
  if (!result.success || retired.length > 0 || profileProblems.length > 0) {
    const problems = (result.error?.issues ?? []).map((issue) => {
      const key = String(issue.path[0] ?? 'config');
      // Secrets (tokens, passwords, URL passwords) are never echoed, even when malformed.
      return `${key}=${describeSettingValue(key, present[key])}: ${issue.message}`;
    });
    throw new ConfigError([...problems, ...retired, ...profileProblems]);
  }
  const c = result.data!;
  return Object.freeze({
    ...c,
    inputProfiles: Object.freeze(profiles.ok ? profiles.profiles : []),
    dirs: Object.freeze({
      watch: path.resolve(cwd, c.WATCH_DIR),
      processed: path.resolve(cwd, c.PROCESSED_DIR),
      failed: path.resolve(cwd, c.FAILED_DIR),
    }),
  });
}
