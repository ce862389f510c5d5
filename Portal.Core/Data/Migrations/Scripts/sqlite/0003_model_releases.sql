-- 0003 model releases (sqlite).
-- Released migrations are append-only: never edit this file, add the next number instead.

CREATE TABLE "model_releases" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_model_releases" PRIMARY KEY AUTOINCREMENT,
    "country" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "first_seen_utc" TEXT NOT NULL
);

CREATE UNIQUE INDEX "IX_model_releases_country_version" ON "model_releases" ("country", "version");
