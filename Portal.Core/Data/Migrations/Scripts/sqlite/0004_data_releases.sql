-- 0004 data releases (sqlite).
-- Released migrations are append-only: never edit this file, add the next number instead.

CREATE TABLE "data_releases" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_data_releases" PRIMARY KEY AUTOINCREMENT,
    "country" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "manifest_revision" TEXT NOT NULL,
    "manifest_json" TEXT NOT NULL,
    "period" INTEGER NOT NULL,
    "created_utc" TEXT NOT NULL,
    "created_by" TEXT NOT NULL
);

CREATE TABLE "data_release_artifacts" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_data_release_artifacts" PRIMARY KEY AUTOINCREMENT,
    "data_release_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "rows_json" TEXT NOT NULL,
    CONSTRAINT "FK_data_release_artifacts_data_releases_data_release_id" FOREIGN KEY ("data_release_id") REFERENCES "data_releases" ("id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "IX_data_releases_country_version" ON "data_releases" ("country", "version");
CREATE UNIQUE INDEX "IX_data_release_artifacts_data_release_id_name" ON "data_release_artifacts" ("data_release_id", "name");
CREATE INDEX "IX_data_release_artifacts_sha256" ON "data_release_artifacts" ("sha256");
