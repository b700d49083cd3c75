"""Cell text cleaning shared by every normalizer: invisible characters, widths, spaces, scripts."""

import math
import re
import unicodedata
from functools import lru_cache

# Format characters (zero-width, bidi marks, BOM, soft hyphen …), C0/C1 controls except the
# layout ones (\t \n \v \f \r, NEL), and lone surrogates from bad decoding. Removed *before*
# NFKC so that removing them can never leave a string that NFKC would change again.
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
    "\U000e0000-\U000e007f"
    "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]"
)

_OPENING = "【〔〖[{［｛〘〚"
_CLOSING = "】〕〗]}］｝〙〛"
_ODD_BRACKET = re.compile("[" + re.escape(_OPENING + _CLOSING + "\\") + "]")
_BRACKETS = str.maketrans({**{c: "(" for c in _OPENING}, **{c: ")" for c in _CLOSING}, "\\": "/"})


def _as_str(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and math.isnan(value):
        return ""
    if type(value).__name__ in ("NAType", "NaTType"):
        return ""
    return str(value)


def clean_text(value) -> str:
    """NFKC, invisibles removed, odd spaces to one space, lines stripped, empty lines dropped."""
    s = _as_str(value)
    if not s:
        return ""
    if not s.isprintable():
        s = _INVISIBLE.sub("", s)
    s = _nfkc(s)
    if not s or (s.isprintable() and "  " not in s and s[0] != " " and s[-1] != " "):
        return s
    lines = (" ".join(line.split()) for line in s.splitlines())
    return "\n".join(line for line in lines if line)


def _nfkc(s: str) -> str:
    # is_normalized's quick check is ~30× cheaper than normalize() on already-normal CJK text.
    return s if unicodedata.is_normalized("NFKC", s) else unicodedata.normalize("NFKC", s)


def recompose(s: str) -> str:
    """NFKC again after characters were removed (a letter may now meet its combining mark)."""
    return _nfkc(s)


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # imported lazily: building the converter loads dictionaries

    return opencc.OpenCC("t2s")


def to_simplified(s: str) -> str:
    """Traditional → simplified Chinese (OpenCC t2s), repeated until stable; ASCII untouched.

    t2s is phrase-based and not idempotent (乾縣 → 乾县 → 干县); iterating to a fixed point makes
    a traditional and a simplified spelling of one name always meet.
    """
    if not s or s.isascii():
        return s
    convert = _t2s().convert
    for _ in range(3):
        converted = convert(s)
        if converted == s:
            break
        s = converted
    return s


def unify_brackets(s: str) -> str:
    """【】[]〔〕{} (and full-width forms) → (); backslash → slash. Run after NFKC."""
    return s.translate(_BRACKETS) if _ODD_BRACKET.search(s) else s


def normal_form(value) -> str:
    """Cleaned, simplified, brackets unified, without any whitespace, case-folded: a lookup key."""
    s = unify_brackets(to_simplified(clean_text(value)))
    return "".join(s.split()).casefold()
