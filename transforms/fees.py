"""Fee cells (是否收费, 收费标准): "不收费", "免费", "0元", "工本费20元", "按照《…》收取" …"""

import re
from dataclasses import dataclass

from transforms.text import clean_text, to_simplified


@dataclass(frozen=True)
class Fee:
    charged: bool | None
    amount_yuan: float | None = None
    basis: str = ""
    issue: str = ""  # empty | unparsed


_NO_FEE_WORDS = frozenset(
    "否 无 不 不收费 免费 免收 免收费 零 0 0元 0.0 0.00 0.00元 无收费 无收费项目 不收取 不收取费用 "
    "不收取任何费用 不涉及 不涉及收费 无需收费 无需缴费 n no false".split()
)
_ZERO_WORDS = frozenset("零 0 0元 0.0 0.00 0.00元".split())
_NO_FEE_START = re.compile(r"^(?:否|不收|不涉及收费|免费|免收|无需(?:缴|交|付)?费|无收费|零收费)")
_YES_WORDS = frozenset("是 收费 有 收取 需收费 y yes true 1 1.0".split())
_YES_START = re.compile(r"^(?:是|收费|收取|需(?:缴|交)费)")
_CHARGE_WORDS = re.compile(r"收取|收费|缴纳|交纳|工本费|费用|标准")
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)元")
_BOOK_TITLE = re.compile(r"《[^《》]+》")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_TRIM = re.compile(r"^[,;:。.、()]+|[,;:。.、()]+$")


def _basis_from_text(text: str) -> str:
    """Titles of the documents a fee text cites: "依据《…》收取" → "《…》"."""
    return "、".join(dict.fromkeys(_BOOK_TITLE.findall(text)))


def parse_fee(value, basis=None) -> Fee:
    """Whether a fee is charged, how much (yuan) and on what basis; never raises."""
    raw = to_simplified(clean_text(value))
    text = "".join(raw.split())
    cited = clean_text(basis).replace("\n", "；") or _basis_from_text(text)
    if not text:
        return Fee(None, basis=cited, issue="empty")
    core = _TRIM.sub("", _THOUSANDS.sub("", text)).casefold()
    answer = core.rsplit(":", 1)[-1]  # "收费标准:无"
    if answer in _NO_FEE_WORDS or _NO_FEE_START.match(core):
        return Fee(False, 0.0 if answer in _ZERO_WORDS else None, cited)
    amounts = [float(a) for a in _AMOUNT.findall(core)]
    if amounts:
        amount = amounts[0]
        return Fee(amount > 0, amount, cited)
    if core in _YES_WORDS or _YES_START.match(core) or _CHARGE_WORDS.search(core) or cited:
        return Fee(True, basis=cited)
    return Fee(None, basis=cited, issue="unparsed")
