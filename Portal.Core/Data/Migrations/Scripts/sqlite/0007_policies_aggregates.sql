-- 0007 policies aggregates (sqlite).
-- Released migrations are append-only: never edit this file, add the next number instead.

CREATE TABLE "aggregates" (
    "id" TEXT NOT NULL CONSTRAINT "PK_aggregates" PRIMARY KEY,
    "simulation_id" TEXT NOT NULL,
    "bundle_id" TEXT NOT NULL,
    "variable" TEXT NOT NULL,
    "aggregate_type" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "filters_json" TEXT NOT NULL,
    "quantile_json" TEXT NULL,
    "result" REAL NULL,
    "sample_size" INTEGER NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_utc" TEXT NOT NULL,
    "updated_utc" TEXT NOT NULL
);

CREATE TABLE "change_aggregates" (
    "id" TEXT NOT NULL CONSTRAINT "PK_change_aggregates" PRIMARY KEY,
    "baseline_simulation_id" TEXT NOT NULL,
    "reform_simulation_id" TEXT NOT NULL,
    "bundle_id" TEXT NOT NULL,
    "variable" TEXT NOT NULL,
    "aggregate_type" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "filters_json" TEXT NOT NULL,
    "quantile_json" TEXT NULL,
    "change_geq" REAL NULL,
    "change_leq" REAL NULL,
    "result" REAL NULL,
    "sample_size" INTEGER NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_utc" TEXT NOT NULL,
    "updated_utc" TEXT NOT NULL
);

CREATE TABLE "policies" (
    "id" TEXT NOT NULL CONSTRAINT "PK_policies" PRIMARY KEY,
    "country" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NULL,
    "changes_json" TEXT NOT NULL,
    "change_count" INTEGER NOT NULL,
    "policy_hash" TEXT NOT NULL,
    "validated_model_version" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_utc" TEXT NOT NULL,
    "updated_utc" TEXT NOT NULL
);

CREATE INDEX "IX_aggregates_created_utc" ON "aggregates" ("created_utc");

CREATE INDEX "IX_aggregates_simulation_id_created_utc" ON "aggregates" ("simulation_id", "created_utc");

CREATE INDEX "IX_change_aggregates_baseline_simulation_id_created_utc" ON "change_aggregates" ("baseline_simulation_id", "created_utc");

CREATE INDEX "IX_change_aggregates_created_utc" ON "change_aggregates" ("created_utc");

CREATE INDEX "IX_change_aggregates_reform_simulation_id_created_utc" ON "change_aggregates" ("reform_simulation_id", "created_utc");

CREATE INDEX "IX_policies_country_created_utc" ON "policies" ("country", "created_utc");

CREATE UNIQUE INDEX "IX_policies_policy_hash" ON "policies" ("policy_hash");
