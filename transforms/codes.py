"""Item codes (GB/T 39554.1-2020): clean, repair Excel damage, classify, extract the 基本编码.

Formats are configurable (`CodePatterns.from_strings`): provinces use local formats too.
"""

import re
from dataclasses import dataclass

from transforms.text import clean_text

CREDIT_CODE = r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}"
DEFAULT_BASIC = r"\d{2}\d{2}\d{5}\d{3}"
# A national item (province segment 00, type segment not 00): the only 基本编码 whose leading
# zeros Excel can eat, so the only one restored by left-padding.
DEFAULT_RESTORABLE = r"00(?:0[1-9]|[1-9]\d)\d{8}"
DEFAULT_LOCAL = (
    r"37(?:XK|CF|QZ|ZS|GF|JC|QR|JL|CJ|QT|GG)\d+",  # Shandong provincial library (seen in)
    r"\d{3}[A-Z]\d{10}-\d{12}-\d{3}-[0-9A-Z]{18}-\d-\d{2}",  # Sichuan (seen in)
)

BASIC_LENGTH = 12
_BASIC_START = 19  # in 实施编码/业务办理项编码: 18-char credit code + 1-digit level, then the basic code


@dataclass(frozen=True)
class CodePatterns:
    basic: re.Pattern
    implementation: re.Pattern
    business: re.Pattern
    restorable: re.Pattern
    local: tuple[re.Pattern, ...]

    @classmethod
    def from_strings(
        cls,
        basic: str = DEFAULT_BASIC,
        local: tuple[str, ...] | list[str] = DEFAULT_LOCAL,
        restorable: str = DEFAULT_RESTORABLE,
    ) -> "CodePatterns":
        """Compile every pattern; raise one ValueError listing every pattern that fails.

        `basic` must describe exactly 12 characters: 实施编码 and 业务办理项编码 are built from it.
        """
        errors = []

        def compile_one(label: str, pattern: str) -> re.Pattern | None:
            try:
                return re.compile(pattern, re.ASCII)  # codes are ASCII: \d must not match ٣
            except (re.error, TypeError) as e:
                errors.append(f"{label}: {pattern!r}: {e}")
                return None

        body = basic.removeprefix("^").removesuffix("$")
        compiled = {
            "basic": compile_one("basic", body),
            "implementation": compile_one("implementation", rf"{CREDIT_CODE}\d(?:{body})"),
            "business": compile_one("business", rf"{CREDIT_CODE}\d(?:{body})\d{{2}}"),
            "restorable": compile_one("restorable", restorable),
        }
        local_compiled = tuple(compile_one(f"local[{i}]", p) for i, p in enumerate(local))
        if errors:
            raise ValueError("invalid code patterns:\n" + "\n".join(errors))
        return cls(local=local_compiled, **compiled)  # type: ignore[arg-type]


    def with_shapes(self, shapes: list[str]) -> "CodePatterns":
        """These patterns and the given code shapes (learned from a catalog) as local formats."""
        return CodePatterns(self.basic, self.implementation, self.business, self.restorable,
                            self.local + tuple(re.compile(s, re.ASCII) for s in shapes))


DEFAULT_PATTERNS = CodePatterns.from_strings()
MAX_LEARNED_SHAPES = 30
_RUNS = re.compile(r"\d+|[A-Z]+|[^\dA-Z]+")


def code_shape(key: str) -> str:
    """The shape of a code key as a regex: 511A0143700000 → \\d{3}[A-Z]\\d{10}."""
    parts = []
    for run in _RUNS.findall(key):
        if run[0].isdigit():
            parts.append(rf"\d{{{len(run)}}}")
        elif "A" <= run[0] <= "Z":
            parts.append(f"[A-Z]{{{len(run)}}}")
        else:
            parts.append(re.escape(run))
    return "".join(parts)


def learned_shapes(keys, patterns: "CodePatterns") -> list[str]:
    """Shapes of a catalog's codes that the configured patterns do not know, most common first."""
    counts: dict[str, int] = {}
    for key in keys:
        if key and not _classify(key, patterns)[0] and not _is_local(key, patterns):
            shape = code_shape(key)
            counts[shape] = counts.get(shape, 0) + 1
    return sorted(counts, key=lambda s: -counts[s])[:MAX_LEARNED_SHAPES]


@dataclass(frozen=True)
class CodeParts:
    text: str  # cleaned code
    kind: str  # basic | implementation | business | local | empty | unknown (a shape no pattern knows)
    basic_code: str = ""  # the 12-char 基本编码, when there is one
    issue: str = ""  # excel_scientific[_restored] | leading_zeros_restored | wrong_length | unrecognized

    @property
    def key(self) -> str:
        """The form codes are compared in: no separators (a local code keeps its dashes in text)."""
        return code_key(self.text)


_SPACES = re.compile(r"\s+")
_DASHES = re.compile("[‐‑‒–—―−﹣－~～]")
_SEPARATORS = re.compile(r"[-_.·/]")
_SCIENTIFIC = re.compile(r"(\d+)(?:\.(\d*))?E\+?(\d{1,2})", re.ASCII)
_FLOAT_SUFFIX = re.compile(r"(\d+)\.0+", re.ASCII)


def code_key(text: str) -> str:
    """A cleaned code without separators: 3701-0001 and 37010001 are one code."""
    return _SEPARATORS.sub("", text or "")


def _from_scientific(digits: str, fraction: str, exponent: int) -> str | None:
    """The exact integer of a mantissa/exponent pair, or None when digits were lost."""
    mantissa = (digits + fraction).lstrip("0")
    shift = exponent - len(fraction)
    if shift < 0:
        return None if mantissa[shift:].strip("0") else mantissa[:shift] or "0"
    if shift > 0:
        return None  # implied trailing zeros: Excel may have rounded digits away
    return mantissa or "0"


def _classify(s: str, patterns: CodePatterns) -> tuple[str, str]:
    if len(s) == BASIC_LENGTH and patterns.basic.fullmatch(s):
        return "basic", s
    if patterns.implementation.fullmatch(s):
        return "implementation", s[_BASIC_START : _BASIC_START + BASIC_LENGTH]
    if patterns.business.fullmatch(s):
        return "business", s[_BASIC_START : _BASIC_START + BASIC_LENGTH]
    return "", ""


def _is_local(s: str, patterns: CodePatterns) -> bool:
    return any(p.fullmatch(s) for p in patterns.local)


def code_text(value) -> str:
    """A code cell as text to keep: NFKC, no spaces, no Excel text mark ', upper case, one dash."""
    s = _SPACES.sub("", clean_text(value)).lstrip("'`").upper()
    return _DASHES.sub("-", s)


def normalize_code(value, patterns: CodePatterns = DEFAULT_PATTERNS) -> CodeParts:
    """Classify one code cell; never raises, never rejects: a code of no known shape is 'unknown'
    and still identifies an item when the catalog has it. Local formats are tried before dashes
    are dropped."""
    # A leading ' is Excel's "keep as text" mark (typed or exported before a long number).
    s = code_text(value)
    if not s:
        return CodeParts("", "empty")
    if _is_local(s, patterns):
        return CodeParts(s, "local")

    issue = ""
    if m := _SCIENTIFIC.fullmatch(s):
        exact = _from_scientific(m[1], m[2] or "", int(m[3]))
        if exact is None:
            return CodeParts(s, "unknown", issue="excel_scientific")
        s, issue = exact, "excel_scientific_restored"
    elif m := _FLOAT_SUFFIX.fullmatch(s):
        s = m[1]

    compact = _SEPARATORS.sub("", s)
    kind, basic = _classify(compact, patterns)
    if kind:
        return CodeParts(compact, kind, basic, issue)
    if compact != s and _is_local(compact, patterns):
        return CodeParts(compact, "local", issue=issue)
    all_digits = compact.isascii() and compact.isdigit()
    if all_digits and len(compact) < BASIC_LENGTH:
        padded = compact.zfill(BASIC_LENGTH)
        if patterns.restorable.fullmatch(padded) and patterns.basic.fullmatch(padded):
            return CodeParts(padded, "basic", padded, "leading_zeros_restored")
    fallback = "wrong_length" if all_digits else "unrecognized"
    return CodeParts(compact, "unknown", issue=issue or fallback)


def type_segment(basic_code: str) -> str:
    """The 事项类型 segment (characters 3–4) of a 12-char 基本编码, else ""."""
    if not isinstance(basic_code, str) or len(basic_code) != BASIC_LENGTH:
        return ""
    return basic_code[2:4]
