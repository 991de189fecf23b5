/**
 * Secrets never reach output: start-up messages, configuration errors, logs and API answers all
 * pass what they print through these functions. A secret is the password of a URL (DATABASE_URL,
 * REDIS_URL), and the value of any setting named like a password, token or secret.
 */

export const MASK = '***';

/** Settings whose whole value is a secret: shown as MASK whatever it is. */
export function isSecretSetting(name: string): boolean {
  return /PASSWORD|TOKEN|SECRET|(^|_)KEY$/i.test(name);
}

/** Settings that hold a URL: shown with their password masked. */
export function isUrlSetting(name: string): boolean {
  return /_URL$/i.test(name);
}

/**
 * A URL with its password (and a user-info token without password, `redis://token@host`, which
 * some services accept as the password) masked. A value that does not parse as a URL is not
 * shown at all: there is no telling which part of it is the secret.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(not shown: not a valid URL)';
  }
  if (parsed.password) parsed.password = MASK;
  else if (parsed.username && /^rediss?:$/.test(parsed.protocol)) parsed.username = MASK;
  for (const key of [...parsed.searchParams.keys()]) {
    if (isSecretSetting(key) || /^(pass|pwd|auth)/i.test(key)) parsed.searchParams.set(key, MASK);
  }
  return parsed.toString();
}

/** `scheme://user:password@` anywhere in a text: the part after the colon, up to the @. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'`]*):([^\s/@"'`]+)@/gi;

/**
 * A text (an error message, a log line) with the passwords of the URLs it contains masked, and
 * every occurrence of the given secret values masked. Secrets shorter than 4 characters are not
 * searched for: masking every "a" would garble the text and hide nothing.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(URL_CREDENTIALS, (_match, before: string) => `${before}:${MASK}@`);
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join(MASK);
  }
  return out;
}

/**
 * How a setting's value may be shown: secrets masked, URLs with their password masked (or not at
 * all when malformed), anything else as given but cut to `maxLength` characters.
 */
export function describeSettingValue(name: string, value: string | undefined, maxLength = 80): string {
  if (value === undefined) return '(unset)';
  if (isSecretSetting(name)) return `(hidden, ${value.length} characters)`;
  if (isUrlSetting(name)) return JSON.stringify(redactUrl(value));
  return JSON.stringify(value.length > maxLength ? `${value.slice(0, maxLength)}…` : value);
}

/** The values of the secret settings in `env`, for redactText. */
export function secretValues(env: object): string[] {
  const found: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (typeof value !== 'string' || value === '') continue;
    if (isSecretSetting(key)) found.push(value);
    else if (isUrlSetting(key)) {
      try {
        const u = new URL(value);
        if (u.password) found.push(decodeURIComponent(u.password));
      } catch {
        // A malformed URL is never printed whole (describeSettingValue), nothing to collect.
      }
    }
  }
  return found;
}
