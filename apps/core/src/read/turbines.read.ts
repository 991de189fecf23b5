import type { Queryable } from '../db/pool.js';
import { currentReadingCountsSql } from '../ingest/reading-count.repository.js';
import { MAX_TURBINE_NAME } from '../profiles/input-profile.js';
import { numericTurbineId } from '../profiles/profile-mapper.js';
import { SqlFilter, toPage, type Page, type TimeRange } from './sql-filter.js';

/** A turbine as readers name it: its key in every table and its name as written in the data. */
export interface TurbineRef {
  id: number;
  name: string;
}

/**
 * The turbine a name denotes, or null when none has it. Names match exactly (case and spaces
 * count). A name that is a positive integer is the turbine with that id, by the loader's own rule
 * (`numericTurbineId`), so `7` and `007` find turbine 7 (named `7`) as the numeric URLs always
 * did; any other name is looked up as written. A name longer than turbine.name holds finds nothing.
 */
export async function findTurbineByName(db: Queryable, name: string): Promise<TurbineRef | null> {
  if (name.length === 0 || [...name].length > MAX_TURBINE_NAME) return null;
  const id = numericTurbineId(name);
  const { rows } =
    id === null
      ? await db.query<{ id: number; name: string }>('SELECT id, name FROM turbine WHERE name = $1', [name])
      : await db.query<{ id: number; name: string }>('SELECT id, name FROM turbine WHERE id = $1', [id]);
  return rows[0] ?? null;
}

export interface TurbineOverview {
  id: number;
  /** As written in the data; for a numbered turbine, its id in decimal (`7`). */
  name: string;
  readingCount: number;
  /** Files that hold at least one of the turbine's current readings (a later file replaces older values). */
  fileCount: number;
  firstReadingAt: Date | null;
  lastReadingAt: Date | null;
}

export interface TurbineListQuery {
  /** The page starts after this turbine in the list's order (numbered by id, then named -1, -2, ...). */
  afterId?: number | undefined;
  limit: number;
}

/** The list's order: numbered turbines by id, then named ones (negative ids) -1, -2, ... */
const LIST_ORDER = (id: string) => `${id} < 0, CASE WHEN ${id} > 0 THEN ${id} END, ${id} DESC`;

/**
 * A page of the known turbines, the numbered ones by id, then the named ones (negative ids) in the
 * order they were first loaded (-1, -2, ...), with its readings' count, time span and the number of
 * files they came from, without counting `reading`. The page is chosen first through the turbine
 * key (two range scans: numbered after the cursor, named after it), then only its turbines are
 * joined with the per-turbine counters the writers keep (reading-count.repository.ts: folded counts
 * plus the delta rows not folded yet, exact either way) and probed twice each on reading
 * (turbine_id, ts) for the first and last reading time: a page costs its own turbines whatever the
 * fleet's size. One statement, so counts and times come from one snapshot. A turbine whose readings
 * were all deleted (retention) has count 0 and null times. A cursor of 0 (no turbine has it) is the
 * start of the list.
 */
export async function listTurbines(db: Queryable, q: TurbineListQuery): Promise<Page<TurbineOverview>> {
  const { rows } = await db.query<{
    id: number;
    name: string;
    reading_count: string | null;
    file_count: string | null;
    first_ts: Date | null;
    last_ts: Date | null;
  }>(
    `
    WITH page AS (
      SELECT id, name FROM (
        (SELECT id, name FROM turbine WHERE $1::int >= 0 AND id > $1::int ORDER BY id LIMIT $2)
        UNION ALL
        (SELECT id, name FROM turbine WHERE id < least($1::int, 0) ORDER BY id DESC LIMIT $2)
      ) candidates
      ORDER BY ${LIST_ORDER('id')} LIMIT $2
    )
    SELECT p.id, p.name, c.readings AS reading_count, c.files AS file_count,
           (SELECT min(r.ts) FROM reading r WHERE r.turbine_id = p.id) AS first_ts,
           (SELECT max(r.ts) FROM reading r WHERE r.turbine_id = p.id) AS last_ts
      FROM page p
      LEFT JOIN (${currentReadingCountsSql('ARRAY(SELECT id FROM page)')}) c ON c.turbine_id = p.id
     ORDER BY ${LIST_ORDER('p.id')}`,
    [q.afterId ?? 0, q.limit + 1],
  );
  return toPage(
    rows.map((r) => ({
      id: r.id,
      name: r.name,
      readingCount: Number(r.reading_count ?? 0),
      fileCount: Number(r.file_count ?? 0),
      firstReadingAt: r.first_ts,
      lastReadingAt: r.last_ts,
    })),
    q.limit,
  );
}

export interface PowerSummary {
  count: number;
  /** All three are null when the period holds no readings. */
  min: number | null;
  max: number | null;
  mean: number | null;
}

/**
 * min/max/mean of power_output over `[from, to)` computed from the readings themselves (not from
 * window stats), so any period works. The mean is taken in numeric, so values stored as doubles
 * average without binary rounding (2.9 and 3.05 give exactly 2.975).
 */
export async function summarizePower(db: Queryable, turbineId: number, range: TimeRange): Promise<PowerSummary> {
  const filter = new SqlFilter().add('turbine_id = $?', turbineId);
  if (range.from) filter.add('ts >= $?', range.from);
  if (range.to) filter.add('ts < $?', range.to);
  const { rows } = await db.query<{ count: string; min: number | null; max: number | null; mean: string | null }>(
    `SELECT count(*) AS count, min(power_output) AS min, max(power_output) AS max,
            avg(power_output::numeric) AS mean
       FROM reading ${filter.where}`,
    filter.values,
  );
  const row = rows[0];
  return {
    count: Number(row?.count ?? 0),
    min: row?.min ?? null,
    max: row?.max ?? null,
    mean: row?.mean == null ? null : Number(row.mean),
  };
}
