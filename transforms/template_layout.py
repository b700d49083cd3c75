"""The district templates' layout (填报模板), shared by the writer (warehouse/reports/templates.py) and
the reader (transforms/template_reading.py): the columns and their labels, the identity sheet's rows,
and the catalog elements as a template writes them, with a fingerprint of each for comparing an older
template with today's catalog.

A template workbook has one sheet per site of a 镇(街道) and a hidden identity sheet (IDENTITY_SHEET)
of key/value rows: the format version, the catalog version it was made from, the district, the town,
and one `sheet` row per site sheet (its name, kind 中心/站/点, community, 便民服务点, level).
"""

import struct
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from transforms.fields import LABELS

IDENTITY_SHEET = "_mulu"
IDENTITY_MARK = "mulu_template"  # the identity sheet's first key; its value is the format version
FORMAT_VERSION = "1"
GUIDE_SHEET = "填报说明"
CENTRE_SHEET = "便民服务中心"
NEW_ITEMS_MARK = "新增事项"  # the first words of the row that starts the block of local items
EVIDENCE = "填报模板"  # site_items.site_evidence of a row read from a template
YES, NO = "是", "否"

# The template's columns, in order: (key, header label). Keys are SUBMISSION_FIELDS names, except
# the answer "offered" (是否开展) and "window" (办理窗口, kept in extras under its label).
OFFERED, WINDOW = "offered", "window"
EXTRA_LABELS = {OFFERED: "是否开展", WINDOW: "办理窗口"}
# The catalog's elements a template shows locked (全市统一), in the order the list shows them.
ELEMENT_FIELDS = ("item_type", "item_family", "department", "legal_basis", "exercise_levels",
                  "acceptance_conditions", "materials", "statutory_limit", "promised_limit", "fee", "fee_basis",
                  "handling_type")
COLUMNS = ("seq", "item_code", "item_name", OFFERED, *ELEMENT_FIELDS, "online", "proxy", WINDOW, "note")
# What a site answers for a catalog item (unlocked in the list; every column is open for a local item).
ANSWERS = (OFFERED, "online", "proxy", WINDOW, "note")
# Compared with today's catalog when a template is read: its name and every element.
COMPARED = ("item_name", *ELEMENT_FIELDS)
# published.catalog_items / core.catalog_items columns of the compared elements (fee from fee_charged).
CATALOG_COLUMNS = ("item_name", *(f for f in ELEMENT_FIELDS if f != "fee"), "fee_charged")


def column_label(key: str) -> str:
    return EXTRA_LABELS.get(key) or LABELS[key]


def yes_no(flag) -> str:
    """A boolean as the template writes it: 是, 否, or empty when unknown."""
    return "" if flag is None or flag != flag else (YES if flag else NO)


def display_code(catalog_code: str) -> str:
    """The code a person writes: a stand-in for an empty or repeated catalog code (`#12`, `X#12`) loses
    its `#<row>`."""
    return (catalog_code or "").split("#", 1)[0]


def catalog_texts(item: Mapping) -> dict[str, str]:
    """The compared elements of a catalog item (a row of published or core catalog_items) as text."""
    texts = {name: _text(item.get(name)) for name in COMPARED if name != "fee"}
    texts["fee"] = yes_no(item.get("fee_charged"))
    return texts


def _text(value) -> str:
    if value is None or value != value:  # None, NaN
        return ""
    return str(value)


def _digest(text: str) -> int:
    return zlib.crc32(" ".join(text.split()).encode("utf-8"))  # 0 for an empty text: not compared


def fingerprint(texts: Mapping[str, str]) -> bytes:
    """Each compared element's checksum, packed (a province's catalog travels to every reader process)."""
    return struct.pack(f"<{len(COMPARED)}I", *(_digest(texts.get(name, "")) for name in COMPARED))


def catalog_fingerprints(items: Iterable[Mapping]) -> dict[str, bytes | None]:
    """Display code → fingerprint of the catalog's items; None for a code several items share."""
    found: dict[str, bytes | None] = {}
    for item in items:
        code = display_code(item.get("catalog_code"))
        if code:
            found[code] = None if code in found else fingerprint(catalog_texts(item))
    return found


def changed_elements(texts: Mapping[str, str], catalog: bytes) -> list[str]:
    """The elements a template row shows otherwise than today's catalog (one the catalog leaves empty is
    not compared)."""
    now = struct.unpack(f"<{len(COMPARED)}I", catalog)
    return [name for name, digest in zip(COMPARED, now) if digest and _digest(texts.get(name, "")) != digest]


@dataclass(frozen=True)
class TemplateSheet:
    name: str
    kind: str  # 中心, 站 or 点
    community: str  # "" for a 中心, or a 点 of no community
    point: str  # the 便民服务点's name; "" for a 中心 or 站
    level: str  # 镇(街道) or 村(社区)


@dataclass
class TemplateIdentity:
    catalog_version: int
    district: str
    town: str
    made_at: str
    sheets: list[TemplateSheet] = field(default_factory=list)
    format_version: str = FORMAT_VERSION

    def rows(self) -> list[list[str]]:
        """The identity sheet's rows (key, value …)."""
        head = [[IDENTITY_MARK, self.format_version], ["说明", "本工作表由 mulu 生成，用于读回模板，请勿修改或删除"],
                ["catalog_version", str(self.catalog_version)],
                ["district", self.district], ["town", self.town], ["made_at", self.made_at]]
        return head + [["sheet", s.name, s.kind, s.community, s.point, s.level] for s in self.sheets]

    @classmethod
    def from_rows(cls, rows: list[list[str]]) -> "TemplateIdentity | None":
        """The identity its sheet's rows (as text) carry, or None when they are not one."""
        values, sheets = {}, []
        for row in rows:
            cells = [cell.strip() for cell in row] + [""] * 6
            if cells[0] == "sheet" and cells[1]:
                sheets.append(TemplateSheet(*cells[1:6]))
            elif cells[0]:
                values.setdefault(cells[0], cells[1])
        if IDENTITY_MARK not in values or not values.get("district") or not values.get("town"):
            return None
        try:
            version = int(values.get("catalog_version", ""))
        except ValueError:
            return None
        return cls(version, values["district"], values["town"], values.get("made_at", ""), sheets,
                   values[IDENTITY_MARK])
