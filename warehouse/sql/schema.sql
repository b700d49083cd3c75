-- mulu warehouse: landing → staging → core → published, with audit beside them.
-- Tables are internal; the views at the end (views.sql) are the product's API.
CREATE SCHEMA IF NOT EXISTS landing;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS audit;
CREATE SCHEMA IF NOT EXISTS published;

-- One row per file currently known in the inbox (the last version that was read).
CREATE TABLE IF NOT EXISTS landing.files (
    source_file   VARCHAR PRIMARY KEY,  -- path relative to the inbox, with '/'
    district      VARCHAR NOT NULL,
    file_sha256   VARCHAR NOT NULL,
    size_bytes    BIGINT NOT NULL,
    status        VARCHAR NOT NULL,     -- loaded: this version's rows are in landing.rows; rejected: no rows
    row_count     INTEGER NOT NULL,
    good_sha256   VARCHAR,              -- sha256 of the version whose rows are in landing.rows (rows_file)
    read_run_id   VARCHAR NOT NULL,
    read_at       TIMESTAMP NOT NULL
);

-- File-level problems of the file version last read (re-reported every run while it is in the inbox).
CREATE TABLE IF NOT EXISTS landing.file_findings (
    source_file VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    sheet       VARCHAR,
    field       VARCHAR,
    rule        VARCHAR NOT NULL,
    severity    VARCHAR NOT NULL,
    message     VARCHAR NOT NULL
);

-- landing.rows, every cell as text with provenance, is a view over one parquet file per file
-- version (the rows folder beside the warehouse); warehouse/landing.py keeps it in step.

-- The master catalog the run matched against (normalized), and the aliases people confirmed.
CREATE TABLE IF NOT EXISTS core.catalog_items (
    catalog_code VARCHAR PRIMARY KEY, item_name VARCHAR NOT NULL,
    name_key VARCHAR NOT NULL, name_situations VARCHAR, name_qualifier VARCHAR,
    item_type VARCHAR, item_type_code VARCHAR, item_family VARCHAR, department VARCHAR,
    legal_basis VARCHAR, exercise_levels VARCHAR, exercise_level_codes VARCHAR, site_levels VARCHAR,
    acceptance_conditions VARCHAR, materials VARCHAR, material_count INTEGER, materials_key VARCHAR,
    statutory_limit VARCHAR, statutory_days DOUBLE, promised_limit VARCHAR, promised_days DOUBLE,
    fee_charged BOOLEAN, fee_basis VARCHAR, handling_type VARCHAR, handling_type_code VARCHAR,
    is_online BOOLEAN, is_proxy BOOLEAN
);

CREATE TABLE IF NOT EXISTS core.aliases (
    alias_key   VARCHAR PRIMARY KEY,
    alias       VARCHAR NOT NULL,
    catalog_code VARCHAR,             -- NULL with decision 'not_item'
    method      VARCHAR NOT NULL,     -- alias (from the seed) or reviewed (answered by staff)
    decided_by  VARCHAR,
    decided_at  TIMESTAMP
);

-- Words people's answers proved noise (warehouse/noise_rules.py): a bracket, a word before or after
-- a name; in force until retired by an answer against it or by staff.
CREATE TABLE IF NOT EXISTS core.noise_rules (
    kind            VARCHAR NOT NULL,   -- bracket, prefix, suffix
    word            VARCHAR NOT NULL,
    answers         INTEGER NOT NULL,   -- the agreeing answers it was made from
    examples        VARCHAR,            -- names answered so, for people
    decided_by      VARCHAR,            -- who gave those answers
    created_at      TIMESTAMP NOT NULL,
    retired_at      TIMESTAMP,
    retired_by      VARCHAR,
    retired_because VARCHAR,
    PRIMARY KEY (kind, word)
);

-- People's answers to the review queue, one per distinct (name, code) pair (mulu review import).
CREATE TABLE IF NOT EXISTS core.review_decisions (
    review_key   VARCHAR PRIMARY KEY,  -- the pair, as transforms/matching.py review_key() builds it
    raw_name     VARCHAR,              -- one spelling, for people
    basic_code   VARCHAR,
    decision     VARCHAR NOT NULL,     -- code (catalog_code is the item), new_item, not_item
    catalog_code VARCHAR,
    decided_by   VARCHAR NOT NULL,
    decided_at   TIMESTAMP NOT NULL
);

-- One row per run, whatever happened to it.
CREATE TABLE IF NOT EXISTS audit.runs (
    run_id        VARCHAR PRIMARY KEY,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    status        VARCHAR NOT NULL,   -- running, published, unchanged, blocked, failed, abandoned
    inputs_sha256 VARCHAR,            -- fingerprint of inbox files + catalog + aliases + code version
    version       INTEGER,            -- the catalog version this run published, if any
    files_read    INTEGER, files_skipped INTEGER, rows_total INTEGER,
    reasons       VARCHAR,            -- why a run was blocked or failed (Chinese)
    stage_seconds VARCHAR             -- JSON: wall seconds of each stage
);

CREATE TABLE IF NOT EXISTS audit.findings (
    run_id VARCHAR NOT NULL, district VARCHAR, source_file VARCHAR, sheet VARCHAR, row_number INTEGER,
    field VARCHAR, rule VARCHAR NOT NULL, severity VARCHAR NOT NULL, message VARCHAR NOT NULL,
    value VARCHAR, hint VARCHAR, catalog_code VARCHAR
);

CREATE TABLE IF NOT EXISTS published.catalog_versions (
    version       INTEGER PRIMARY KEY,
    run_id        VARCHAR NOT NULL,
    published_at  TIMESTAMP NOT NULL,
    item_count    INTEGER NOT NULL,   -- rows of the 指导目录清单 (item × site level)
    site_item_count INTEGER NOT NULL,
    content_sha256 VARCHAR NOT NULL,
    added INTEGER, removed INTEGER, changed INTEGER
);

CREATE TABLE IF NOT EXISTS published.catalog_items (
    version INTEGER NOT NULL, site_level VARCHAR NOT NULL, catalog_code VARCHAR NOT NULL,
    item_name VARCHAR, item_type VARCHAR, item_family VARCHAR, department VARCHAR, legal_basis VARCHAR,
    exercise_levels VARCHAR, acceptance_conditions VARCHAR, materials VARCHAR,
    statutory_limit VARCHAR, promised_limit VARCHAR, fee_charged BOOLEAN, fee_basis VARCHAR,
    handling_type VARCHAR, is_online BOOLEAN, is_proxy BOOLEAN,
    district_count INTEGER, site_count INTEGER,
    PRIMARY KEY (version, site_level, catalog_code)
);

CREATE TABLE IF NOT EXISTS published.catalog_changes (
    version INTEGER NOT NULL, site_level VARCHAR NOT NULL, catalog_code VARCHAR NOT NULL,
    item_name VARCHAR, change VARCHAR NOT NULL,  -- 新增, 删除, 变更
    detail VARCHAR
);

-- Every submitted item row, normalized and matched (rebuilt by each run that has new input).
CREATE TABLE IF NOT EXISTS core.site_items (
    item_id BIGINT,  -- position in this build; findings point back with it
    district VARCHAR, town VARCHAR, community VARCHAR, site_level VARCHAR,
    source_file VARCHAR, sheet VARCHAR, row_number INTEGER, file_sha256 VARCHAR,
    raw_name VARCHAR, raw_code VARCHAR,
    catalog_code VARCHAR, item_name VARCHAR,
    match_method VARCHAR, match_score DOUBLE, match_evidence VARCHAR, review_key VARCHAR,
    runner_up_code VARCHAR, runner_up_score DOUBLE, candidates VARCHAR,
    name_text VARCHAR, name_key VARCHAR, name_qualifier VARCHAR, name_situations VARCHAR,
    name_guide BOOLEAN, name_notes VARCHAR,
    code_kind VARCHAR, basic_code VARCHAR, code_issue VARCHAR,
    raw_item_type VARCHAR, item_type_code VARCHAR, item_type VARCHAR,
    legal_basis VARCHAR, raw_exercise_levels VARCHAR, exercise_level_codes VARCHAR, exercise_levels VARCHAR, exercise_levels_unknown VARCHAR,
    acceptance_conditions VARCHAR, raw_materials VARCHAR, materials VARCHAR, material_count INTEGER, materials_key VARCHAR,
    statutory_limit VARCHAR, statutory_days DOUBLE, statutory_unit VARCHAR, statutory_immediate BOOLEAN, statutory_issue VARCHAR,
    promised_limit VARCHAR, promised_days DOUBLE, promised_unit VARCHAR, promised_immediate BOOLEAN, promised_issue VARCHAR,
    fee VARCHAR, fee_charged BOOLEAN, fee_amount_yuan DOUBLE, fee_basis VARCHAR,
    raw_handling_type VARCHAR, handling_type_code VARCHAR, handling_type VARCHAR,
    online VARCHAR, is_online BOOLEAN, proxy VARCHAR, is_proxy BOOLEAN,
    note VARCHAR, extras VARCHAR
);

-- Columns added after the first release: warehouses made before them get them here.
ALTER TABLE core.site_items ADD COLUMN IF NOT EXISTS review_key VARCHAR;
ALTER TABLE core.site_items ADD COLUMN IF NOT EXISTS name_guide BOOLEAN;
ALTER TABLE core.site_items ADD COLUMN IF NOT EXISTS name_notes VARCHAR;
ALTER TABLE audit.runs ADD COLUMN IF NOT EXISTS stage_seconds VARCHAR;
ALTER TABLE landing.files ADD COLUMN IF NOT EXISTS rows_file VARCHAR;  -- its parquet in the rows folder
-- The catalog's identity columns (schema 3): names keep their notes and guide mark, codes their alternatives.
ALTER TABLE core.catalog_items ADD COLUMN IF NOT EXISTS name_notes VARCHAR;
ALTER TABLE core.catalog_items ADD COLUMN IF NOT EXISTS name_guide BOOLEAN;
ALTER TABLE core.catalog_items ADD COLUMN IF NOT EXISTS alt_codes VARCHAR;   -- other code columns, '；'-joined
ALTER TABLE core.catalog_items ADD COLUMN IF NOT EXISTS row_number INTEGER;  -- its row in the catalog file
-- What reading depended on besides the file (reader version, synonyms, towns, catalog): a change reads again.
ALTER TABLE landing.files ADD COLUMN IF NOT EXISTS reading_key VARCHAR;
ALTER TABLE audit.findings ADD COLUMN IF NOT EXISTS standard_value VARCHAR;  -- the catalog's value (目录值)
ALTER TABLE core.site_items ADD COLUMN IF NOT EXISTS coded_item VARCHAR;  -- the one item the submitted code names
ALTER TABLE core.site_items ADD COLUMN IF NOT EXISTS site_evidence VARCHAR;  -- where town/community were read
ALTER TABLE core.site_items ADD COLUMN IF NOT EXISTS site_point VARCHAR;  -- the 便民服务点 a row is on (NULL: 中心/站)
ALTER TABLE core.site_items ADD COLUMN IF NOT EXISTS site_name VARCHAR;  -- the site's standard name

-- The catalog's own problems, for staff (the 目录问题 report); rewritten when the catalog is loaded.
CREATE TABLE IF NOT EXISTS core.catalog_findings (
    source_file VARCHAR, row_number INTEGER, field VARCHAR, rule VARCHAR NOT NULL, severity VARCHAR NOT NULL,
    message VARCHAR NOT NULL, value VARCHAR, catalog_code VARCHAR
);
-- The catalog's other guide elements (服务对象, 办理地点 …): a JSON object of header → text per item.
ALTER TABLE core.catalog_items ADD COLUMN IF NOT EXISTS guide_extras VARCHAR;
ALTER TABLE published.catalog_items ADD COLUMN IF NOT EXISTS guide_extras VARCHAR;
-- What each run that rebuilt core.site_items found, kept for the monthly report's month-end state and trend.
CREATE TABLE IF NOT EXISTS audit.site_stats (
    run_id VARCHAR NOT NULL, district VARCHAR, town VARCHAR, community VARCHAR, site_level VARCHAR,
    items INTEGER, matched_items INTEGER, application_items INTEGER, online_items INTEGER,
    online_share DOUBLE, online_share_required DOUBLE, online_share_ok BOOLEAN
);
ALTER TABLE audit.site_stats ADD COLUMN IF NOT EXISTS site_point VARCHAR;  -- '' for a 中心 or 站
-- The listed places (towns.csv, communities.csv, sites.csv) as the last working night took them
-- (warehouse/coverage.py): every 中心, 站 and 点, with what sites.csv says of it.
CREATE TABLE IF NOT EXISTS core.places (
    district VARCHAR, town VARCHAR, community VARCHAR,  -- community NULL for a town's 中心 (and a 点 of no community)
    kind VARCHAR,  -- 中心, 站 or 点
    site_name VARCHAR, partner VARCHAR, address VARCHAR, phone VARCHAR, hours VARCHAR, windows VARCHAR
);
CREATE TABLE IF NOT EXISTS audit.district_stats (
    run_id VARCHAR NOT NULL, district VARCHAR, rows_received INTEGER, rows_matched INTEGER,
    rows_review INTEGER, errors INTEGER, warnings INTEGER,
    last_received TIMESTAMP,  -- when a file of the district with new content was last read
    conformance_share DOUBLE,
    element_shares VARCHAR  -- JSON: 全市统一 element → share of the district's rows that conform
);
-- Nights cost what changed (warehouse/increments.py): what each run's result depends on besides the
-- inbox files, the districts it rebuilt (NULL: all), and each district's inputs at the last build.
ALTER TABLE audit.runs ADD COLUMN IF NOT EXISTS context_sha256 VARCHAR;
ALTER TABLE audit.runs ADD COLUMN IF NOT EXISTS rebuilt_districts VARCHAR;  -- JSON list
-- The catalog and reference data a run took (steps.catalog_key): `mulu refresh` checks a catalog
-- before it starts only when no finished run took it (flows/steps.py, preflight).
ALTER TABLE audit.runs ADD COLUMN IF NOT EXISTS catalog_sha256 VARCHAR;
CREATE TABLE IF NOT EXISTS core.district_inputs (district VARCHAR PRIMARY KEY, signature VARCHAR NOT NULL);
-- The run that built each district's rows now in core.site_items (NULL while a run builds them
-- again), and the build of each district that is published (views.sql: published.site_items).
ALTER TABLE core.district_inputs ADD COLUMN IF NOT EXISTS built_run VARCHAR;
CREATE TABLE IF NOT EXISTS published.site_districts (district VARCHAR PRIMARY KEY, built_run VARCHAR NOT NULL);
-- The published rows of districts built again since (by a run whose list was not published, or the
-- one running): kept until the next publish (warehouse/published_rows.py). Its columns are core's,
-- in core's order (a whole rebuild renames one to the other): a column added to one is added to both.
CREATE TABLE IF NOT EXISTS core.site_items_held AS SELECT * FROM core.site_items WITH NO DATA;
ALTER TABLE core.site_items_held ADD COLUMN IF NOT EXISTS site_point VARCHAR;  -- held and core share their columns
ALTER TABLE core.site_items_held ADD COLUMN IF NOT EXISTS site_name VARCHAR;
-- What each district's current 一次告知 report shows (a digest of its figures and findings): a run
-- writes a district's report again only when it changed.
CREATE TABLE IF NOT EXISTS core.district_reports (district VARCHAR PRIMARY KEY, digest VARCHAR NOT NULL);
