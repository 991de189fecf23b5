import type { Queryable } from '@windmill/core/db/pool';

/** A row of the file ledger (`ingested_file`) as pg returns it: bigint columns as text, times as Dates. */
export type LedgerRow = {
  id: number;
  path: string;
  sha256: string | null;
  size_bytes: string | null;
  /** queued, processing, done, duplicate or failed. */
  status: string;
  rows_total: number;
  rows_loaded: number;
  rows_imputed: number;
  rows_duplicate: number;
  rows_rejected: number;
  rows_superseded: number;
  start_offset: string;
  append_of_id: number | null;
  last_line: number;
  duplicate_of_id: number | null;
  header: string | null;
  profile: string | null;
  error: string | null;
  final_path: string | null;
  move_error: string | null;
  attempts: number;
  queued_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
};

export type LedgerColumn = keyof LedgerRow;

const COLUMNS: ReadonlySet<string> = new Set<LedgerColumn>([
  'id',
  'path',
  'sha256',
  'size_bytes',
  'status',
  'rows_total',
  'rows_loaded',
  'rows_imputed',
  'rows_duplicate',
  'rows_rejected',
  'rows_superseded',
  'start_offset',
  'append_of_id',
  'last_line',
  'duplicate_of_id',
  'header',
  'profile',
  'error',
  'final_path',
  'move_error',
  'attempts',
  'queued_at',
  'started_at',
  'finished_at',
]);

export interface LedgerFilter {
  /** Only the rows of files with this name (the last part of their path), wherever they were found. */
  name?: string;
  /** Only the rows of this exact path. */
  path?: string;
  /** Only this row. */
  id?: number;
  /** Row order: by id (default, the order files were queued), or by path then id. */
  orderBy?: 'id' | 'path';
}

/**
 * The ledger rows, with just the columns a test asserts on (so `toEqual` compares exactly those),
 * in the order files were queued.
 */
export async function readLedger<C extends LedgerColumn>(
  db: Queryable,
  columns: readonly C[],
  filter: LedgerFilter = {},
): Promise<Array<Pick<LedgerRow, C>>> {
  const unknown = columns.filter((c) => !COLUMNS.has(c));
  if (unknown.length > 0 || columns.length === 0) throw new Error(`readLedger: not ledger columns: ${JSON.stringify(columns)}`);
  const where: string[] = [];
  const values: unknown[] = [];
  if (filter.name !== undefined) where.push(`regexp_replace(path, '^.*/', '') = $${values.push(filter.name)}`);
  if (filter.path !== undefined) where.push(`path = $${values.push(filter.path)}`);
  if (filter.id !== undefined) where.push(`id = $${values.push(filter.id)}`);
  const { rows } = await db.query<Pick<LedgerRow, C>>(
    `SELECT ${columns.join(', ')} FROM ingested_file ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${filter.orderBy === 'path' ? 'path, id' : 'id'}`,
    values,
  );
  return rows;
}

/** The latest ledger row of the file named `name` (or of row `id`), or undefined when there is none. */
export async function ledgerRow<C extends LedgerColumn>(
  db: Queryable,
  nameOrId: string | number,
  columns: readonly C[],
): Promise<Pick<LedgerRow, C> | undefined> {
  const rows = await readLedger(db, columns, typeof nameOrId === 'number' ? { id: nameOrId } : { name: nameOrId });
  return rows.at(-1);
}
