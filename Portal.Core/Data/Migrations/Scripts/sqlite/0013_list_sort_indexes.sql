-- 0013 list-sort indexes, and one registry row per gateway or report job (sqlite).
-- Released migrations are append-only: never edit this file, add the next number instead.
-- Every sort of the paged lists (/simulations, /reports, /provenance, /bundles) walks an index
-- (sort key, tie-breaker) instead of sorting the whole table on each render: with 10,000 rows
-- that sort was most of a page's database time. Three single-column indexes become the first
-- columns of wider ones and are dropped.

DROP INDEX "IX_simulation_jobs_parent_job_id";

DROP INDEX "IX_runs_created_at";

DROP INDEX "IX_runs_template_id";

CREATE INDEX "IX_simulation_jobs_parent_job_id_submitted_utc_id" ON "simulation_jobs" ("parent_job_id", "submitted_utc", "id");

CREATE INDEX "IX_simulation_jobs_parent_job_id_status_id" ON "simulation_jobs" ("parent_job_id", "status", "id");

CREATE INDEX "IX_simulation_jobs_parent_job_id_country_id" ON "simulation_jobs" ("parent_job_id", "country", "id");

CREATE INDEX "IX_report_outputs_created_at_id" ON "report_outputs" ("created_at", "id");

CREATE INDEX "IX_report_outputs_status_id" ON "report_outputs" ("status", "id");

CREATE INDEX "IX_report_outputs_year_id" ON "report_outputs" ("year", "id");

CREATE INDEX "IX_report_outputs_country_id_id" ON "report_outputs" ("country_id", "id");

CREATE INDEX "IX_runs_created_at_run_id" ON "runs" ("created_at", "run_id");

CREATE INDEX "IX_runs_completed_at_run_id" ON "runs" ("completed_at", "run_id");

CREATE INDEX "IX_runs_template_id_run_id" ON "runs" ("template_id", "run_id");

CREATE INDEX "IX_runs_country_run_id" ON "runs" ("country", "run_id");

CREATE INDEX "IX_runs_status_run_id" ON "runs" ("status", "run_id");

CREATE INDEX "IX_runs_source_run_id" ON "runs" ("source", "run_id");

CREATE INDEX "IX_execution_bundles_country_id" ON "execution_bundles" ("country", "id");

CREATE INDEX "IX_execution_bundles_data_version_id" ON "execution_bundles" ("data_version", "id");

-- One registry row per gateway or report job (template runs may share a cached job): two instances
-- recording the same finished job at once now collide on this index instead of both inserting. Rows
-- such a race left behind are removed first; the oldest row of each job stays.
DELETE FROM "runs" WHERE "kind" <> 'template' AND "job_id" IS NOT NULL AND "id" NOT IN (
    SELECT MIN("id") FROM "runs" WHERE "kind" <> 'template' AND "job_id" IS NOT NULL GROUP BY "job_id");

CREATE UNIQUE INDEX "IX_runs_job_id_one_row_per_job" ON "runs" ("job_id") WHERE "kind" <> 'template';
