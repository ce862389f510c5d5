-- 0011 uploaded templates (sqlite).
-- Released migrations are append-only: never edit this file, add the next number instead.

CREATE TABLE "templates" (
    "id" TEXT NOT NULL CONSTRAINT "PK_templates" PRIMARY KEY,
    "version" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "yaml" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "uploaded_by" TEXT NOT NULL,
    "uploaded_at" TEXT NOT NULL
);
