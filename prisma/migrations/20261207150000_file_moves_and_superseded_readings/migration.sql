-- Two ledger facts and one table (issue 21, items 1 and 7).
--
-- move_error: a file that was loaded (or failed) but could not be moved out of the inbox (the
-- processed or failed folder read-only or full, the file immutable). While set, final_path is the
-- file's place in the inbox and the move is retried; it is cleared once the file has moved.
--
-- rows_superseded: a file delivered again at the same path (a new version, not an appended part)
-- replaces the older version: the readings the older load(s) of that path still held and the new
-- one lacks are removed in the new file's transaction, and counted here on the new file's row.
--
-- file_turbine_range: per file and turbine, the time range of the readings the file loaded, so that
-- removing an older version's readings is an index range scan of `reading` (turbine_id, ts) instead
-- of a scan of the whole table (there is no index on reading.file_id, on purpose: loading would pay
-- for it). Written by the loader in the file's transaction, beside its stats_pending notes.

-- AlterTable
ALTER TABLE "ingested_file" ADD COLUMN     "move_error" TEXT,
ADD COLUMN     "rows_superseded" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "file_turbine_range" (
    "file_id" INTEGER NOT NULL,
    "turbine_id" INTEGER NOT NULL,
    "ts_min" TIMESTAMPTZ(3) NOT NULL,
    "ts_max" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "file_turbine_range_pkey" PRIMARY KEY ("file_id","turbine_id")
);

-- Backfill from the readings already stored (one pass over `reading`, as the reading counts' backfill).
SET LOCAL work_mem = '256MB';
INSERT INTO "file_turbine_range" ("file_id", "turbine_id", "ts_min", "ts_max")
SELECT "file_id", "turbine_id", min("ts"), max("ts") FROM "reading" GROUP BY 1, 2;
