"""Put the master catalog and the aliases into core.catalog_items / core.aliases."""

import duckdb
import pandas as pd

from transforms.catalog import CatalogFinding, CatalogUnusable, check_catalog, read_catalog
from transforms.name_identity import alias_key
from transforms.normalize import (
    durations_table, fees_table, flags_table, levels_table, materials_table,
    names_table, term_table, texts_table,
)
from warehouse.reference import Reference, ReferenceError


def normalized_catalog(raw: pd.DataFrame, reference: Reference) -> pd.DataFrame:
    """The catalog's elements in standard form, one row per item (columns of core.catalog_items)."""
    vocab = reference.vocabulary
    names = names_table(raw["item_name"])
    types = term_table(raw["item_type"], vocab, "item_type")
    levels = levels_table(raw["exercise_levels"], vocab)
    site_levels = [
        ",".join(t.label for t in vocab.lookup_many("site_level", v)[0]) or None
        for v in raw["site_level"]
    ]
    materials = materials_table(raw["materials"])
    statutory = durations_table(raw["statutory_limit"])
    promised = durations_table(raw["promised_limit"])
    fees = fees_table(zip(raw["fee"], raw["fee_basis"]))
    handling = term_table(raw["handling_type"], vocab, "handling_type")
    online, proxy = flags_table(raw["online"]), flags_table(raw["proxy"])
    text = {c: texts_table(raw[c])["text"] for c in
            ("item_name", "item_family", "department", "legal_basis", "acceptance_conditions", "statutory_limit", "promised_limit")}
    return pd.DataFrame({
        "catalog_code": raw["catalog_code"],
        "item_name": text["item_name"].fillna(""),
        "name_key": names["name_key"],
        "name_situations": names["name_situations"],
        "name_qualifier": names["name_qualifier"],
        "name_notes": names["name_notes"],
        "name_guide": names["name_guide"],
        "alt_codes": ["；".join(codes) or None for codes in raw["alt_codes"]],
        "row_number": raw["row_number"],
        "item_type": types["label"],
        "item_type_code": types["code"],
        "item_family": text["item_family"],
        "department": text["department"],
        "legal_basis": text["legal_basis"],
        "exercise_levels": levels["labels"],
        "exercise_level_codes": levels["codes"],
        "site_levels": site_levels,
        "acceptance_conditions": text["acceptance_conditions"],
        "materials": materials["materials"],
        "material_count": materials["material_count"],
        "materials_key": materials["materials_key"],
        "statutory_limit": text["statutory_limit"],
        "statutory_days": statutory["days"],
        "promised_limit": text["promised_limit"],
        "promised_days": promised["days"],
        "fee_charged": fees["charged"],
        "fee_basis": fees["basis"],
        "handling_type": handling["label"],
        "handling_type_code": handling["code"],
        "is_online": online["flag"],
        "is_proxy": proxy["flag"],
        "guide_extras": raw["guide_extras"] if "guide_extras" in raw else None,
    })


def read_checked_catalog(data: bytes, filename: str, reference: Reference) -> tuple[pd.DataFrame, list[CatalogFinding]]:
    """The catalog ready to store and its findings; ReferenceError only when no item can be identified."""
    try:
        raw, findings = read_catalog(data, filename, reference.synonyms)
    except CatalogUnusable as error:
        raise ReferenceError(error.problems) from None
    checked, more = check_catalog(raw)
    return checked, findings + more


def load_catalog(con: duckdb.DuckDBPyConnection, data: bytes, filename: str, reference: Reference) -> pd.DataFrame:
    """Read, check and store the catalog and its findings (core.catalog_items, core.catalog_findings)."""
    raw, findings = read_checked_catalog(data, filename, reference)
    catalog = normalized_catalog(raw, reference)
    con.execute("DELETE FROM core.catalog_items")
    con.register("incoming_catalog", catalog)
    con.execute("INSERT INTO core.catalog_items BY NAME SELECT * FROM incoming_catalog")
    con.unregister("incoming_catalog")
    store_catalog_findings(con, filename, findings, reference.findings)
    return catalog


def store_catalog_findings(con: duckdb.DuckDBPyConnection, filename: str, findings: list[CatalogFinding],
                           reference_findings: list[dict] = ()) -> None:
    """The catalog's findings, and the reference data's own (communities.csv, source_file says which)."""
    frame = pd.DataFrame([f.__dict__ for f in findings], columns=list(CatalogFinding.__dataclass_fields__))
    frame = frame.assign(source_file=filename)
    if reference_findings:
        frame = pd.concat([frame, pd.DataFrame(list(reference_findings))], ignore_index=True)
    frame["row_number"] = frame["row_number"].astype("Int64")
    con.execute("DELETE FROM core.catalog_findings")
    con.register("incoming_catalog_findings", frame)
    con.execute("INSERT INTO core.catalog_findings BY NAME SELECT * FROM incoming_catalog_findings")
    con.unregister("incoming_catalog_findings")


def load_seed_aliases(con: duckdb.DuckDBPyConnection, reference: Reference) -> None:
    """Seed aliases are refreshed each run; aliases answered by staff (method reviewed) are kept.
    Matching uses only those whose code is in the active catalog."""
    frame = pd.DataFrame({
        "alias_key": [alias_key(a["alias"]) for a in reference.aliases],
        "alias": [a["alias"] for a in reference.aliases],
        "catalog_code": [a["catalog_code"] for a in reference.aliases],
        "decided_by": [a["decided_by"] or None for a in reference.aliases],
    })
    con.register("incoming_aliases", frame)
    con.execute("DELETE FROM core.aliases WHERE method = 'alias'")
    con.execute("""
        INSERT INTO core.aliases (alias_key, alias, catalog_code, method, decided_by)
        SELECT alias_key, any_value(alias), any_value(catalog_code), 'alias', any_value(decided_by)
        FROM incoming_aliases WHERE alias_key <> ''
          AND alias_key NOT IN (SELECT alias_key FROM core.aliases)
        GROUP BY alias_key
    """)
    con.unregister("incoming_aliases")
