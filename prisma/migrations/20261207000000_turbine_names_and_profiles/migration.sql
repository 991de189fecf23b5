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

-- A numbered turbine inserted without a name (an analyst's script, an older writer) is named by
-- its number, as the loader names it. Not expressible in schema.prisma.
CREATE FUNCTION "turbine_default_name"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.name IS NULL THEN NEW.name := NEW.id::text; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "turbine_default_name" BEFORE INSERT ON "turbine"
  FOR EACH ROW EXECUTE FUNCTION "turbine_default_name"();

-- AlterTable
ALTER TABLE "ingested_file" ADD COLUMN     "profile" TEXT;
