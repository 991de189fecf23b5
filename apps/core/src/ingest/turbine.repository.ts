import type { Pool } from 'pg';

/** Advisory lock namespace ('WINT'): one allocation of turbine ids at a time. */
const TURBINE_LOCK_NAMESPACE = 0x57_49_4e_54;

/**
 * The ids of turbine names that are not positive integers, in the order given: an existing
 * turbine's id, or a new negative one (-1, -2, ...), so named turbines never collide with the
 * numbered ones. Runs in its own short transaction on a pool connection, not in the file's load
 * (whose connection is busy with COPY): a name is registered once, even if the load that brought
 * it rolls back, and two loads bringing the same new name get the same id.
 */
export async function allocateTurbineIds(pool: Pool, names: readonly string[]): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [TURBINE_LOCK_NAMESPACE]);
    await client.query(
      `INSERT INTO turbine (id, name)
       SELECT (SELECT least(coalesce(min(id), 0), 0) FROM turbine) - row_number() OVER (ORDER BY ord), name
         FROM unnest($1::text[]) WITH ORDINALITY AS n(name, ord)
        WHERE NOT EXISTS (SELECT 1 FROM turbine t WHERE t.name = n.name)`,
      [[...new Set(names)]],
    );
    const { rows } = await client.query<{ id: number; name: string }>('SELECT id, name FROM turbine WHERE name = ANY($1::text[])', [names]);
    await client.query('COMMIT');
    const ids = new Map(rows.map((r) => [r.name, r.id]));
    return names.map((name) => ids.get(name)!);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
