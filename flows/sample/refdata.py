"""Load the reference seeds the sample city is built from (catalog, aliases, districts, towns, headers).

Everything is read once into plain tuples and dicts so a worker process can receive it pickled.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from transforms.fields import FIELDS_BY_NAME, LABELS

_NAME_BY_LABEL = {label: name for name, label in LABELS.items()}
_SYNONYM_SPLIT = re.compile(r"[|｜;；\n]+")


@dataclass(frozen=True)
class District:
    code: str  # 区划代码, e.g. 370211
    name: str  # 区市名称
    towns: tuple[tuple[str, str], ...]  # (镇街名称, 类型)


@dataclass
class RefData:
    catalog: list[dict[str, str]]  # English field name -> catalog value, in catalog order
    aliases: dict[str, list[str]]  # catalog code -> alias names (only codes in the catalog)
    districts: list[District]
    headers: dict[str, list[str]] = field(default_factory=dict)  # field -> [standard, synonyms…]

    @property
    def by_code(self) -> dict[str, dict[str, str]]:
        return {item["item_code"]: item for item in self.catalog}


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _field_name(word: str) -> str | None:
    word = word.strip()
    if word in FIELDS_BY_NAME:
        return word
    return _NAME_BY_LABEL.get(word)


def load_headers(rows: list[dict[str, str]]) -> dict[str, list[str]]:
    """field -> header words, the standard word first; accepts one synonym a row or joined lists."""
    out: dict[str, list[str]] = {}
    for row in rows:
        name = _field_name(row.get("字段", "")) or _field_name(row.get("标准列名", ""))
        if name is None:
            continue
        words = out.setdefault(name, [LABELS[name]])
        for word in [row.get("标准列名", "")] + _SYNONYM_SPLIT.split(row.get("同义列名", "")):
            word = word.strip()
            if word and word not in words:
                words.append(word)
    for name, label in LABELS.items():
        out.setdefault(name, [label])
    return out


def load_refdata(seeds_dir: Path) -> RefData:
    catalog = []
    for row in _read(seeds_dir / "catalog.csv"):
        item = {_NAME_BY_LABEL[k]: v for k, v in row.items() if k in _NAME_BY_LABEL}
        if item.get("item_code") and item.get("item_name"):
            catalog.append(item)
    codes = {item["item_code"] for item in catalog}
    names = {item["item_name"] for item in catalog}
    aliases: dict[str, list[str]] = {}
    alias_path = seeds_dir / "aliases.csv"
    if alias_path.exists():
        for row in _read(alias_path):
            alias, code = row.get("别名", ""), row.get("事项编码", "")
            if alias and code in codes and alias not in names and alias not in aliases.get(code, []):
                aliases.setdefault(code, []).append(alias)
    towns: dict[str, list[tuple[str, str]]] = {}
    for row in _read(seeds_dir / "towns.csv"):
        kind = row.get("类型") or ("街道" if row["镇街名称"].endswith("街道") else "镇")
        towns.setdefault(row["区市名称"], []).append((row["镇街名称"], kind))
    districts = [
        District(row["区划代码"], row["区市名称"], tuple(towns.get(row["区市名称"], ())))
        for row in sorted(_read(seeds_dir / "districts.csv"), key=lambda r: r["区划代码"])
    ]
    header_path = seeds_dir / "header_synonyms.csv"
    headers = load_headers(_read(header_path) if header_path.exists() else [])
    return RefData(catalog, aliases, [d for d in districts if d.towns], headers)
