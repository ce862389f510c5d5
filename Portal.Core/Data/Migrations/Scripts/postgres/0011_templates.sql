-- 0011 uploaded templates (postgres).
-- Released migrations are append-only: never edit this file, add the next number instead.

CREATE TABLE templates (
    id character varying(64) NOT NULL,
    version character varying(32) NOT NULL,
    title text NOT NULL,
    yaml text NOT NULL,
    sha256 character varying(64) NOT NULL,
    uploaded_by character varying(256) NOT NULL,
    uploaded_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_templates" PRIMARY KEY (id)
);
