-- Power-curve performance: daily fleet tallies per wind-speed bin, per turbine-window
-- energies against the fleet curve, the `underperformance` anomaly kind, and the curve settings
-- each stats run used (a change makes the next run full).

-- AlterEnum
-- Postgres 12+ accepts this inside the migration's transaction; the value is first used by a stats run.
ALTER TYPE "anomaly_kind" ADD VALUE 'underperformance';

-- CreateTable
CREATE TABLE "power_curve_day" (
    "day" TIMESTAMPTZ(3) NOT NULL,
    "bin" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "sum" DOUBLE PRECISION NOT NULL,
    "sum_sq" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "power_curve_day_pkey" PRIMARY KEY ("day","bin")
);

-- AlterTable
ALTER TABLE "window_stat" ADD COLUMN     "energy_mwh" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "actual_energy_mwh" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "expected_energy_mwh" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "lost_energy_mwh" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "performance_ratio" DOUBLE PRECISION,
ADD COLUMN     "readings_used" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "performance_judged" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "anomaly" ALTER COLUMN "stddev" DROP NOT NULL,
ALTER COLUMN "sigma" DROP NOT NULL,
ADD COLUMN     "threshold" DOUBLE PRECISION,
ADD COLUMN     "lost_energy_mwh" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "stats_run" ADD COLUMN     "anomalies_underperformance" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "power_curve_days" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "power_curve_windows" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "bin_width" DOUBLE PRECISION,
ADD COLUMN     "min_bin_count" INTEGER,
ADD COLUMN     "reference_days" INTEGER,
ADD COLUMN     "underperformance_threshold" DOUBLE PRECISION,
ADD COLUMN     "min_expected_share" DOUBLE PRECISION;

-- Windows computed before this migration: their energy from the stored mean and count (the reading
-- interval is window_seconds / expected_count). The rest of their performance comes with the next
-- stats run, which is a full one (the last run recorded no curve settings); windows whose readings
-- retention already deleted keep readings_used 0 and a NULL ratio.
UPDATE "window_stat" SET "energy_mwh" = "mean" * "count" * ("window_seconds"::float8 / "expected_count") / 3600;
