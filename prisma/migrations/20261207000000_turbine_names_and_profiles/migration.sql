-- Turbine names and input profiles (real exports). A turbine is identified by its name as written
-- in the data; names that are positive integers keep that number as their id, every other name is
-- given a negative id by the loader, so the two can never collide. Existing turbines are named by
-- their number. The ledger records which input profile read each file (null: the canonical layout).

-- AlterTable
ALTER TABLE "turbine" ADD COLUMN     "name" VARCHAR(64);
UPDATE "turbine" SET "name" = "id"::text;
ALTER TABLE "turbine" ALTER COLUMN "name" SET NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "turbine_name_key" ON "turbine"("name");

-- AlterTable
ALTER TABLE "ingested_file" ADD COLUMN     "profile" TEXT;
