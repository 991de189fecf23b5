import { useTestDatabase } from '../helpers/database.js';
import { DATA_TABLES, resetTables } from '../helpers/reset.js';
import { seedReadings } from '../helpers/readings.js';

const database = useTestDatabase('reset_tables');

/** The test kit's reset names every table the migrations create, so no suite inherits another test's rows. */
describe('resetTables', () => {
  it('names every table of the migrated schema but the migrations ledger', async () => {
    const { rows } = await database.pool.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1`,
    );
    expect([...DATA_TABLES].sort()).toEqual(rows.map((r) => r.name));
  });

  it('leaves every table empty and ids starting at 1 again', async () => {
    await seedReadings(database.pool, [{ turbineId: 1, ts: '2022-03-01T00:00:00Z', power: 1 }]);
    await resetTables(database.pool);
    for (const table of DATA_TABLES) {
      const { rows } = await database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      expect({ table, rows: rows[0]!.n }).toEqual({ table, rows: 0 });
    }
    expect(await seedReadings(database.pool, [{ turbineId: 1, ts: '2022-03-01T00:00:00Z', power: 1 }])).toBe(1);
  });
});
