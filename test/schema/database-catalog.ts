import type pg from 'pg';

/**
 * The parts of a Postgres schema that Prisma's schema language describes, in one comparable shape.
 * `readDatabaseCatalog` fills it from pg_catalog; declared-catalog.ts fills it from schema.prisma.
 * Every list is sorted, so two catalogs compare with a plain deep equality and jest's diff shows
 * exactly what differs.
 */
export interface Catalog {
  tables: string[];
  columns: Column[];
  primaryKeys: Key[];
  /** Every index except the ones backing primary keys. */
  indexes: Index[];
  /** UNIQUE constraints (Prisma writes unique indexes instead, so none are expected). */
  uniqueConstraints: Key[];
  /** CHECK and EXCLUDE constraints, which Prisma cannot declare: `table.name: definition`. */
  otherConstraints: string[];
  foreignKeys: ForeignKey[];
  enums: Enum[];
}

export interface Column {
  table: string;
  column: string;
  /** As pg's format_type() prints it: `integer`, `timestamp(3) with time zone`, `text[]`, `file_status`. */
  type: string;
  notNull: boolean;
  /** The default with casts and quotes removed (`0`, `queued`, `[]`), `autoincrement()` or `now()`; null when none. */
  default: string | null;
}

export interface Key {
  table: string;
  name: string;
  columns: string[];
}

export interface Index extends Key {
  unique: boolean;
  /** Column names, suffixed ` DESC` where descending. */
  columns: string[];
  /** The WHERE clause of a partial index, as pg_get_expr() prints it; null for a full index. */
  predicate: string | null;
}

export type ReferentialAction = 'NoAction' | 'Restrict' | 'Cascade' | 'SetNull' | 'SetDefault';

export interface ForeignKey extends Key {
  referencedTable: string;
  referencedColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
}

export interface Enum {
  name: string;
  /** In the enum's sort order, which Postgres uses for comparisons. */
  values: string[];
}

/** Tables that belong to the migration tooling rather than to Windmill's model. */
const TOOLING_TABLES = ['_prisma_migrations'];

const ACTIONS: Record<string, ReferentialAction> = { a: 'NoAction', r: 'Restrict', c: 'Cascade', n: 'SetNull', d: 'SetDefault' };

/** Reads the catalog of the `public` schema of the database `client` is connected to. */
export async function readDatabaseCatalog(client: pg.ClientBase): Promise<Catalog> {
  const tables = await client.query<{ table: string }>(
    `SELECT c.relname AS table FROM pg_class c
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT (c.relname = ANY ($1::text[]))`,
    [TOOLING_TABLES],
  );
  const columns = await client.query<{ table: string; column: string; type: string; not_null: boolean; default: string | null }>(
    `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT (c.relname = ANY ($1::text[]))
        AND a.attnum > 0 AND NOT a.attisdropped`,
    [TOOLING_TABLES],
  );
  const constraints = await client.query<{
    table: string;
    name: string;
    type: string;
    columns: string[];
    referenced_table: string | null;
    referenced_columns: string[] | null;
    on_delete: string;
    on_update: string;
    definition: string;
  }>(
    `SELECT c.relname AS table, k.conname AS name, k.contype AS type,
            array(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(attnum, i)
                    JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum ORDER BY u.i)::text[] AS columns,
            f.relname AS referenced_table,
            array(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY u(attnum, i)
                    JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum ORDER BY u.i)::text[] AS referenced_columns,
            k.confdeltype AS on_delete, k.confupdtype AS on_update, pg_get_constraintdef(k.oid) AS definition
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       LEFT JOIN pg_class f ON f.oid = k.confrelid
      WHERE k.connamespace = 'public'::regnamespace AND NOT (c.relname = ANY ($1::text[]))
        AND k.contype <> 'n'`,
    [TOOLING_TABLES],
  );
  const indexes = await client.query<{ table: string; name: string; unique: boolean; columns: string[]; predicate: string | null }>(
    `SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique,
            array(SELECT CASE WHEN u.attnum = 0 THEN pg_get_indexdef(x.indexrelid, u.i::int, true)
                              ELSE a.attname::text END
                         || CASE WHEN x.indoption[u.i - 1] & 1 = 1 THEN ' DESC' ELSE '' END
                    FROM unnest(x.indkey) WITH ORDINALITY u(attnum, i)
                    LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.attnum
                   ORDER BY u.i)::text[] AS columns,
            pg_get_expr(x.indpred, x.indrelid) AS predicate
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_class t ON t.oid = x.indrelid
      WHERE t.relnamespace = 'public'::regnamespace AND NOT (t.relname = ANY ($1::text[])) AND NOT x.indisprimary`,
    [TOOLING_TABLES],
  );
  const enums = await client.query<{ name: string; values: string[] }>(
    `SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder)::text[] AS values
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
      WHERE t.typnamespace = 'public'::regnamespace
      GROUP BY t.typname`,
  );

  const byType = (type: string) => constraints.rows.filter((k) => k.type === type);
  return sortCatalog({
    tables: tables.rows.map((r) => r.table),
    columns: columns.rows.map((r) => ({
      table: r.table,
      column: r.column,
      type: r.type,
      notNull: r.not_null,
      default: r.default === null ? null : normalizeDefault(r.default),
    })),
    primaryKeys: byType('p').map((k) => ({ table: k.table, name: k.name, columns: k.columns })),
    indexes: indexes.rows.map((r) => ({ table: r.table, name: r.name, columns: r.columns, unique: r.unique, predicate: r.predicate })),
    uniqueConstraints: byType('u').map((k) => ({ table: k.table, name: k.name, columns: k.columns })),
    otherConstraints: constraints.rows.filter((k) => k.type === 'c' || k.type === 'x').map((k) => `${k.table}.${k.name}: ${k.definition}`),
    foreignKeys: byType('f').map((k) => ({
      table: k.table,
      name: k.name,
      columns: k.columns,
      referencedTable: k.referenced_table ?? '?',
      referencedColumns: k.referenced_columns ?? [],
      onDelete: ACTIONS[k.on_delete] ?? 'NoAction',
      onUpdate: ACTIONS[k.on_update] ?? 'NoAction',
    })),
    enums: enums.rows,
  });
}

/**
 * A column default as Prisma would write it, so `'queued'::file_status`, `ARRAY[]::text[]`,
 * `nextval('ingested_file_id_seq'::regclass)` and `CURRENT_TIMESTAMP` compare with the schema's
 * `queued`, `[]`, `autoincrement()` and `now()`.
 */
export function normalizeDefault(expression: string): string {
  if (/^nextval\(/i.test(expression)) return 'autoincrement()';
  if (/^(CURRENT_TIMESTAMP|now\(\))$/i.test(expression)) return 'now()';
  const withoutCasts = expression.replace(/::[a-z_ ]+(\(\d+(,\d+)?\))?(\[\])?/gi, '').trim();
  const array = /^ARRAY\[(.*)\]$/s.exec(withoutCasts);
  if (array)
    return `[${array[1]!
      .split(',')
      .map((item) => unquote(item.trim()))
      .filter(Boolean)
      .join(',')}]`;
  return unquote(withoutCasts);
}

function unquote(literal: string): string {
  const quoted = /^'(.*)'$/s.exec(literal);
  return quoted ? quoted[1]!.replace(/''/g, "'") : literal;
}

export function sortCatalog(catalog: Catalog): Catalog {
  const byKey =
    <T>(key: (item: T) => string) =>
    (a: T, b: T) =>
      key(a).localeCompare(key(b));
  return {
    tables: [...catalog.tables].sort(),
    columns: [...catalog.columns].sort(byKey((c) => `${c.table}.${c.column}`)),
    primaryKeys: [...catalog.primaryKeys].sort(byKey((k) => `${k.table}.${k.name}`)),
    indexes: [...catalog.indexes].sort(byKey((k) => `${k.table}.${k.name}`)),
    uniqueConstraints: [...catalog.uniqueConstraints].sort(byKey((k) => `${k.table}.${k.name}`)),
    otherConstraints: [...catalog.otherConstraints].sort(),
    foreignKeys: [...catalog.foreignKeys].sort(byKey((k) => `${k.table}.${k.name}`)),
    enums: [...catalog.enums].sort(byKey((e) => e.name)),
  };
}
