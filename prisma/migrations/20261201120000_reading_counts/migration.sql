-- Per-turbine reading counts, so GET /turbines answers without counting `reading`.
--
-- Every change to `reading` writes its effect as delta rows (turbine, file, +/- readings) in the
-- same transaction, so a rolled-back load leaves none and a committed one leaves exactly its own:
-- - the loader records the readings it inserts (every row of its COPY; the rows its upsert
--   inserted, told apart by xmax = 0);
-- - the statement triggers below record what UPDATE (an upsert replacing an earlier file's
--   reading: -1 for that file, +1 for the new one) and DELETE (retention) changed, from their
--   transition tables, which hold exactly the row versions the statement replaced or deleted,
--   also when it waited for a concurrent loader first;
-- - TRUNCATE empties the counts with the readings.
-- Writers only ever insert delta rows, so concurrent loaders never wait for each other here.
-- A fold (one at a time, under an advisory lock) moves committed delta rows into the two count
-- tables; reads add the delta rows not folded yet, so they are exact whether folded or not.

-- Writers wait until this migration commits (SHARE ROW EXCLUSIVE blocks them, not readers), so no
-- load commits between the backfill below and the triggers taking over.
LOCK TABLE "reading" IN SHARE ROW EXCLUSIVE MODE;

-- CreateTable
CREATE TABLE "reading_count_delta" (
    "id" BIGSERIAL NOT NULL,
    "turbine_id" INTEGER NOT NULL,
    "file_id" INTEGER NOT NULL,
    "readings" INTEGER NOT NULL,

    CONSTRAINT "reading_count_delta_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "turbine_file_reading_count" (
    "turbine_id" INTEGER NOT NULL,
    "file_id" INTEGER NOT NULL,
    "readings" BIGINT NOT NULL,

    CONSTRAINT "turbine_file_reading_count_pkey" PRIMARY KEY ("turbine_id","file_id")
);

-- CreateTable
CREATE TABLE "turbine_reading_count" (
    "turbine_id" INTEGER NOT NULL,
    "readings" BIGINT NOT NULL,
    "files" INTEGER NOT NULL,

    CONSTRAINT "turbine_reading_count_pkey" PRIMARY KEY ("turbine_id")
);

-- Not expressible in schema.prisma: the triggers.
CREATE FUNCTION "reading_count_on_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO reading_count_delta (turbine_id, file_id, readings)
  SELECT turbine_id, file_id, sum(n)::int
    FROM (SELECT turbine_id, file_id, -count(*) AS n FROM replaced_rows GROUP BY 1, 2
          UNION ALL
          SELECT turbine_id, file_id, count(*) FROM replacing_rows GROUP BY 1, 2) AS changes
   GROUP BY turbine_id, file_id
  HAVING sum(n) <> 0;
  RETURN NULL;
END $$;

CREATE FUNCTION "reading_count_on_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO reading_count_delta (turbine_id, file_id, readings)
  SELECT turbine_id, file_id, -count(*) FROM deleted_rows GROUP BY 1, 2;
  RETURN NULL;
END $$;

CREATE FUNCTION "reading_count_on_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM reading_count_delta;
  DELETE FROM turbine_file_reading_count;
  DELETE FROM turbine_reading_count;
  RETURN NULL;
END $$;

CREATE TRIGGER "reading_count_update" AFTER UPDATE ON "reading"
  REFERENCING OLD TABLE AS replaced_rows NEW TABLE AS replacing_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "reading_count_on_update"();
CREATE TRIGGER "reading_count_delete" AFTER DELETE ON "reading"
  REFERENCING OLD TABLE AS deleted_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "reading_count_on_delete"();
CREATE TRIGGER "reading_count_truncate" AFTER TRUNCATE ON "reading"
  FOR EACH STATEMENT EXECUTE FUNCTION "reading_count_on_truncate"();

-- Backfill from the readings already stored (one pass over `reading`; 256 MB keeps the hash
-- aggregate of every (turbine, file) in memory at 100 M readings).
SET LOCAL work_mem = '256MB';
INSERT INTO "turbine_file_reading_count" ("turbine_id", "file_id", "readings")
SELECT "turbine_id", "file_id", count(*) FROM "reading" GROUP BY 1, 2;
INSERT INTO "turbine_reading_count" ("turbine_id", "readings", "files")
SELECT "turbine_id", sum("readings"), count(*) FROM "turbine_file_reading_count" GROUP BY 1;
