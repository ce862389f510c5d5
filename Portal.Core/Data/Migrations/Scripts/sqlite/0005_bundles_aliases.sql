-- 0005 bundles aliases (sqlite).
-- Released migrations are append-only: never edit this file, add the next number instead.

CREATE TABLE "alias_events" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_alias_events" PRIMARY KEY AUTOINCREMENT,
    "country" TEXT NOT NULL,
    "alias" TEXT NOT NULL,
    "from_bundle" TEXT NULL,
    "to_bundle" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "at_utc" TEXT NOT NULL
);

CREATE TABLE "bundle_aliases" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_bundle_aliases" PRIMARY KEY AUTOINCREMENT,
    "country" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "bundle_id" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "updated_utc" TEXT NOT NULL,
    "updated_by" TEXT NOT NULL
);

CREATE TABLE "execution_bundles" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_execution_bundles" PRIMARY KEY AUTOINCREMENT,
    "bundle_id" TEXT NOT NULL,
    "display_id" TEXT NOT NULL,
    "country" TEXT NOT NULL,
    "model_version" TEXT NOT NULL,
    "model_sha256" TEXT NOT NULL,
    "data_version" TEXT NOT NULL,
    "data_manifest_revision" TEXT NOT NULL,
    "dataset" TEXT NOT NULL,
    "dataset_sha256" TEXT NOT NULL,
    "engine_version" TEXT NOT NULL,
    "canonical_json" TEXT NOT NULL,
    "certified" INTEGER NOT NULL,
    "certification_json" TEXT NOT NULL,
    "created_utc" TEXT NOT NULL,
    "created_by" TEXT NOT NULL
);

CREATE UNIQUE INDEX "IX_alias_events_country_alias_revision" ON "alias_events" ("country", "alias", "revision");

CREATE INDEX "IX_alias_events_to_bundle" ON "alias_events" ("to_bundle");

CREATE UNIQUE INDEX "IX_bundle_aliases_country_name" ON "bundle_aliases" ("country", "name");

CREATE UNIQUE INDEX "IX_execution_bundles_bundle_id" ON "execution_bundles" ("bundle_id");

CREATE INDEX "IX_execution_bundles_country_created_utc" ON "execution_bundles" ("country", "created_utc");

CREATE UNIQUE INDEX "IX_execution_bundles_display_id" ON "execution_bundles" ("display_id");
