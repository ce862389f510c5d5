-- 0010 runs (sqlite): the run registry (docs/runs.md).
-- Released migrations are append-only: never edit this file, add the next number instead.

CREATE TABLE "runs" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_runs" PRIMARY KEY AUTOINCREMENT,
    "run_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "template_id" TEXT NULL,
    "model_id" TEXT NULL,
    "title" TEXT NULL,
    "country" TEXT NOT NULL,
    "bundle_id" TEXT NOT NULL,
    "bundle_requested" TEXT NULL,
    "spec_sha256" TEXT NOT NULL,
    "result_sha256" TEXT NULL,
    "job_id" TEXT NULL,
    "status" TEXT NOT NULL,
    "error" TEXT NULL,
    "warnings_json" TEXT NOT NULL,
    "spec_text" TEXT NOT NULL,
    "provenance_json" TEXT NULL,
    "replay_of" TEXT NULL,
    "replay_outcome" TEXT NULL,
    "search_text" TEXT NOT NULL,
    "submitted_by" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "completed_at" TEXT NULL
);

CREATE INDEX "IX_runs_bundle_id" ON "runs" ("bundle_id");

CREATE INDEX "IX_runs_created_at" ON "runs" ("created_at");

CREATE INDEX "IX_runs_job_id" ON "runs" ("job_id");

CREATE INDEX "IX_runs_model_id" ON "runs" ("model_id");

CREATE UNIQUE INDEX "IX_runs_run_id" ON "runs" ("run_id");

CREATE INDEX "IX_runs_source_created_at" ON "runs" ("source", "created_at");

CREATE INDEX "IX_runs_template_id" ON "runs" ("template_id");
