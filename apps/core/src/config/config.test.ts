import { ConfigError, parseConfig } from '@windmill/core/config/config';

describe('parseConfig', () => {
  it('gives working defaults for a machine with local Postgres and Redis', () => {
    const config = parseConfig({}, '/srv/windmill');
    expect(config.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/windmill');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.WINDOW_SECONDS).toBe(86_400);
    expect(config.ANOMALY_SIGMA).toBe(2);
    expect(config.API_PORT).toBe(5007);
    expect(config.dirs.watch).toBe('/srv/windmill/data/inbox');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads numbers, booleans and relative paths from strings', () => {
    const config = parseConfig({ WINDOW_SECONDS: '21600', ANOMALY_SIGMA: '1.5', DELETE_AFTER_INGEST: 'true', WATCH_DIR: 'in' }, '/tmp/w');
    expect(config.WINDOW_SECONDS).toBe(21_600);
    expect(config.ANOMALY_SIGMA).toBe(1.5);
    expect(config.DELETE_AFTER_INGEST).toBe(true);
    expect(config.dirs.watch).toBe('/tmp/w/in');
  });

  it('names every bad variable in one message', () => {
    let error: unknown;
    try {
      parseConfig(
        { API_PORT: 'eighty', ANOMALY_SIGMA: '-1', SOURCE_TIMEZONE: 'Mars/Olympus', REDIS_URL: 'localhost:6379', LOG_LEVEL: 'loud' },
        '/',
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const key of [
      'API_PORT="eighty"',
      'ANOMALY_SIGMA="-1"',
      'SOURCE_TIMEZONE="Mars/Olympus"',
      'REDIS_URL="localhost:6379"',
      'LOG_LEVEL="loud"',
    ]) {
      expect(message).toContain(key);
    }
    expect((error as ConfigError).problems).toHaveLength(5);
  });

  it('reads the power-curve settings, with the defaults the README documents', () => {
    expect(parseConfig({}, '/')).toMatchObject({
      POWER_CURVE_BIN_WIDTH: 0.5,
      POWER_CURVE_REFERENCE_DAYS: 30,
      POWER_CURVE_MIN_BIN_COUNT: 5,
      UNDERPERFORMANCE_THRESHOLD: 0.1,
      UNDERPERFORMANCE_MIN_EXPECTED_SHARE: 0.05,
    });
    const config = parseConfig(
      { POWER_CURVE_BIN_WIDTH: '1', UNDERPERFORMANCE_THRESHOLD: '0', UNDERPERFORMANCE_MIN_EXPECTED_SHARE: '1' },
      '/',
    );
    expect(config).toMatchObject({ POWER_CURVE_BIN_WIDTH: 1, UNDERPERFORMANCE_THRESHOLD: 0, UNDERPERFORMANCE_MIN_EXPECTED_SHARE: 1 });
  });

  it('names every bad power-curve setting in one message', () => {
    let error: unknown;
    try {
      parseConfig(
        {
          POWER_CURVE_BIN_WIDTH: '0',
          POWER_CURVE_REFERENCE_DAYS: '0',
          POWER_CURVE_MIN_BIN_COUNT: '2.5',
          UNDERPERFORMANCE_THRESHOLD: '1',
          UNDERPERFORMANCE_MIN_EXPECTED_SHARE: '-0.1',
        },
        '/',
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('POWER_CURVE_BIN_WIDTH="0": expected a number above 0');
    expect(message).toContain('POWER_CURVE_REFERENCE_DAYS="0"');
    expect(message).toContain('POWER_CURVE_MIN_BIN_COUNT="2.5": expected an integer');
    expect(message).toContain('UNDERPERFORMANCE_THRESHOLD="1": expected a fraction from 0 up to but excluding 1');
    expect(message).toContain('UNDERPERFORMANCE_MIN_EXPECTED_SHARE="-0.1": expected a fraction from 0 to 1');
    expect((error as ConfigError).problems).toHaveLength(5);
  });

  it('rejects settings that contradict each other', () => {
    expect(() => parseConfig({ POWER_MIN: '30' }, '/')).toThrow(/POWER_MIN="30": must not exceed POWER_MAX \(20\)/);
    expect(() => parseConfig({ WINDOW_SECONDS: '5000' }, '/')).toThrow(/WINDOW_SECONDS="5000": must be a multiple/);
    // GET /power-curve lists every bin from 0 to WIND_SPEED_MAX: at most 10 000 of them.
    expect(() => parseConfig({ POWER_CURVE_BIN_WIDTH: '0.001' }, '/')).toThrow(
      /POWER_CURVE_BIN_WIDTH="0.001": makes more than 10000 bins up to WIND_SPEED_MAX \(50\); use at least 0.005/,
    );
    expect(parseConfig({ POWER_CURVE_BIN_WIDTH: '0.005' }, '/').POWER_CURVE_BIN_WIDTH).toBe(0.005);
  });
});
