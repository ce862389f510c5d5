-- 0006 simulation jobs (sqlite).
-- Released migrations are append-only: never edit this file, add the next number instead.

CREATE TABLE "simulation_jobs" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_simulation_jobs" PRIMARY KEY AUTOINCREMENT,
    "job_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "country" TEXT NOT NULL,
    "bundle_id" TEXT NOT NULL,
    "cache_key" TEXT NULL,
    "parent_job_id" TEXT NULL,
    "status" TEXT NOT NULL,
    "progress" REAL NOT NULL,
    "stage" TEXT NULL,
    "request_json" TEXT NOT NULL,
    "result_json" TEXT NULL,
    "error" TEXT NULL,
    "run_id" TEXT NOT NULL,
    "submitted_by" TEXT NOT NULL,
    "submitted_utc" TEXT NOT NULL,
    "started_utc" TEXT NULL,
    "completed_utc" TEXT NULL,
    "attempts" INTEGER NOT NULL
);

CREATE INDEX "IX_simulation_jobs_bundle_id_submitted_utc" ON "simulation_jobs" ("bundle_id", "submitted_utc");

CREATE UNIQUE INDEX "IX_simulation_jobs_cache_key" ON "simulation_jobs" ("cache_key");

CREATE UNIQUE INDEX "IX_simulation_jobs_job_id" ON "simulation_jobs" ("job_id");

CREATE INDEX "IX_simulation_jobs_parent_job_id" ON "simulation_jobs" ("parent_job_id");

CREATE INDEX "IX_simulation_jobs_status_submitted_utc" ON "simulation_jobs" ("status", "submitted_utc");
