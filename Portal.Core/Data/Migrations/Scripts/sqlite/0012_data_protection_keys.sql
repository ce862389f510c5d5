-- 0012 data-protection keys (sqlite).
-- Released migrations are append-only: never edit this file, add the next number instead.
-- One EF model serves both providers, so the table exists here too; a single SQLite node keeps
-- its keys in <data dir>/keys and leaves this table empty (see docs/architecture.md, Scale-out).

CREATE TABLE "DataProtectionKeys" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_DataProtectionKeys" PRIMARY KEY AUTOINCREMENT,
    "FriendlyName" TEXT NULL,
    "Xml" TEXT NULL
);
