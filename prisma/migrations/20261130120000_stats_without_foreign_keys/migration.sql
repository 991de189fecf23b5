-- Statistics and anomalies keep turbine_id without a foreign-key constraint, like reading: a full
-- stats run writes one row per turbine-window, and the per-row trigger of the constraint took a
-- quarter of that write. Every turbine_id written comes from reading, whose turbines the loader
-- records in the same transaction; turbines are never deleted.

-- DropForeignKey
ALTER TABLE "window_stat" DROP CONSTRAINT "window_stat_turbine_id_fkey";

-- DropForeignKey
ALTER TABLE "anomaly" DROP CONSTRAINT "anomaly_turbine_id_fkey";
