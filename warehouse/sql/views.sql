-- The product's API: staff query these views; their columns are documented in the README.
CREATE OR REPLACE VIEW main.submissions AS
SELECT f.district, f.source_file, f.file_sha256, f.size_bytes, f.status, f.row_count,
       f.good_sha256 IS NOT NULL AND f.good_sha256 <> f.file_sha256 AS using_previous_version,
       f.read_run_id, f.read_at
FROM landing.files f;

CREATE OR REPLACE VIEW main.site_items AS SELECT * FROM core.site_items;

-- The published version's site items: each district's rows of its published build, from core while
-- core holds that build, else held (warehouse/published_rows.py); rows of no known build as built.
CREATE OR REPLACE VIEW published.site_items AS
SELECT * FROM core.site_items
WHERE district IS NULL
   OR district NOT IN (SELECT district FROM core.district_inputs)
   OR district IN (SELECT i.district FROM core.district_inputs i
                   JOIN published.site_districts p ON p.district = i.district AND p.built_run = i.built_run)
UNION ALL BY NAME
SELECT * FROM core.site_items_held;

-- Pairs for people to look at: 'queue', every pair still to review and pairs without a candidate
-- nobody answered yet; 'rule', pairs a rule from people's answers decided (人工核对规则 in the
-- evidence: transforms/noise_words.py RULE_MARK) that nobody answered, listed for checking.
CREATE OR REPLACE VIEW main.pairs_to_check AS
SELECT review_key, checked_for, any_value(name_key) AS name_key,
       any_value(raw_name ORDER BY source_file, row_number) AS raw_name,
       any_value(basic_code) AS basic_code,
       any_value(match_method) AS match_method,
       max(match_score) AS best_score,
       any_value(candidates) AS candidates,
       any_value(match_evidence) AS match_evidence,
       count(*) AS row_count,
       count(DISTINCT district) AS district_count,
       string_agg(DISTINCT district, '、' ORDER BY district) AS districts,
       string_agg(DISTINCT source_file, '；' ORDER BY source_file) AS source_files,
       array_to_string(list(source_file || ' 第' || row_number || '行' ORDER BY source_file, row_number)[1:10], '；')
           AS locations
FROM (SELECT *, CASE WHEN match_method = 'review' THEN 'queue'
                     WHEN review_key IN (SELECT review_key FROM core.review_decisions) THEN NULL
                     WHEN match_method = 'none' THEN 'queue'
                     WHEN match_evidence LIKE '%人工核对规则%' THEN 'rule' END AS checked_for
      FROM core.site_items)
WHERE checked_for IS NOT NULL
GROUP BY review_key, checked_for;

-- Waiting for people: every pair still to review, and pairs without a candidate nobody answered yet.
CREATE OR REPLACE VIEW main.review_queue AS
SELECT * EXCLUDE (checked_for) FROM main.pairs_to_check WHERE checked_for = 'queue';

CREATE OR REPLACE VIEW main.runs AS SELECT * FROM audit.runs;

CREATE OR REPLACE VIEW main.findings AS
SELECT * FROM audit.findings
WHERE run_id = (SELECT run_id FROM audit.runs WHERE status IN ('published', 'blocked')
                ORDER BY started_at DESC LIMIT 1);

CREATE OR REPLACE VIEW main.catalog_versions AS SELECT * FROM published.catalog_versions;

CREATE OR REPLACE VIEW main.catalog AS
SELECT * FROM published.catalog_items
WHERE version = (SELECT max(version) FROM published.catalog_versions);

CREATE OR REPLACE VIEW main.catalog_changes AS SELECT * FROM published.catalog_changes;

-- The master catalog's own problems (the staff's 目录问题 report), from the last time it was loaded.
CREATE OR REPLACE VIEW main.catalog_findings AS SELECT * FROM core.catalog_findings;
