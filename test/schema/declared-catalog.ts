import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { DMMF } from '@prisma/client/runtime/client';
import { REPO_ROOT } from '../helpers/paths.js';
import { sortCatalog, type Catalog, type Column, type ForeignKey, type Index, type Key } from './database-catalog.js';

/**
 * What prisma/schema.prisma declares, as the database catalog Prisma Migrate would create for it.
 *
 * The datamodel comes from Prisma itself rather than from a parser of our own: `prisma generate`
 * runs on a copy of the schema with one extra generator (dmmf-dump.generator.ts), which receives
 * the DMMF, the document the `prisma-client` generator builds Windmill's client from. This works
 * offline (generate only needs Prisma's bundled WASM; the schema engine is stubbed as for
 * `npm install`), reads the schema file as it is now (so a field added without regenerating the
 * client still counts), and uses only public interfaces: the CLI and the generator protocol.
 * Other routes were weighed: the generated client's runtime data model lacks nullability, defaults,
 * native types and indexes; @prisma/internals (getDMMF) is not installed; the prisma-schema WASM
 * inside the CLI bundle could be called directly, but only through wasm-bindgen glue that is
 * internal to each Prisma build.
 */
export async function loadDeclaredDatamodel(schemaPath = path.join(REPO_ROOT, 'prisma/schema.prisma')): Promise<DMMF.Datamodel> {
  const dir = await mkdtemp(path.join(tmpdir(), 'windmill-dmmf-'));
  try {
    const output = path.join(dir, 'datamodel.json');
    const generator = path.join(REPO_ROOT, 'test/schema/dmmf-dump.generator.ts');
    const schema = await readFile(schemaPath, 'utf8');
    await writeFile(
      path.join(dir, 'schema.prisma'),
      `${schema}\n\ngenerator windmill_dmmf_dump {\n  provider = ${JSON.stringify(`node --import tsx "${generator}"`)}\n  output   = ${JSON.stringify(output)}\n}\n`,
    );
    await promisify(execFile)(
      process.execPath,
      [
        path.join(REPO_ROOT, 'node_modules/prisma/build/index.js'),
        'generate',
        '--schema',
        path.join(dir, 'schema.prisma'),
        '--generator',
        'windmill_dmmf_dump',
      ],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          PRISMA_SCHEMA_ENGINE_BINARY: path.join(REPO_ROOT, 'prisma/schema-engine-stub.sh'),
          CHECKPOINT_DISABLE: '1',
          PRISMA_HIDE_UPDATE_MESSAGE: '1',
        },
      },
    );
    return JSON.parse(await readFile(output, 'utf8')) as DMMF.Datamodel;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Postgres types of Prisma's scalar types without a @db attribute (Prisma's defaults). */
const DEFAULT_TYPES: Record<string, string> = {
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  String: 'text',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
};

/** format_type() spellings of the @db native types; extend when the schema uses another one. */
const NATIVE_TYPES: Record<string, (args: string[]) => string> = {
  Timestamptz: ([p = '6']) => `timestamp(${p}) with time zone`,
  Timestamp: ([p = '6']) => `timestamp(${p}) without time zone`,
  Char: ([n = '1']) => `character(${n})`,
  VarChar: (args) => (args[0] ? `character varying(${args[0]})` : 'character varying'),
  Decimal: (args) => (args.length ? `numeric(${args.join(',')})` : 'numeric'),
  Text: () => 'text',
  Integer: () => 'integer',
  SmallInt: () => 'smallint',
  BigInt: () => 'bigint',
  DoublePrecision: () => 'double precision',
  Real: () => 'real',
  Boolean: () => 'boolean',
  Date: () => 'date',
  Uuid: () => 'uuid',
  JsonB: () => 'jsonb',
  Json: () => 'json',
};

/** The catalog Prisma Migrate creates for `datamodel` on Postgres, following its naming conventions. */
export function declaredCatalog(datamodel: DMMF.Datamodel): Catalog {
  const models = new Map(datamodel.models.map((m) => [m.name, m]));
  const enums = new Map(datamodel.enums.map((e) => [e.name, e]));
  const tableOf = (modelName: string) => {
    const model = models.get(modelName);
    if (!model) throw new Error(`unknown model ${modelName}`);
    return model.dbName ?? model.name;
  };
  const columnOf = (modelName: string, fieldName: string) => {
    const field = models.get(modelName)?.fields.find((f) => f.name === fieldName);
    if (!field) throw new Error(`unknown field ${modelName}.${fieldName}`);
    return field.dbName ?? field.name;
  };

  const columns: Column[] = [];
  const foreignKeys: ForeignKey[] = [];
  for (const model of datamodel.models) {
    const table = tableOf(model.name);
    for (const field of model.fields) {
      if (field.kind === 'scalar' || field.kind === 'enum') {
        columns.push({
          table,
          column: field.dbName ?? field.name,
          type: columnType(field, enums),
          // Prisma Migrate leaves scalar lists nullable even though the schema cannot say so
          // (prisma/prisma#4729, #26425); the migration follows it.
          notNull: field.isList ? false : field.isRequired,
          default: field.hasDefaultValue ? declaredDefault(field, enums) : null,
        });
      } else if (field.kind === 'object' && field.relationFromFields?.length) {
        const from = field.relationFromFields.map((f) => columnOf(model.name, f));
        const required = field.relationFromFields.every((f) => model.fields.find((x) => x.name === f)?.isRequired);
        foreignKeys.push({
          table,
          name: constraintName(table, from, 'fkey'),
          columns: from,
          referencedTable: tableOf(field.type),
          referencedColumns: (field.relationToFields ?? []).map((f) => columnOf(field.type, f)),
          // Prisma's defaults: Restrict for a required relation, SetNull for an optional one; Cascade on update.
          onDelete: (field.relationOnDelete as ForeignKey['onDelete'] | undefined) ?? (required ? 'Restrict' : 'SetNull'),
          onUpdate: (field.relationOnUpdate as ForeignKey['onUpdate'] | undefined) ?? 'Cascade',
        });
      }
    }
  }

  const primaryKeys: Key[] = [];
  const indexes: Index[] = [];
  for (const index of datamodel.indexes) {
    const table = tableOf(index.model);
    const names = index.fields.map((f) => columnOf(index.model, f.name));
    if (index.type === 'id') {
      primaryKeys.push({ table, name: index.dbName ?? `${table}_pkey`, columns: names });
    } else if (index.type === 'unique' || index.type === 'normal') {
      const unique = index.type === 'unique';
      indexes.push({
        table,
        name: index.dbName ?? constraintName(table, names, unique ? 'key' : 'idx'),
        columns: names.map((name, i) => (index.fields[i]?.sortOrder === 'desc' ? `${name} DESC` : name)),
        unique,
        predicate: null,
      });
    } else {
      throw new Error(`index type ${index.type} on ${index.model} is not handled by this test`);
    }
  }

  return sortCatalog({
    tables: datamodel.models.map((m) => tableOf(m.name)),
    columns,
    primaryKeys,
    indexes,
    uniqueConstraints: [],
    otherConstraints: [],
    foreignKeys,
    enums: datamodel.enums.map((e) => ({ name: e.dbName ?? e.name, values: e.values.map((v) => v.dbName ?? v.name) })),
  });
}

function columnType(field: DMMF.Field, enums: Map<string, DMMF.DatamodelEnum>): string {
  let base: string | undefined;
  if (field.kind === 'enum') {
    const declared = enums.get(field.type);
    base = declared ? (declared.dbName ?? declared.name) : undefined;
  } else if (field.nativeType) {
    base = NATIVE_TYPES[field.nativeType[0]]?.([...field.nativeType[1]]);
  } else {
    base = DEFAULT_TYPES[field.type];
  }
  if (!base)
    throw new Error(
      `no Postgres type known for ${field.name}: ${field.type} ${JSON.stringify(field.nativeType)}; extend declared-catalog.ts`,
    );
  return field.isList ? `${base}[]` : base;
}

/** The schema's default in normalizeDefault()'s spelling; enum values by their database name. */
function declaredDefault(field: DMMF.Field, enums: Map<string, DMMF.DatamodelEnum>): string {
  const value = field.default;
  const scalar = (v: string | number | boolean) => {
    if (field.kind !== 'enum') return String(v);
    const member = enums.get(field.type)?.values.find((m) => m.name === v);
    return member?.dbName ?? String(v);
  };
  if (value === undefined) return '?';
  if (isList(value)) return `[${value.map(scalar).join(',')}]`;
  if (typeof value === 'object') {
    if (value.name === 'dbgenerated') return String(value.args[0] ?? '');
    return `${value.name}(${value.args.join(',')})`;
  }
  return scalar(value);
}

// Array.isArray does not narrow the DMMF's readonly arrays.
function isList(value: unknown): value is ReadonlyArray<string | number | boolean> {
  return Array.isArray(value);
}

/**
 * Prisma's default constraint and index names on Postgres: table, columns and a suffix joined by
 * underscores, the table-and-columns part cut so the whole fits Postgres' 63-byte identifiers.
 */
function constraintName(table: string, columns: string[], suffix: 'key' | 'idx' | 'fkey'): string {
  const stem = [table, ...columns].join('_');
  return `${stem.slice(0, 63 - suffix.length - 1)}_${suffix}`;
}
