-- CreateEnum
CREATE TYPE "file_status" AS ENUM ('queued', 'processing', 'done', 'duplicate', 'failed');

-- CreateEnum
CREATE TYPE "reject_reason" AS ENUM ('column_count', 'bad_timestamp', 'bad_turbine_id', 'missing_power');

-- CreateEnum
CREATE TYPE "anomaly_kind" AS ENUM ('reading', 'turbine');

-- CreateEnum
CREATE TYPE "stats_run_status" AS ENUM ('running', 'done', 'failed');

-- CreateTable
CREATE TABLE "turbine" (
    "id" INTEGER NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "turbine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reading" (
    "turbine_id" INTEGER NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "wind_speed" DOUBLE PRECISION,
    "wind_direction" DOUBLE PRECISION,
    "power_output" DOUBLE PRECISION NOT NULL,
    "wind_speed_imputed" BOOLEAN NOT NULL DEFAULT false,
    "wind_direction_imputed" BOOLEAN NOT NULL DEFAULT false,
    "power_imputed" BOOLEAN NOT NULL DEFAULT false,
    "file_id" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "ingested_file" (
    "id" SERIAL NOT NULL,
    "path" TEXT NOT NULL,
    "sha256" CHAR(64),
    "size_bytes" BIGINT,
    "status" "file_status" NOT NULL DEFAULT 'queued',
    "rows_total" INTEGER NOT NULL DEFAULT 0,
    "rows_loaded" INTEGER NOT NULL DEFAULT 0,
    "rows_imputed" INTEGER NOT NULL DEFAULT 0,
    "rows_duplicate" INTEGER NOT NULL DEFAULT 0,
    "rows_rejected" INTEGER NOT NULL DEFAULT 0,
    "start_offset" BIGINT NOT NULL DEFAULT 0,
    "append_of_id" INTEGER,
    "last_line" INTEGER NOT NULL DEFAULT 0,
    "duplicate_of_id" INTEGER,
    "ignored_columns" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "error" TEXT,
    "final_path" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "queued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "ingested_file_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rejected_row" (
    "file_id" INTEGER NOT NULL,
    "line" INTEGER NOT NULL,
    "raw" TEXT NOT NULL,
    "reason" "reject_reason" NOT NULL,
    "detail" TEXT NOT NULL,

    CONSTRAINT "rejected_row_pkey" PRIMARY KEY ("file_id","line")
);

-- CreateTable
CREATE TABLE "window_stat" (
    "turbine_id" INTEGER NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "window_seconds" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "min" DOUBLE PRECISION NOT NULL,
    "max" DOUBLE PRECISION NOT NULL,
    "mean" DOUBLE PRECISION NOT NULL,
    "stddev" DOUBLE PRECISION,
    "imputed_count" INTEGER NOT NULL,
    "expected_count" INTEGER NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL,
    "run_id" INTEGER NOT NULL,

    CONSTRAINT "window_stat_pkey" PRIMARY KEY ("turbine_id","window_start","window_seconds")
);

-- CreateTable
CREATE TABLE "anomaly" (
    "id" SERIAL NOT NULL,
    "kind" "anomaly_kind" NOT NULL,
    "turbine_id" INTEGER NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "window_seconds" INTEGER NOT NULL,
    "ts" TIMESTAMPTZ(3),
    "value" DOUBLE PRECISION NOT NULL,
    "mean" DOUBLE PRECISION NOT NULL,
    "stddev" DOUBLE PRECISION NOT NULL,
    "deviation" DOUBLE PRECISION NOT NULL,
    "sigma" DOUBLE PRECISION NOT NULL,
    "run_id" INTEGER NOT NULL,

    CONSTRAINT "anomaly_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stats_run" (
    "id" SERIAL NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),
    "windows_computed" INTEGER NOT NULL DEFAULT 0,
    "anomalies_reading" INTEGER NOT NULL DEFAULT 0,
    "anomalies_turbine" INTEGER NOT NULL DEFAULT 0,
    "status" "stats_run_status" NOT NULL,
    "window_seconds" INTEGER NOT NULL,
    "sigma" DOUBLE PRECISION NOT NULL,
    "full" BOOLEAN NOT NULL DEFAULT false,
    "trigger" TEXT NOT NULL DEFAULT 'schedule',

    CONSTRAINT "stats_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stats_pending" (
    "id" SERIAL NOT NULL,
    "turbine_id" INTEGER NOT NULL,
    "ts_min" TIMESTAMPTZ(3) NOT NULL,
    "ts_max" TIMESTAMPTZ(3) NOT NULL,
    "file_id" INTEGER NOT NULL,

    CONSTRAINT "stats_pending_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "reading_turbine_id_ts_key" ON "reading"("turbine_id", "ts");

-- CreateIndex
CREATE INDEX "ingested_file_path_finished_at_idx" ON "ingested_file"("path", "finished_at");

-- CreateIndex
CREATE INDEX "ingested_file_status_idx" ON "ingested_file"("status");

-- CreateIndex
CREATE INDEX "ingested_file_sha256_idx" ON "ingested_file"("sha256");

-- CreateIndex
CREATE INDEX "window_stat_window_seconds_window_start_idx" ON "window_stat"("window_seconds", "window_start");

-- CreateIndex
CREATE INDEX "anomaly_window_seconds_window_start_turbine_id_idx" ON "anomaly"("window_seconds", "window_start", "turbine_id");

-- CreateIndex
CREATE INDEX "anomaly_turbine_id_window_start_idx" ON "anomaly"("turbine_id", "window_start");

-- AddForeignKey
ALTER TABLE "rejected_row" ADD CONSTRAINT "rejected_row_file_id_fkey" FOREIGN KEY ("file_id") REFERENCES "ingested_file"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "window_stat" ADD CONSTRAINT "window_stat_turbine_id_fkey" FOREIGN KEY ("turbine_id") REFERENCES "turbine"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "anomaly" ADD CONSTRAINT "anomaly_turbine_id_fkey" FOREIGN KEY ("turbine_id") REFERENCES "turbine"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Not expressible in schema.prisma: partial unique indexes.
-- A given content is loaded at most once: two workers racing on copies of one file cannot both commit.
CREATE UNIQUE INDEX "ingested_file_sha256_done_key" ON "ingested_file"("sha256") WHERE "status" = 'done';
-- A path with given content is in flight at most once: repeated watcher events enqueue one ingest.
CREATE UNIQUE INDEX "ingested_file_path_sha256_in_flight_key" ON "ingested_file"("path", "sha256") WHERE "status" IN ('queued', 'processing');
