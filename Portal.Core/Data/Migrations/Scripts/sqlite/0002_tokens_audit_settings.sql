-- 0002 access tokens, audit log, system settings (sqlite).
-- Released migrations are append-only: never edit this file, add the next number instead.

CREATE TABLE "audit_events" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_audit_events" PRIMARY KEY AUTOINCREMENT,
    "at_utc" TEXT NOT NULL,
    "actor_id" TEXT NULL,
    "actor_name" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "details" TEXT NOT NULL
);

CREATE TABLE "system_settings" (
    "key" TEXT NOT NULL CONSTRAINT "PK_system_settings" PRIMARY KEY,
    "value" TEXT NOT NULL,
    "updated_utc" TEXT NOT NULL
);

CREATE TABLE "access_tokens" (
    "id" INTEGER NOT NULL CONSTRAINT "PK_access_tokens" PRIMARY KEY AUTOINCREMENT,
    "user_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "display_prefix" TEXT NOT NULL,
    "created_utc" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "expires_utc" TEXT NULL,
    "last_used_utc" TEXT NULL,
    "revoked_utc" TEXT NULL,
    "revoked_by" TEXT NULL,
    CONSTRAINT "FK_access_tokens_AspNetUsers_user_id" FOREIGN KEY ("user_id") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "IX_access_tokens_token_hash" ON "access_tokens" ("token_hash");

CREATE INDEX "IX_access_tokens_user_id" ON "access_tokens" ("user_id");

CREATE INDEX "IX_audit_events_at_utc" ON "audit_events" ("at_utc");
