-- 0009 publishing (sqlite).
-- Released migrations are append-only: never edit this file, add the next number instead.

CREATE TABLE "publish_runs" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_publish_runs" PRIMARY KEY AUTOINCREMENT,
    "run_id" TEXT NOT NULL,
    "country" TEXT NOT NULL,
    "data_release" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "areas_json" TEXT NULL,
    "workers" INTEGER NOT NULL,
    "resume" INTEGER NOT NULL,
    "force" INTEGER NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "output_dir" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "areas_total" INTEGER NOT NULL,
    "areas_completed" INTEGER NOT NULL,
    "areas_skipped" INTEGER NOT NULL,
    "areas_failed" INTEGER NOT NULL,
    "promotable" INTEGER NOT NULL,
    "promotable_reason" TEXT NULL,
    "attempts" INTEGER NOT NULL,
    "actor" TEXT NOT NULL,
    "created_utc" TEXT NOT NULL,
    "started_utc" TEXT NULL,
    "finished_utc" TEXT NULL,
    "error" TEXT NULL,
    "manifest_sha256" TEXT NULL,
    "manifest_path" TEXT NULL
);

CREATE TABLE "publish_scope_fingerprints" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_publish_scope_fingerprints" PRIMARY KEY AUTOINCREMENT,
    "country" TEXT NOT NULL,
    "data_release" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "output_dir" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "updated_utc" TEXT NOT NULL
);

CREATE TABLE "publish_areas" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_publish_areas" PRIMARY KEY AUTOINCREMENT,
    "publish_run_id" INTEGER NOT NULL,
    "area_type" TEXT NOT NULL,
    "area_id" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "output_path" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "sha256" TEXT NULL,
    "size_bytes" INTEGER NULL,
    "households" INTEGER NOT NULL,
    "persons" INTEGER NOT NULL,
    "weight_total" REAL NOT NULL,
    "target" REAL NULL,
    "validation_status" TEXT NOT NULL,
    "issues_json" TEXT NOT NULL,
    "build_error" TEXT NULL,
    "duration_ms" INTEGER NOT NULL,
    "completed_utc" TEXT NULL,
    CONSTRAINT "FK_publish_areas_publish_runs_publish_run_id" FOREIGN KEY ("publish_run_id") REFERENCES "publish_runs" ("id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "IX_publish_areas_publish_run_id_area_type_area_id" ON "publish_areas" ("publish_run_id", "area_type", "area_id");

CREATE INDEX "IX_publish_areas_publish_run_id_status" ON "publish_areas" ("publish_run_id", "status");

CREATE INDEX "IX_publish_runs_country_data_release_fingerprint" ON "publish_runs" ("country", "data_release", "fingerprint");

CREATE UNIQUE INDEX "IX_publish_runs_run_id" ON "publish_runs" ("run_id");

CREATE UNIQUE INDEX "IX_publish_scope_fingerprints_country_data_release_scope" ON "publish_scope_fingerprints" ("country", "data_release", "scope");
