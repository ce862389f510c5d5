-- 0008 reports (sqlite).
-- Released migrations are append-only: never edit this file, add the next number instead.

CREATE TABLE "household" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_household" PRIMARY KEY AUTOINCREMENT,
    "country_id" TEXT NOT NULL,
    "label" TEXT NULL,
    "api_version" TEXT NOT NULL,
    "household_json" TEXT NOT NULL,
    "household_hash" TEXT NOT NULL,
    "created_at" TEXT NOT NULL
);

CREATE TABLE "policy" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_policy" PRIMARY KEY AUTOINCREMENT,
    "country_id" TEXT NOT NULL,
    "label" TEXT NULL,
    "api_version" TEXT NOT NULL,
    "policy_json" TEXT NOT NULL,
    "policy_hash" TEXT NOT NULL,
    "created_at" TEXT NOT NULL
);

CREATE TABLE "reform_impact" (
    "reform_impact_id" INTEGER NOT NULL CONSTRAINT "PK_reform_impact" PRIMARY KEY AUTOINCREMENT,
    "baseline_policy_id" INTEGER NOT NULL,
    "reform_policy_id" INTEGER NOT NULL,
    "country_id" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "dataset" TEXT NOT NULL,
    "time_period" TEXT NOT NULL,
    "options_json" TEXT NOT NULL,
    "options_hash" TEXT NOT NULL,
    "api_version" TEXT NOT NULL,
    "reform_impact_json" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "message" TEXT NULL,
    "start_time" TEXT NOT NULL,
    "end_time" TEXT NULL,
    "execution_id" TEXT NOT NULL
);

CREATE TABLE "report_outputs" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_report_outputs" PRIMARY KEY AUTOINCREMENT,
    "country_id" TEXT NOT NULL,
    "simulation_1_id" INTEGER NOT NULL,
    "simulation_2_id" INTEGER NULL,
    "api_version" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "output" TEXT NULL,
    "error_message" TEXT NULL,
    "year" TEXT NOT NULL,
    "report_type" TEXT NOT NULL,
    "bundle_id" TEXT NOT NULL,
    "options_json" TEXT NOT NULL,
    "reuse_key" TEXT NOT NULL,
    "owner_id" TEXT NULL,
    "owner_name" TEXT NOT NULL,
    "job_id" TEXT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "started_at" TEXT NULL,
    "completed_at" TEXT NULL
);

CREATE TABLE "report_rerun_keys" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_report_rerun_keys" PRIMARY KEY AUTOINCREMENT,
    "report_id" INTEGER NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "response_json" TEXT NOT NULL,
    "created_at" TEXT NOT NULL
);

CREATE TABLE "simulations" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_simulations" PRIMARY KEY AUTOINCREMENT,
    "country_id" TEXT NOT NULL,
    "api_version" TEXT NOT NULL,
    "population_id" TEXT NOT NULL,
    "population_type" TEXT NOT NULL,
    "policy_id" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "output" TEXT NULL,
    "error_message" TEXT NULL,
    "bundle_id" TEXT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL
);

CREATE UNIQUE INDEX "IX_household_country_id_household_hash" ON "household" ("country_id", "household_hash");

CREATE UNIQUE INDEX "IX_policy_country_id_policy_hash" ON "policy" ("country_id", "policy_hash");

CREATE UNIQUE INDEX "IX_reform_impact_country_id_reform_policy_id_baseline_policy_id_region_time_period_options_hash_api_version_dataset" ON "reform_impact" ("country_id", "reform_policy_id", "baseline_policy_id", "region", "time_period", "options_hash", "api_version", "dataset");

CREATE INDEX "IX_report_outputs_country_id_created_at" ON "report_outputs" ("country_id", "created_at");

CREATE INDEX "IX_report_outputs_job_id" ON "report_outputs" ("job_id");

CREATE INDEX "IX_report_outputs_owner_id_created_at" ON "report_outputs" ("owner_id", "created_at");

CREATE UNIQUE INDEX "IX_report_outputs_reuse_key" ON "report_outputs" ("reuse_key");

CREATE INDEX "IX_report_outputs_simulation_1_id" ON "report_outputs" ("simulation_1_id");

CREATE INDEX "IX_report_outputs_simulation_2_id" ON "report_outputs" ("simulation_2_id");

CREATE UNIQUE INDEX "IX_report_rerun_keys_report_id_idempotency_key" ON "report_rerun_keys" ("report_id", "idempotency_key");

CREATE UNIQUE INDEX "IX_simulations_country_id_population_id_population_type_policy_id" ON "simulations" ("country_id", "population_id", "population_type", "policy_id");
