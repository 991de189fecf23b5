import { Writable } from 'node:stream';
import { ConfigError, parseConfig } from '../config/config.js';
import { createLogger } from './logger.js';
import { describeSettingValue, isSecretSetting, redactText, redactUrl, secretValues } from './redact.js';

describe('redactUrl', () => {
  it('masks the password and keeps what helps to find the service', () => {
    expect(redactUrl('postgresql://windmill:hunter2@db:5432/windmill')).toBe('postgresql://windmill:***@db:5432/windmill');
    expect(redactUrl('redis://:s3cret@127.0.0.1:1')).toBe('redis://:***@127.0.0.1:1');
    expect(redactUrl('postgresql://postgres@127.0.0.1:5432/windmill')).toBe('postgresql://postgres@127.0.0.1:5432/windmill');
  });

  it('masks a Redis user-info token and password-like query parameters', () => {
    expect(redactUrl('rediss://tok3n@cache:6380')).toBe('rediss://***@cache:6380');
    expect(redactUrl('postgresql://u@db/x?sslpassword=abc&sslmode=require')).toBe('postgresql://u@db/x?sslpassword=***&sslmode=require');
  });

  it('shows nothing of a value that is not a URL', () => {
    expect(redactUrl('redis//:pw@x')).toBe('(not shown: not a valid URL)');
    expect(redactUrl('postgresql://u:hunter2@db:port/x')).not.toContain('hunter2');
  });
});

describe('redactText', () => {
  it('masks URL passwords anywhere in a text', () => {
    const text = 'cannot reach Redis at redis://:s3cret@127.0.0.1:1 and postgres://app:pa55word@db/x, see postgres://u@db';
    expect(redactText(text)).toBe('cannot reach Redis at redis://:***@127.0.0.1:1 and postgres://app:***@db/x, see postgres://u@db');
  });

  it('masks given secret values, but not trivially short ones', () => {
    expect(redactText('token abcd1234 was abcd1234', ['abcd1234'])).toBe('token *** was ***');
    expect(redactText('a b c', ['a'])).toBe('a b c');
  });
});

describe('settings as shown in messages', () => {
  it('hides tokens and passwords whole, masks URLs, cuts long values', () => {
    expect(isSecretSetting('API_TOKEN')).toBe(true);
    expect(isSecretSetting('BOARD_PASSWORD')).toBe(true);
    expect(isSecretSetting('API_PORT')).toBe(false);
    expect(describeSettingValue('API_TOKEN', 'abc')).toBe('(hidden, 3 characters)');
    expect(describeSettingValue('REDIS_URL', 'redis://:pw@x:1')).toBe('"redis://:***@x:1"');
    expect(describeSettingValue('API_PORT', 'x'.repeat(200))).toHaveLength(83);
    expect(describeSettingValue('API_PORT', undefined)).toBe('(unset)');
  });

  it('collects the secret values of an environment', () => {
    expect(secretValues({ API_TOKEN: 't0ken-value', DATABASE_URL: 'postgresql://u:p%40ss@db/x', LOG_LEVEL: 'info' }).sort()).toEqual([
      'p@ss',
      't0ken-value',
    ]);
  });

  it('a configuration error never echoes a secret, however malformed', () => {
    let error: unknown;
    try {
      parseConfig(
        {
          DATABASE_URL: 'postgresql://app:hunter2@db:port/windmill',
          REDIS_URL: 'redis//:s3cret@cache',
          API_TOKEN: 'too-short',
          API_PORT: 'eighty',
        },
        '/',
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('DATABASE_URL=');
    expect(message).toContain('REDIS_URL=');
    expect(message).toContain('API_TOKEN=(hidden, 9 characters): expected at least 16 characters');
    expect(message).toContain('API_PORT="eighty"');
    for (const secret of ['hunter2', 's3cret', 'too-short']) expect(message).not.toContain(secret);
  });
});

describe('the logger', () => {
  it('masks URL passwords and given secrets in every line it writes', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger('test', { level: 'info', destination, secrets: ['t0ken-value'] });
    logger.warn({ err: 'connect to redis://:s3cret@cache:6379 failed', header: 'Bearer t0ken-value' }, 'redis down');
    logger.info({ url: 'postgresql://app:hunter2@db/windmill' }, 'started');
    const text = lines.join('');
    expect(text).toContain('redis://:***@cache:6379');
    expect(text).toContain('postgresql://app:***@db/windmill');
    for (const secret of ['s3cret', 'hunter2', 't0ken-value']) expect(text).not.toContain(secret);
  });
});
