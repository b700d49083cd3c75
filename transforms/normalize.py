"""Normalize lists of DISTINCT raw values into lookup tables, one per element.

Each function takes the distinct raw texts of one column and returns a DataFrame whose first
column ``raw`` is the key to join back on; the warehouse joins them to every row. This is how
half a million rows are normalized by touching each distinct spelling once.
"""

from collections.abc import Iterable

import pandas as pd

from transforms.codes import DEFAULT_PATTERNS, CodePatterns, normalize_code
from transforms.durations import parse_duration
from transforms.fees import parse_fee
from transforms.flags import parse_yes_no
from transforms.materials import materials_key, split_materials
from transforms.names import normalize_name
from transforms.text import clean_text
from transforms.vocab import Vocabulary


def _frame(raw: list[str], columns: dict[str, list]) -> pd.DataFrame:
    return pd.DataFrame({"raw": pd.Series(raw, dtype="str"), **columns})


def names_table(values: Iterable[str]) -> pd.DataFrame:
    raw = list(values)
    parts = [normalize_name(v) for v in raw]
    return _frame(raw, {
        "name_text": [p.text for p in parts],
        "name_key": [p.key for p in parts],
        "name_qualifier": [p.level_qualifier for p in parts],
        "name_situations": ["、".join(p.situations) for p in parts],
        "name_guide": [p.guide for p in parts],
        "name_notes": ["；".join(p.notes) or None for p in parts],
    })


def codes_table(values: Iterable[str], patterns: CodePatterns = DEFAULT_PATTERNS) -> pd.DataFrame:
    raw = list(values)
    parts = [normalize_code(v, patterns) for v in raw]
    return _frame(raw, {
        "code_text": [p.text for p in parts],
        "code_kind": [p.kind for p in parts],
        "basic_code": [p.basic_code or None for p in parts],
        "code_issue": [p.issue for p in parts],
    })


def term_table(values: Iterable[str], vocabulary: Vocabulary, name: str) -> pd.DataFrame:
    raw = list(values)
    terms = [vocabulary.lookup(name, v) for v in raw]
    return _frame(raw, {
        "code": [t.code if t else None for t in terms],
        "label": [t.label if t else None for t in terms],
    })


def levels_table(values: Iterable[str], vocabulary: Vocabulary) -> pd.DataFrame:
    """行使层级 is a set: '县级,镇（乡、街道）级' → codes '4,5', labels joined by ','."""
    raw = list(values)
    found = [vocabulary.lookup_many("exercise_level", v) for v in raw]
    return _frame(raw, {
        "codes": [",".join(t.code for t in terms) or None for terms, _ in found],
        "labels": [",".join(t.label for t in terms) or None for terms, _ in found],
        "unknown": ["、".join(unknown) or None for _, unknown in found],
    })


def durations_table(values: Iterable[str]) -> pd.DataFrame:
    raw = list(values)
    parsed = [parse_duration(v) for v in raw]
    return _frame(raw, {
        "days": [d.days for d in parsed],
        "unit": [d.unit or None for d in parsed],
        "immediate": [d.immediate for d in parsed],
        "issue": [d.issue or None for d in parsed],
    })


def fees_table(pairs: Iterable[tuple[str, str]]) -> pd.DataFrame:
    """Distinct (是否收费, 收费依据) pairs; keys raw (fee) and raw_basis."""
    pairs = list(pairs)
    parsed = [parse_fee(fee, basis) for fee, basis in pairs]
    return pd.DataFrame({
        "raw": pd.Series([p[0] for p in pairs], dtype="str"),
        "raw_basis": pd.Series([p[1] for p in pairs], dtype="str"),
        "charged": pd.Series([f.charged for f in parsed], dtype="boolean"),
        "amount_yuan": [f.amount_yuan for f in parsed],
        "basis": [f.basis or None for f in parsed],
    })


def materials_table(values: Iterable[str]) -> pd.DataFrame:
    raw = list(values)
    entries = [split_materials(v) for v in raw]
    return _frame(raw, {
        "materials": ["；".join(m.name for m in e) or None for e in entries],
        "material_count": [len(e) for e in entries],
        "materials_key": [materials_key(e) or None for e in entries],
    })


def flags_table(values: Iterable[str]) -> pd.DataFrame:
    raw = list(values)
    return _frame(raw, {"flag": pd.Series([parse_yes_no(v) for v in raw], dtype="boolean")})


def texts_table(values: Iterable[str]) -> pd.DataFrame:
    raw = list(values)
    return _frame(raw, {"text": [clean_text(v) or None for v in raw]})
