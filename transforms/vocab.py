"""Element vocabularies (事项类型, 行使层级, 办件类型 …): map a written value to a coded term.

Built from rows of warehouse/seeds/vocabularies.csv, renamed by the caller to English keys:
vocabulary (词表), code (代码), label (标准名称), spelling (写法). A term's code and label are
always accepted spellings.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from transforms.text import clean_text, normal_form, to_simplified, unify_brackets


@dataclass(frozen=True)
class Term:
    code: str
    label: str


_FLOAT_CODE = re.compile(r"(\d+)\.0+")
_SEPARATORS = re.compile(r"[,，;；/|\s、]+")
_SEPARATORS_KEEP_DUNHAO = re.compile(r"[,，;；/|\s]+")


def _code_sort_key(term: Term) -> tuple:
    return (0, int(term.code), "") if term.code.isdigit() else (1, 0, term.code)


def _split_outside_brackets(s: str) -> list[str]:
    """Split on , ； / | whitespace and 、, but never inside brackets: 镇(乡、街道)级 is one value."""
    if "(" not in s:
        return _SEPARATORS.split(s)
    pieces, depth, start = [], 0, 0
    for i, ch in enumerate(s):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif ch == "、" and depth == 0:
            pieces.append(s[start:i])
            start = i + 1
    pieces.append(s[start:])
    # Other separators never occur inside a spelling's brackets in practice, so split them plainly.
    return [p for piece in pieces for p in _SEPARATORS_KEEP_DUNHAO.split(piece)]


class Vocabulary:
    """All vocabularies; lookups are on a cleaned, simplified, bracket-unified, space-less form."""

    def __init__(self, forms: Mapping[str, Mapping[str, Term]]):
        self._forms = {name: dict(table) for name, table in forms.items()}

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping]) -> "Vocabulary":
        """Build from rows; raise one ValueError listing every conflicting or incomplete row."""
        forms: dict[str, dict[str, Term]] = {}
        labels: dict[tuple[str, str], str] = {}
        problems: list[str] = []
        for n, row in enumerate(rows, start=1):
            vocabulary = clean_text(row.get("vocabulary"))
            code = clean_text(row.get("code"))
            # The label is shown to people as the seed spells it (镇（乡、街道）级, full-width).
            label = str(row.get("label")).strip() if clean_text(row.get("label")) else ""
            if not (vocabulary and code and label):
                problems.append(f"row {n}: vocabulary, code and label are required")
                continue
            known = labels.setdefault((vocabulary, code), label)
            if known != label:
                problems.append(f"row {n}: {vocabulary} code {code} has labels {known!r} and {label!r}")
                continue
            term = Term(code, label)
            table = forms.setdefault(vocabulary, {})
            for spelling in (code, label, row.get("spelling")):
                form = normal_form(spelling)
                if not form:
                    continue
                other = table.setdefault(form, term)
                if other.code != code:
                    problems.append(
                        f"row {n}: {vocabulary} spelling {clean_text(spelling)!r} "
                        f"means both {other.code} and {code}"
                    )
        if problems:
            raise ValueError("invalid vocabulary rows:\n" + "\n".join(problems))
        return cls(forms)

    def fingerprint(self) -> str:
        """Every spelling and its code, as one text (what a reading depended on)."""
        return repr(sorted((name, sorted((form, t.code) for form, t in table.items()))
                           for name, table in self._forms.items()))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self._forms))

    def terms(self, vocabulary: str) -> tuple[Term, ...]:
        """Every term of a vocabulary, sorted by code."""
        return tuple(sorted(set(self._forms.get(vocabulary, {}).values()), key=_code_sort_key))

    def _find(self, table: Mapping[str, Term], form: str) -> Term | None:
        term = table.get(form)
        if term is None and (m := _FLOAT_CODE.fullmatch(form)):
            term = table.get(m[1])  # Excel turned the code 4 into 4.0
        if term is None and form.isdigit() and form != form.lstrip("0"):
            term = table.get(form.lstrip("0") or "0")
        if term is None and form.isdigit() and len(form) == 1:
            term = table.get("0" + form)  # 事项类型 1 → 01
        return term

    def lookup(self, vocabulary: str, value) -> Term | None:
        """The term a single value spells (a code, a label or a known spelling), else None."""
        table = self._forms.get(vocabulary)
        form = normal_form(value)
        if not table or not form:
            return None
        return self._find(table, form)

    def lookup_many(self, vocabulary: str, value) -> tuple[tuple[Term, ...], tuple[str, ...]]:
        """Terms of a multi-valued cell (deduped, sorted by code) and the pieces not understood."""
        table = self._forms.get(vocabulary, {})
        text = unify_brackets(to_simplified(clean_text(value)))
        whole = self._find(table, "".join(text.split()).casefold()) if text else None
        if whole is not None:
            return (whole,), ()
        found: dict[str, Term] = {}
        unknown: list[str] = []
        for piece in _split_outside_brackets(text):
            if not piece:
                continue
            term = self._find(table, piece.casefold())
            if term is None:
                if piece not in unknown:
                    unknown.append(piece)
            else:
                found.setdefault(term.code, term)
        return tuple(sorted(found.values(), key=_code_sort_key)), tuple(unknown)
