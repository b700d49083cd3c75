"""Yes/no cells (网上可办, 帮办代办, 是否收费 …) written in many ways."""

import re

from transforms.text import normal_form

_YES = frozenset(
    "是 是的 y yes true t 1 1.0 √ ✓ ✔ ☑ 有 可 可以 能 能够 支持 需要 已 对 "
    "网上可办 可网办 可网上办理 网上办理 全程网办 网办 可办 可代办 代办 帮办代办".split()
)
_NO = frozenset(
    "否 不是 n no false f 0 0.0 × ✗ ✘ ☒ 无 没有 不可 不可以 不能 不支持 不需要 未 错 "
    "不可网办 网上不可办 不可网上办理 不能网办 不可办 不可代办 不代办 线下办理".split()
)
# A flag followed by an explanation: "否，需到现场", "是(全程网办)".
_HEAD = re.compile(r"^([^,;:()。]+)[,;:()。]")


def parse_yes_no(value) -> bool | None:
    """True/False for a yes/no spelling, None when empty or not understood."""
    form = normal_form(value)
    if not form:
        return None
    if form in _YES:
        return True
    if form in _NO:
        return False
    if m := _HEAD.match(form):
        head = m[1]
        if head in _YES:
            return True
        if head in _NO:
            return False
    return None
