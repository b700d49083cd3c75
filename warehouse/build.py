"""Build core.site_items from landing.rows: normalize each distinct value once, match each
distinct (name, code) pair once, and let DuckDB join the answers back to every row."""

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import duckdb
import pandas as pd

from transforms.fields import COMMUNITY_LEVEL, TOWN_LEVEL
from transforms.codes import code_key, learned_shapes, normalize_code
from transforms.matching import MatchSettings, match_pairs, verbatim_of, verbatim_unique
from transforms.noise_words import NoiseWords
from warehouse.noise_rules import active_rules
from transforms.normalize import (
    codes_table, durations_table, fees_table, flags_table, levels_table, materials_table,
    names_table, term_table, texts_table,
)
from warehouse.published_rows import hold_published_rows, mark_new_districts
from warehouse.reference import Reference
from warehouse.sql_literal import text_list


# The columns normalized value by value (and fee with fee_basis, as pairs).
DISTINCT_COLUMNS = ["item_name", "item_code", "item_type", "site_level", "exercise_levels", "handling_type",
                    "materials", "statutory_limit", "promised_limit", "online", "proxy", "legal_basis",
                    "acceptance_conditions"]


def _distinct_values(con: duckdb.DuckDBPyConnection) -> dict[str, list]:
    """Each column's distinct values ('' for none) in one scan of the rows: a province's rows are
    thousands of files, and a scan per column cost a second or two each."""
    lists = ", ".join(f"list(DISTINCT coalesce({c}, ''))" for c in DISTINCT_COLUMNS)
    row = con.sql(f"SELECT {lists}, list(DISTINCT (coalesce(fee, ''), coalesce(fee_basis, ''))) "
                  "FROM build_rows").fetchall()[0]
    values = {c: sorted(v or []) for c, v in zip(DISTINCT_COLUMNS, row)}
    values["fee"] = sorted(tuple(pair) for pair in row[-1] or [])  # (fee, fee_basis)
    return values


def catalog_for_matching(con: duckdb.DuckDBPyConnection, reference: Reference) -> pd.DataFrame:
    """core.catalog_items as transforms.matching wants it: every code key that names an item (its
    own, its alternative codes, and the 基本编码 inside a 实施编码/业务办理项编码)."""
    catalog = con.sql("""
        SELECT catalog_code AS code, item_name AS name, name_key, name_situations, name_qualifier, name_notes,
               name_guide, alt_codes, department
        FROM core.catalog_items ORDER BY row_number, catalog_code""").df()
    patterns = reference.code_patterns

    def keys(code: str, alternatives) -> list[str]:
        written = [code] + (alternatives.split("；") if isinstance(alternatives, str) else [])
        found = [code_key(c) for c in written]
        found += [basic for c in written if (basic := normalize_code(c, patterns).basic_code)]
        return list(dict.fromkeys(k for k in found if k))

    catalog["code_keys"] = [keys(c, a) for c, a in zip(catalog["code"], catalog["alt_codes"])]
    return catalog


def code_patterns(catalog: pd.DataFrame, reference: Reference):
    """The configured code formats and the catalog's own code shapes."""
    own = [keys[0] for keys in catalog["code_keys"] if keys and "#" not in keys[0]]  # not a stand-in code
    return reference.code_patterns.with_shapes(learned_shapes(own, reference.code_patterns))


def _lookups(con, reference: Reference, catalog: pd.DataFrame) -> dict[str, pd.DataFrame]:
    vocab = reference.vocabulary
    distinct = _distinct_values(con)
    codes = codes_table(distinct["item_code"], code_patterns(catalog, reference))
    codes["code_key"] = [code_key(t) for t in codes["code_text"]]
    return {
        "n_name": _names(distinct["item_name"], catalog),
        "n_code": codes,
        "n_type": term_table(distinct["item_type"], vocab, "item_type"),
        "n_site_level": term_table(distinct["site_level"], vocab, "site_level"),
        "n_levels": levels_table(distinct["exercise_levels"], vocab),
        "n_handling": term_table(distinct["handling_type"], vocab, "handling_type"),
        "n_materials": materials_table(distinct["materials"]),
        "n_statutory": durations_table(distinct["statutory_limit"]),
        "n_promised": durations_table(distinct["promised_limit"]),
        "n_fee": fees_table(distinct["fee"]),
        "n_online": flags_table(distinct["online"]),
        "n_proxy": flags_table(distinct["proxy"]),
        "n_legal_basis": texts_table(distinct["legal_basis"]),
        "n_conditions": texts_table(distinct["acceptance_conditions"]),
    }


def _names(raw_names: list[str], catalog: pd.DataFrame) -> pd.DataFrame:
    """The names' normalized parts, and name_verbatim: the name where it is written exactly as one
    catalog item's (the matching's strongest evidence), else ''."""
    names = names_table(raw_names)
    names["name_verbatim"] = verbatim_of(names["raw"], verbatim_unique(catalog["name"]))
    return names


# Every landed row with its normalized elements (staging), joined from the lookup tables.
STAGE_SQL = f"""
SELECT r.district, trim(r.town) AS town, nullif(trim(r.community), '') AS community,
       CASE WHEN sl.label IS NOT NULL THEN sl.label
            WHEN coalesce(trim(r.community), '') <> '' THEN '{COMMUNITY_LEVEL}'
            ELSE '{TOWN_LEVEL}' END AS site_level,
       r.source_file, r.sheet, r.row_number, r.file_sha256,
       r.item_name AS raw_name, r.item_code AS raw_code,
       n.name_text, n.name_key, n.name_qualifier, n.name_situations, n.name_guide, n.name_notes, n.name_verbatim,
       c.code_kind, c.basic_code, c.code_issue, c.code_key,
       r.item_type AS raw_item_type, t.code AS item_type_code, t.label AS item_type,
       lb.text AS legal_basis,
       r.exercise_levels AS raw_exercise_levels, lv.codes AS exercise_level_codes, lv.labels AS exercise_levels, lv.unknown AS exercise_levels_unknown,
       ac.text AS acceptance_conditions,
       r.materials AS raw_materials, m.materials, m.material_count, m.materials_key,
       r.statutory_limit, sd.days AS statutory_days, sd.unit AS statutory_unit,
       sd.immediate AS statutory_immediate, sd.issue AS statutory_issue,
       r.promised_limit, pd.days AS promised_days, pd.unit AS promised_unit,
       pd.immediate AS promised_immediate, pd.issue AS promised_issue,
       r.fee, f.charged AS fee_charged, f.amount_yuan AS fee_amount_yuan, f.basis AS fee_basis,
       r.handling_type AS raw_handling_type, h.code AS handling_type_code, h.label AS handling_type,
       r.online, o.flag AS is_online, r.proxy, p.flag AS is_proxy,
       nullif(r.note, '') AS note, nullif(r.extras, '') AS extras, nullif(r.site_evidence, '') AS site_evidence,
       nullif(r.site_point, '') AS site_point,
       -- the site by its standard name (seed §二(一)1): ××便民服务中心, ××便民服务站, or the 点's own
       CASE WHEN nullif(r.site_point, '') IS NOT NULL THEN r.site_point
            WHEN coalesce(sl.label, CASE WHEN coalesce(trim(r.community), '') <> '' THEN '{COMMUNITY_LEVEL}' END)
                 = '{COMMUNITY_LEVEL}' THEN nullif(trim(r.community), '') || '便民服务站'
            ELSE nullif(trim(r.town), '') || '便民服务中心' END AS site_name,
       r.landed_row
FROM build_rows r
LEFT JOIN n_name n ON n.raw = coalesce(r.item_name, '')
LEFT JOIN n_code c ON c.raw = coalesce(r.item_code, '')
LEFT JOIN n_type t ON t.raw = coalesce(r.item_type, '')
LEFT JOIN n_site_level sl ON sl.raw = coalesce(r.site_level, '')
LEFT JOIN n_levels lv ON lv.raw = coalesce(r.exercise_levels, '')
LEFT JOIN n_handling h ON h.raw = coalesce(r.handling_type, '')
LEFT JOIN n_materials m ON m.raw = coalesce(r.materials, '')
LEFT JOIN n_statutory sd ON sd.raw = coalesce(r.statutory_limit, '')
LEFT JOIN n_promised pd ON pd.raw = coalesce(r.promised_limit, '')
LEFT JOIN n_fee f ON f.raw = coalesce(r.fee, '') AND f.raw_basis = coalesce(r.fee_basis, '')
LEFT JOIN n_online o ON o.raw = coalesce(r.online, '')
LEFT JOIN n_proxy p ON p.raw = coalesce(r.proxy, '')
LEFT JOIN n_legal_basis lb ON lb.raw = coalesce(r.legal_basis, '')
LEFT JOIN n_conditions ac ON ac.raw = coalesce(r.acceptance_conditions, '')
"""

# The distinct (name, code) pairs to match: one per spelling, never one per row.
QUERIES_SQL = """
SELECT DISTINCT n.name_key, n.name_situations, n.name_qualifier, n.name_notes, n.name_guide, n.name_verbatim,
       c.code_key
FROM (SELECT DISTINCT coalesce(item_name, '') AS item_name, coalesce(item_code, '') AS item_code
      FROM build_rows) r
JOIN n_name n ON n.raw = r.item_name
JOIN n_code c ON c.raw = r.item_code
"""

CORE_SQL = f"""
INSERT INTO core.site_items BY NAME
SELECT ids.first_id + s.landed_row AS item_id,
       s.* EXCLUDE (code_key, code_issue, landed_row, name_verbatim),
       mt.catalog_code, ci.item_name, mt.match_method, mt.match_score, mt.evidence AS match_evidence, mt.review_key,
       mt.runner_up_code, mt.runner_up_score, mt.candidates, mt.coded_item,
       CASE WHEN s.code_issue = 'excel_scientific' THEN s.code_issue  -- digits lost: the damage is the news
            ELSE coalesce(mt.code_repair, s.code_issue) END AS code_issue
FROM ({STAGE_SQL}) s
LEFT JOIN matches mt ON mt.name_key = s.name_key AND mt.name_situations IS NOT DISTINCT FROM s.name_situations
    AND mt.name_qualifier IS NOT DISTINCT FROM s.name_qualifier AND mt.name_notes IS NOT DISTINCT FROM s.name_notes
    AND mt.name_guide IS NOT DISTINCT FROM s.name_guide AND mt.code_key IS NOT DISTINCT FROM s.code_key
    AND mt.name_verbatim IS NOT DISTINCT FROM s.name_verbatim
LEFT JOIN core.catalog_items ci ON ci.catalog_code = mt.catalog_code
JOIN new_item_ids ids ON ids.source_file = s.source_file
"""

# Each file's first item_id: the new rows are numbered after the kept rows' highest id, file by
# file in district order, each row by its place in its rows file. Not a sequence's nextval(), nor
# row_number() OVER (): either makes DuckDB insert a province's rows in one thread (56 s, not 31 s).
NEW_IDS_SQL = """
CREATE OR REPLACE TEMP TABLE new_item_ids AS
SELECT source_file, {first_id} + coalesce(sum(span) OVER (ORDER BY district, source_file ROWS BETWEEN
                                                         UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS first_id
FROM (SELECT district, source_file, max(landed_row) + 1 AS span FROM build_rows GROUP BY district, source_file)
"""


MATCH_WORKER_MIN_PAIRS = 20_000  # fewer pairs match in a few seconds: not worth a second process


def _ready() -> bool:
    """Nothing: a worker that ran it has imported this module, and with it the matching."""
    return True


def _match_worker(started: bool) -> ProcessPoolExecutor | None:
    """A second process for matching (spawned: nothing inherited from a busy parent). Started
    before the normalizing when the night is large, so that its imports are done when it is needed."""
    if (os.cpu_count() or 1) < 2:
        return None
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    if started:
        pool.submit(_ready)
    return pool


def _match(queries: pd.DataFrame, catalog: pd.DataFrame, aliases: pd.DataFrame, settings: MatchSettings,
           decisions: pd.DataFrame, noise: NoiseWords, worker: ProcessPoolExecutor | None) -> pd.DataFrame:
    """match_pairs; a large night's second half in the worker (the matching is Python, one core). A
    pair's answer depends only on the pair, so the halves give the whole's answers."""
    if worker is None or len(queries) < MATCH_WORKER_MIN_PAIRS:
        return match_pairs(queries, catalog, aliases, settings, decisions, noise)
    half = len(queries) // 2
    try:
        second = worker.submit(match_pairs, queries.iloc[half:], catalog, aliases, settings, decisions, noise)
        first = match_pairs(queries.iloc[:half], catalog, aliases, settings, decisions, noise)
        return pd.concat([first, second.result()])
    except BrokenProcessPool:  # the worker died (killed for memory, say): every pair is matched here
        return match_pairs(queries, catalog, aliases, settings, decisions, noise)


def build_site_items(con: duckdb.DuckDBPyConnection, reference: Reference,
                     settings: MatchSettings = MatchSettings(), districts: list[str] | None = None) -> dict[str, float]:
    """Rebuild core.site_items (inside the caller's transaction), all of it or only the rows of
    `districts` (the others keep theirs, item_id included); returns seconds per part.

    Each row's result depends only on its own values, the catalog, aliases and people's decisions,
    so rebuilding a district alone gives the rows a whole rebuild would."""
    worker = _match_worker(started=districts is None)
    try:
        parts = _build(con, reference, settings, districts, worker)
    finally:
        if worker is not None:
            worker.shutdown(cancel_futures=True)
    return {part: round(value, 2) for part, value in parts.items()}


def _build(con: duckdb.DuckDBPyConnection, reference: Reference, settings: MatchSettings, districts: list[str] | None,
           worker: ProcessPoolExecutor | None) -> dict[str, float]:
    seconds, started = {}, time.perf_counter()
    chosen = "" if districts is None else f" WHERE district IN ({text_list(districts)})"
    # Some districts: their rows are read from the rows files once, not once per element (a
    # province has thousands of files). All: a view, as a province's rows would not fit in memory.
    kind = "VIEW" if districts is None else "TABLE"
    con.execute(f"CREATE OR REPLACE TEMP {kind} build_rows AS SELECT * FROM landing.rows{chosen}")
    catalog = catalog_for_matching(con, reference)
    lookups = _lookups(con, reference, catalog)
    seconds["normalize"] = time.perf_counter() - started
    for name, frame in lookups.items():
        con.register(name, frame)
    started = time.perf_counter()
    queries = con.sql(QUERIES_SQL).df()
    aliases = con.sql(
        "SELECT alias_key, catalog_code AS code, method FROM core.aliases WHERE catalog_code IS NOT NULL"
    ).df()
    decisions = con.sql("SELECT review_key, decision, catalog_code FROM core.review_decisions").df()
    noise = reference.noise_words.with_rules(active_rules(con))  # and the rules people's answers made
    con.register("matches", _match(queries, catalog, aliases, settings, decisions, noise, worker))
    seconds["match"] = time.perf_counter() - started
    started = time.perf_counter()
    hold_published_rows(con, districts)  # the published list keeps them until the next publish
    con.execute(f"DELETE FROM core.site_items{chosen}")
    first_id = con.sql("SELECT coalesce(max(item_id), 0) + 1 FROM core.site_items").fetchall()[0][0]
    con.execute(NEW_IDS_SQL.format(first_id=int(first_id)))
    con.execute(CORE_SQL)
    mark_new_districts(con)
    for name in (*lookups, "matches"):
        con.unregister(name)
    con.execute(f"DROP {kind} build_rows")
    con.execute("DROP TABLE new_item_ids")
    seconds["join"] = time.perf_counter() - started
    return seconds
