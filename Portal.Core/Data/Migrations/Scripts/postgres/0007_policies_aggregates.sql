-- 0007 policies aggregates (postgres).
-- Released migrations are append-only: never edit this file, add the next number instead.

CREATE TABLE aggregates (
    id character varying(40) NOT NULL,
    simulation_id character varying(40) NOT NULL,
    bundle_id character varying(64) NOT NULL,
    variable character varying(100) NOT NULL,
    aggregate_type character varying(16) NOT NULL,
    entity character varying(32) NOT NULL,
    filters_json text NOT NULL,
    quantile_json text,
    result double precision,
    sample_size integer NOT NULL,
    created_by character varying(256) NOT NULL,
    created_utc timestamp with time zone NOT NULL,
    updated_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_aggregates" PRIMARY KEY (id)
);

CREATE TABLE change_aggregates (
    id character varying(40) NOT NULL,
    baseline_simulation_id character varying(40) NOT NULL,
    reform_simulation_id character varying(40) NOT NULL,
    bundle_id character varying(64) NOT NULL,
    variable character varying(100) NOT NULL,
    aggregate_type character varying(16) NOT NULL,
    entity character varying(32) NOT NULL,
    filters_json text NOT NULL,
    quantile_json text,
    change_geq double precision,
    change_leq double precision,
    result double precision,
    sample_size integer NOT NULL,
    created_by character varying(256) NOT NULL,
    created_utc timestamp with time zone NOT NULL,
    updated_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_change_aggregates" PRIMARY KEY (id)
);

CREATE TABLE policies (
    id character varying(40) NOT NULL,
    country character varying(8) NOT NULL,
    name character varying(200) NOT NULL,
    description character varying(2000),
    changes_json text NOT NULL,
    change_count integer NOT NULL,
    policy_hash character varying(64) NOT NULL,
    validated_model_version character varying(64) NOT NULL,
    created_by character varying(256) NOT NULL,
    created_utc timestamp with time zone NOT NULL,
    updated_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_policies" PRIMARY KEY (id)
);

CREATE INDEX "IX_aggregates_created_utc" ON aggregates (created_utc);

CREATE INDEX "IX_aggregates_simulation_id_created_utc" ON aggregates (simulation_id, created_utc);

CREATE INDEX "IX_change_aggregates_baseline_simulation_id_created_utc" ON change_aggregates (baseline_simulation_id, created_utc);

CREATE INDEX "IX_change_aggregates_created_utc" ON change_aggregates (created_utc);

CREATE INDEX "IX_change_aggregates_reform_simulation_id_created_utc" ON change_aggregates (reform_simulation_id, created_utc);

CREATE INDEX "IX_policies_country_created_utc" ON policies (country, created_utc);

CREATE UNIQUE INDEX "IX_policies_policy_hash" ON policies (policy_hash);
