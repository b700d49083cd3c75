"""Real errors (defects) that validation must find: injection, and the audit that tags them.

Injection only changes a row's clean values; `audit` then derives every tag by comparing the
clean values with the catalog item and the consistency rules. So a tag is present exactly when
the data carry the defect, including defects the catalog itself would cause.
"""

from __future__ import annotations

import random
import re

from transforms.fields import REQUIRED_FIELDS

# Per-row injection rates (of catalog rows; not_in_catalog of a site's item count).
MISSING_RATE = 0.03  # one required element left blank
WRONG_TYPE_RATE = 0.015
PROMISED_GT_STATUTORY_RATE = 0.015  # applies only where the statutory limit is a number
IMMEDIATE_MISMATCH_RATE = 0.01
FEE_BASIS_MISSING_RATE = 0.01
CODE_NAME_CONFLICT_RATE = 0.01
ELEMENT_DIFFERS_RATE = 0.025
NOT_IN_CATALOG_RATE = 0.015
DUPLICATE_ROW_RATE = 0.012

# Required elements that may be blanked (name and code are not: a blank code is noise).
BLANKABLE = tuple(f for f in REQUIRED_FIELDS if f not in ("item_name", "item_code"))
# Elements compared with the catalog standard (item_type has its own tag, wrong_type).
ELEMENT_FIELDS = (
    "legal_basis", "exercise_levels", "acceptance_conditions", "materials",
    "statutory_limit", "promised_limit", "fee", "fee_basis", "handling_type",
)
DIFFERABLE = ("statutory_limit", "promised_limit", "materials", "legal_basis")
ITEM_TYPES = ("行政许可", "行政给付", "行政确认", "行政奖励", "行政裁决", "行政征收", "其他行政权力", "公共服务")
EXTRA_MATERIALS = ("其他需要提供的材料", "近期免冠照片", "委托书（委托办理的提供）", "村（居）委会证明")

DEFECT_ORDER = (
    "missing", "not_in_catalog", "wrong_type", "duplicate_row", "promised_gt_statutory",
    "immediate_mismatch", "fee_basis_missing", "code_name_conflict", "element_differs",
)
_DURATION = re.compile(r"^(\d+)(个工作日|个自然日|日|天)")


def parse_duration(text: str) -> tuple[int, str] | None:
    """(number, unit) of a clean duration; 即办 is (0, 'immediate'); None when unparsable."""
    if text == "即办":
        return 0, "immediate"
    m = _DURATION.match(text)
    if not m:
        return None
    return int(m.group(1)), "natural" if m.group(2) != "个工作日" else "working"


def _inject_one(rng: random.Random, kind: str, row: dict, item: dict, catalog: list[dict]) -> bool:
    """Change `row` (clean values) to carry one defect of `kind`; False when it cannot apply."""
    if kind == "missing":
        row[rng.choice(BLANKABLE)] = ""
        return True
    if kind == "wrong_type":
        row["item_type"] = rng.choice([t for t in ITEM_TYPES if t != item.get("item_type")])
        return True
    if kind == "promised_gt_statutory":
        stat = parse_duration(item.get("statutory_limit", ""))
        if not stat or stat[1] == "immediate":
            return False
        row["promised_limit"] = item["statutory_limit"].replace(str(stat[0]), str(stat[0] + rng.choice((5, 10, 15))), 1)
        row["handling_type"] = "承诺件"
        return True
    if kind == "immediate_mismatch":
        row["promised_limit"], row["handling_type"] = "即办", "承诺件"
        return True
    if kind == "fee_basis_missing":
        row["fee"], row["fee_basis"] = "是", ""
        return True
    if kind == "code_name_conflict":
        other = rng.choice(catalog)
        if other["item_code"] == item["item_code"]:
            return False
        row["item_code"] = other["item_code"]
        return True
    if kind == "element_differs":
        return _differ(rng, row, item, catalog)
    raise ValueError(kind)


def _differ(rng: random.Random, row: dict, item: dict, catalog: list[dict]) -> bool:
    for field in rng.sample(DIFFERABLE, len(DIFFERABLE)):
        value = item.get(field, "")
        if field == "statutory_limit":
            d = parse_duration(value)
            if d and d[1] != "immediate":
                row[field] = value.replace(str(d[0]), str(d[0] + rng.choice((5, 10, 30))), 1)
                return True
        elif field == "promised_limit":
            d = parse_duration(value)
            if d and d[1] != "immediate" and d[0] > 1:
                row[field] = value.replace(str(d[0]), str(rng.randrange(1, d[0])), 1)
                return True
        elif field == "materials" and value:
            entries = value.split("；")
            if len(entries) > 1 and rng.random() < 0.5:
                entries.pop(rng.randrange(len(entries)))
            else:
                entries.append(rng.choice([m for m in EXTRA_MATERIALS if m not in entries]))
            row[field] = "；".join(entries)
            return True
        elif field == "legal_basis" and value:
            others = [c["legal_basis"] for c in rng.sample(catalog, min(8, len(catalog)))
                      if c.get("legal_basis") and c["legal_basis"] != value]
            if others:
                row[field] = others[0]
                return True
    return False


def inject(rng: random.Random, row: dict, item: dict, catalog: list[dict]) -> None:
    """Maybe inject one defect into a catalog row's clean values, at the module rates."""
    u = rng.random()
    for kind, rate in (
        ("missing", MISSING_RATE), ("wrong_type", WRONG_TYPE_RATE),
        ("promised_gt_statutory", PROMISED_GT_STATUTORY_RATE),
        ("immediate_mismatch", IMMEDIATE_MISMATCH_RATE), ("fee_basis_missing", FEE_BASIS_MISSING_RATE),
        ("code_name_conflict", CODE_NAME_CONFLICT_RATE), ("element_differs", ELEMENT_DIFFERS_RATE),
    ):
        if u < rate:
            _inject_one(rng, kind, row, item, catalog)
            return
        u -= rate


def audit(row: dict, item: dict | None) -> list[str]:
    """Every defect tag the clean values carry, against the catalog item (None: not in catalog)."""
    tags: list[str] = []
    for field in BLANKABLE:
        if not row.get(field, ""):
            tags.append(f"missing:{field}")
    if item is None:
        tags.append("not_in_catalog")
    else:
        if row.get("item_type") and row["item_type"] != item.get("item_type", ""):
            tags.append("wrong_type")
    stat, prom = parse_duration(row.get("statutory_limit", "")), parse_duration(row.get("promised_limit", ""))
    if stat and prom and stat[1] == prom[1] and prom[0] > stat[0]:
        tags.append("promised_gt_statutory")
    elif stat and prom and stat[1] == "immediate" and prom[1] != "immediate":
        tags.append("promised_gt_statutory")
    if row.get("promised_limit") == "即办" and row.get("handling_type") == "承诺件":
        tags.append("immediate_mismatch")
    if row.get("fee") == "是" and not row.get("fee_basis"):
        tags.append("fee_basis_missing")
    if item is not None:
        if row.get("item_code") and row["item_code"] != item["item_code"]:
            tags.append("code_name_conflict")
        for field in ELEMENT_FIELDS:
            value = row.get(field, "")
            if value and value != item.get(field, ""):
                tags.append(f"element_differs:{field}")
    return tags
