"""One generated row: clean catalog values -> injected defect -> audit tags -> cosmetic noise.

`Row.values` holds what is written to the cell of each field (str, or int for an Excel-number
code); `defects` and `noise` are the truth tags.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache

from . import defects, mess

# Per-row noise rates, each drawn independently. Those marked "applicable" are rates among the
# rows the variation can apply to (an alias exists, the name holds brackets or digits …).
NOISE_RATES = {
    "name_alias": 0.15,  # applicable: the item has aliases in aliases.csv
    "name_dropped_word": 0.03,  # applicable: a filler word to drop (基本…) or 办理 to add
    "name_booktitle": 0.1,  # applicable: a document name (…证明, …证) to wrap in 《》, or 《》 to drop
    "name_qualifier": 0.04,
    "name_brackets": 0.3,  # applicable: the name (or its added qualifier) holds brackets
    "name_fullwidth": 0.3,  # applicable: the name holds ASCII digits or letters
    "name_traditional": 0.03,
    "name_spaces": 0.03,
    "name_invisible": 0.015,
    "code_missing": 0.03,
    "code_implementation": 0.03,
    "code_format": 0.05,
    "duration_text": 0.05,
    "fee_text": 0.05,
    "materials_format": 0.08,
    "type_spelling": 0.04,
    "flag_spelling": 0.05,
}
NOISE_ORDER = tuple(NOISE_RATES) + ("code_excel_number",)
# Shape 9 (GBK csv) writes many 申请材料 cells with line breaks.
NEWLINE_MATERIALS_RATE = 0.25

CATALOG_FIELDS = (
    "item_name", "item_code", "item_type", "item_family", "department", "legal_basis",
    "exercise_levels", "acceptance_conditions", "materials", "statutory_limit", "promised_limit",
    "fee", "fee_basis", "handling_type", "online", "proxy",
)


@dataclass
class Row:
    true_code: str  # "" for an item not in the catalog
    values: dict
    defects: list[str] = field(default_factory=list)
    noise: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class NoiseContext:
    """What the noise of one district's rows depends on."""
    columns: frozenset[str]
    gbk: bool  # the district writes GBK: only GBK-encodable characters
    excel_numbers: bool  # codes go into number cells (shape 10)
    materials_newlines: bool  # shape 9
    names: dict[str, frozenset[str]]  # catalog name or alias -> its codes, to keep variations unambiguous
    bracketed_bases: frozenset[str]  # catalog names that have situation variants X（…）


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def gbk_ok(text: str) -> bool:
    try:
        text.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def _owned(ctx: NoiseContext, name: str, code: str) -> bool:
    """True when `name` names no catalog item other than `code`."""
    return ctx.names.get(name, frozenset()) <= {code}


def _hit(rng: random.Random, tag: str) -> bool:
    return rng.random() < NOISE_RATES[tag]


def _name_noise(
    rng: random.Random, name: str, code: str, aliases: list[str], ctx: NoiseContext
) -> tuple[str, list[str]]:
    tags: list[str] = []
    clean = name
    if aliases and _hit(rng, "name_alias"):
        name = rng.choice(aliases)
        tags.append("name_alias")
    if _hit(rng, "name_dropped_word"):
        new = mess.drop_or_add_word(rng, name)
        if new and _owned(ctx, new, code):
            name = new
            tags.append("name_dropped_word")
    new = mess.booktitle(rng, name)
    if new and _hit(rng, "name_booktitle"):
        if _owned(ctx, new.replace("《", "").replace("》", ""), code):
            name = new
            tags.append("name_booktitle")
    if _hit(rng, "name_qualifier") and "级）" not in name and "级)" not in name:
        plain = not any(c in name for c in "()（）")
        name = mess.add_qualifier(rng, name, situation_ok=plain and clean not in ctx.bracketed_bases)
        tags.append("name_qualifier")
    new = mess.mix_brackets(rng, name)
    if new and _hit(rng, "name_brackets"):
        name = new
        tags.append("name_brackets")
    new = mess.fullwidth_name(name)
    if new and _hit(rng, "name_fullwidth"):
        name = new
        tags.append("name_fullwidth")
    if _hit(rng, "name_traditional"):
        new = _s2t().convert(name)
        if new != name and (not ctx.gbk or gbk_ok(new)):
            name = new
            tags.append("name_traditional")
    if _hit(rng, "name_spaces"):
        name = mess.add_spaces(rng, name, mess.GBK_SPACES if ctx.gbk else mess.SPACES)
        tags.append("name_spaces")
    if not ctx.gbk and _hit(rng, "name_invisible"):
        name = mess.add_invisible(rng, name)
        tags.append("name_invisible")
    return name, tags


def _code_noise(rng: random.Random, code: str, true_code: str, site, ctx: NoiseContext) -> tuple[str | int, list[str]]:
    tags: list[str] = []
    if not code:
        return code, tags
    if code == true_code and _hit(rng, "code_missing"):
        return "", ["code_missing"]
    if _hit(rng, "code_implementation"):
        code = mess.implementation_code(site.uscc, site.level_digit, code)
        tags.append("code_implementation")
    if ctx.excel_numbers and code.isdigit() and len(code) <= 15:
        return int(code), tags + ["code_excel_number"]
    if _hit(rng, "code_format"):
        new = mess.format_code(rng, code)
        if new != code:
            code = new
            tags.append("code_format")
    return code, tags


def apply_noise(rng: random.Random, row: Row, site, aliases: list[str], ctx: NoiseContext) -> None:
    """Turn the clean values of `row` into what the district writes, tagging each change."""
    v, tags = row.values, row.noise
    v["item_name"], name_tags = _name_noise(rng, v["item_name"], row.true_code, aliases, ctx)
    tags.extend(name_tags)
    v["item_code"], code_tags = _code_noise(rng, v.get("item_code", ""), row.true_code, site, ctx)
    tags.extend(code_tags)
    if v.get("item_type") and _hit(rng, "type_spelling"):
        new = mess.rewrite_type(rng, v["item_type"])
        if new:
            v["item_type"] = new
            tags.append("type_spelling")
    if _hit(rng, "duration_text"):
        changed = False
        for f in rng.choice((("statutory_limit",), ("promised_limit",), ("statutory_limit", "promised_limit"))):
            new = mess.rewrite_duration(rng, v.get(f, ""))
            if new:
                v[f], changed = new, True
        if changed:
            tags.append("duration_text")
    if _hit(rng, "fee_text"):
        new = mess.rewrite_fee(rng, v.get("fee", ""))
        if new:
            v["fee"] = new
            tags.append("fee_text")
    newline = ctx.materials_newlines and rng.random() < NEWLINE_MATERIALS_RATE
    if newline or _hit(rng, "materials_format"):
        new = mess.rewrite_materials(rng, v.get("materials", ""), 1.0 if newline else 0.3)
        if new and new != v.get("materials"):
            v["materials"] = new
            tags.append("materials_format")
    if _hit(rng, "flag_spelling"):
        changed = False
        for f in ("online", "proxy"):
            if f in ctx.columns:
                new = mess.rewrite_flag(rng, v.get(f, ""))
                if new:
                    v[f], changed = new, True
        if changed:
            tags.append("flag_spelling")


def catalog_row(
    rng: random.Random, item: dict, site, catalog: list[dict], aliases: list[str], ctx: NoiseContext
) -> Row:
    values = {f: item.get(f, "") for f in CATALOG_FIELDS}
    defects.inject(rng, values, item, catalog)
    row = Row(item["item_code"], values, defects.audit(values, item))
    apply_noise(rng, row, site, aliases, ctx)
    if "code_missing" in row.noise:
        row.defects.append("missing:item_code")  # 事项编码 is a required element: a blank one is reported
    return row


def local_row(rng: random.Random, values: dict, site, ctx: NoiseContext) -> Row:
    """An item the district invented locally: not in the catalog, otherwise complete and consistent."""
    row = Row("", dict(values), defects.audit(values, None))
    if not str(values.get("item_code", "")).strip():
        row.defects.append("missing:item_code")
    if ctx.excel_numbers and str(values.get("item_code", "")).isdigit():
        row.values["item_code"] = int(values["item_code"])
        row.noise.append("code_excel_number")
    return row
