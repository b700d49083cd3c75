"""Match distinct (name, code) pairs to the user's catalog: code → exact name → alias → family → noise.

Precision first: nothing is accepted on a guess that may change the meaning. A name written
exactly as one catalog item's name (verbatim: character widths and surrounding spaces aside) is
that item, even where another item's name differs only in bracket nesting, and even against a code
of another item (the code gets a finding). Otherwise a name is accepted
when it is the catalog's name (brackets aside that the catalog does not use to tell siblings
apart: transforms/catalog_index.py), a registered alias of an item in the catalog, or differs from
one only by noise (transforms/name_noise.py). A code is accepted when its item's name agrees.
Everything else goes to people with its top candidates. Runs once per distinct pair, never per row.
"""

import json
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz

from transforms.catalog_index import CatalogIndex
from transforms.codes import normalize_code
from transforms.name_identity import NameIdentity, describe, identity_of
from transforms.name_noise import noise_difference
from transforms.noise_words import NO_NOISE_WORDS, NoiseWords
from transforms.text import clean_text

# match_method values of an accepted match; 'review' (waiting for people) and 'none' are not.
ACCEPTED_METHODS = ("code", "name", "alias", "fuzzy", "reviewed")
NAME_COLUMNS = ("name_key", "name_situations", "name_qualifier", "name_notes", "name_guide")
FUZZY_CANDIDATES = 5  # cores looked at for a noise-only difference
OUTPUT_COLUMNS = ("review_key", "catalog_code", "match_method", "match_score", "runner_up_code", "runner_up_score",
                  "candidates", "evidence", "coded_item", "code_repair")


@dataclass(frozen=True)
class MatchSettings:
    review_score: float = 55.0  # a candidate shown to people scores at least this
    code_name_agreement: float = 50.0  # below this the code's item and the name disagree


@dataclass(frozen=True)
class NameResult:
    """What the name alone says: accepted items (one, or several when ambiguous) and why."""
    items: tuple[int, ...]
    method: str  # name | alias | reviewed | fuzzy | ambiguous
    score: float
    evidence: str

    @property
    def accepted(self) -> bool:
        return len(self.items) == 1 and self.method != "ambiguous"


def verbatim_unique(catalog_names) -> set[str]:
    """The catalog's names (as core.catalog_items holds them: clean_text) that exactly one item
    carries: a row that writes one of them, character for character, names that item."""
    counts: dict[str, int] = {}
    for name in catalog_names:
        if isinstance(name, str) and name:
            counts[name] = counts.get(name, 0) + 1
    return {name for name, count in counts.items() if count == 1}


def verbatim_of(raw_names, unique: set[str]) -> list[str]:
    """Each raw name as written (clean_text: spaces around it and character widths aside, every
    bracket kept) where it is one of the unique catalog names; '' otherwise."""
    cleaned = [clean_text(name) if isinstance(name, str) else "" for name in raw_names]
    return [name if name in unique else "" for name in cleaned]


def review_key(identity: NameIdentity, code_key: str) -> str:
    """The key of one distinct (name, code) pair: what people decide on in the review loop."""
    return f"{identity.key}#{code_key or ''}"


DECISION_EVIDENCE = {
    "new_item": "人工核对确认：新事项（目录中尚无），待纳入目录",
    "not_item": "人工核对确认：不是政务服务事项",
}


def catalog_index(catalog: pd.DataFrame, noise: NoiseWords = NO_NOISE_WORDS) -> CatalogIndex:
    """catalog: code, name, the NAME_COLUMNS, code_keys (list of code keys, its own first), and
    department (its departments are noise words too) when it has one."""
    if "department" in catalog:
        noise = noise.with_departments(catalog["department"].dropna().unique())
    identities = [noise.reclassify(identity_of(*row)) for row in _name_rows(catalog)]
    return CatalogIndex(catalog["code"].tolist(), catalog["name"].tolist(), identities,
                        [list(keys) for keys in catalog["code_keys"]], noise)


def _name_rows(frame: pd.DataFrame):
    columns = [(frame[c].fillna("") if c != "name_guide" else frame[c].fillna(False)).tolist() for c in NAME_COLUMNS]
    return zip(*columns)  # lists: iterating a pandas column yields its values far more slowly


def match_pairs(queries: pd.DataFrame, catalog: pd.DataFrame, aliases: pd.DataFrame,
                settings: MatchSettings = MatchSettings(), decisions: pd.DataFrame | None = None,
                noise: NoiseWords = NO_NOISE_WORDS) -> pd.DataFrame:
    """Match distinct queries to the catalog.

    queries: the NAME_COLUMNS and code_key (the district's code, cleaned); name_verbatim where a name
    is written exactly as one catalog item's (verbatim_of), else ''.
    catalog: see catalog_index(). aliases: alias_key (transforms.name_identity.alias_key), code, method;
    only aliases of codes in the catalog count. decisions: review_key, decision (code / new_item /
    not_item), catalog_code — people's answers, applied before anything else. noise: the reference
    data's words of where, by whom and how (transforms/noise_words.py).
    Returns queries with review_key, catalog_code, match_method, match_score, runner_up_code,
    runner_up_score, candidates (JSON list of [code, score]), evidence (Chinese, for people),
    coded_item (the one item the code names, if any) and code_repair (leading_zeros_restored, or
    not_in_catalog for a code that names no item).
    """
    index = catalog_index(catalog, noise)
    alias_index = {a: (index.position[c], m) for a, c, m in aliases[["alias_key", "code", "method"]].itertuples(index=False)
                   if c in index.position}
    decided = {} if decisions is None else {
        k: (d, c) for k, d, c in decisions[["review_key", "decision", "catalog_code"]].itertuples(index=False)}
    matcher = _Matcher(index, alias_index, settings)
    out = {c: [] for c in OUTPUT_COLUMNS}
    verbatim = (queries["name_verbatim"].fillna("").tolist() if "name_verbatim" in queries
                else [""] * len(queries))
    for name_row, code_key, written in zip(_name_rows(queries), queries["code_key"].fillna("").tolist(), verbatim):
        identity = identity_of(*name_row)
        key = review_key(identity, code_key)
        coded, repair = index.items_for_code(code_key)
        if not coded and (coded := index.implemented_items(code_key)):
            repair = "implementation_of_basic"
        result = matcher.reviewed(identity, decided[key]) if key in decided else \
            matcher.match(identity, coded, repair, code_key, written)
        result.update(review_key=key, coded_item=index.codes[coded[0]] if len(coded) == 1 else None,
                      code_repair=(repair if repair != "implementation_of_basic" else None)
                      or ("not_in_catalog" if code_key and not coded else None))
        for column in OUTPUT_COLUMNS:
            out[column].append(result[column])
    frame = queries.copy()
    for column, values in out.items():
        frame[column] = values
    return frame


class _Matcher:
    def __init__(self, index: CatalogIndex, alias_index: dict, settings: MatchSettings):
        self.index, self.alias_index, self.settings = index, alias_index, settings
        self._fuzzy: dict[str, list[tuple[str, float]]] = {}

    # -- candidates -------------------------------------------------------------------------
    def similar_cores(self, core: str) -> list[tuple[str, float]]:
        """Catalog cores most like this one (best first), scored 0–100."""
        if core not in self._fuzzy:
            hits = self.index.blocker.top(core, self.settings.review_score, FUZZY_CANDIDATES) if core else []
            self._fuzzy[core] = [(self.index.cores[i], score) for i, score in hits]
        return self._fuzzy[core]

    def candidates(self, identity: NameIdentity, first: list[tuple[int, float]] = ()) -> list[tuple[int, float]]:
        """Up to three items for people, best first: `first`, then the closest families' members."""
        ranked = list(first)
        for core, score in self.similar_cores(identity.core):
            for i in self.index.families[core].members:
                ranked.append((i, self._score(identity, i) if core == identity.core else score))
        seen, out = set(), []
        for i, score in ranked:
            if i not in seen:
                seen.add(i)
                out.append((i, score))
        return out[:3]

    def _score(self, identity: NameIdentity, i: int) -> float:
        return float(round(fuzz.ratio(identity.flat, self.index.identities[i].flat)))

    # -- by name ----------------------------------------------------------------------------
    def by_name(self, identity: NameIdentity, alias_key: str | None = None) -> NameResult | None:
        """The catalog's name (brackets aside that do not tell siblings apart), then a registered
        alias (alias_key: the name's key as aliases are stored), then the catalog's name once a
        department tag or an action word is dropped, then a difference of noise only; several
        items → ambiguous (people decide)."""
        index = self.index
        if not identity.core:
            return None
        exact = index.by_key.get(identity.key, [])
        if len(exact) == 1:
            return NameResult(tuple(exact), "name", 100.0, "名称与目录事项名称一致")
        # 实验动物生产许可变更 written without the bracket
        flat = index.by_flat.get(identity.core, []) if not identity.meaningful else []
        if len(flat) == 1 and not exact:
            evidence = (self._bracket_evidence(identity, flat[0]) if identity.groups - index.identities[flat[0]].groups
                        else "名称与目录事项名称一致（括号写法不同）")
            return NameResult(tuple(flat), "name", 100.0, evidence)
        family = index.families.get(identity.core)
        fits = [i for i in family.members if index.compatible(identity, i)] if family and not exact else []
        if len(fits) == 1:
            return NameResult(tuple(fits), "name", 100.0, self._bracket_evidence(identity, fits[0]))
        alias = self.alias_index.get(alias_key or identity.flat)
        if alias is not None:
            word = "人工确认的" if alias[1] == "reviewed" else "登记的"
            return NameResult((alias[0],), alias[1], 100.0, f"名称是{word}别名")
        several = exact or (flat if len(flat) > 1 else []) or fits
        if several:
            return NameResult(tuple(several), "ambiguous", 100.0, "目录中有多个同名事项，名称不能确定是哪一个")
        if family is None and (dropped := self._by_dropped_words(identity)) is not None:
            return dropped
        noisy = self._by_noise(identity)
        if family is not None and (noisy is None or not noisy.accepted):
            return NameResult(family.members, "ambiguous", 100.0,
                              f"目录中同名事项的括号内容不同（报送：{describe(identity.groups) or '无括号'}），需人工确认")
        return noisy

    def _bracket_evidence(self, identity: NameIdentity, i: int) -> str:
        mine = self.index.identities[i].groups
        extra, missing = identity.groups - mine, mine - identity.groups
        words = ["名称与目录事项名称一致"]
        if extra:
            words.append(f"报送名称多{describe(extra)}")
        if missing:
            words.append(f"目录名称另有{describe(missing)}")
        return "，".join(words)

    def _by_dropped_words(self, identity: NameIdentity) -> NameResult | None:
        """The catalog's name once a department tag or an action word is dropped (or an action word
        added): [人社]失业登记, 申请高龄津贴, 临时救助服务. Accepted when exactly one item is so
        named; words the catalog tells items apart by are never dropped."""
        index, found = self.index, {}
        for core, change in index.noise.variants(identity.core, index.told_apart):
            family = index.families.get(core)
            if family is None:
                continue
            changed = NameIdentity(core, identity.groups)
            exact = index.by_key.get(changed.key, [])
            fits = exact or [i for i in family.members if index.compatible(changed, i)]
            for i in fits:
                found.setdefault(i, change)
        if len(found) == 1:
            (i, change), = found.items()
            return NameResult((i,), "name", 100.0, f"名称{change}后与目录事项名称一致")
        if found:
            return NameResult(tuple(found), "ambiguous", 100.0, "名称去掉部门标注或办理用语后与多个目录事项一致，需人工确认")
        return None

    def _by_noise(self, identity: NameIdentity) -> NameResult | None:
        """Catalog items whose core differs from this one only by noise, and whose groups fit."""
        fits, reasons = [], {}
        for core, score in self.similar_cores(identity.core):
            reason = noise_difference(identity.core, core)
            for i in self.index.families[core].members:
                theirs = self.index.identities[i]
                if reason is not None and self.index.compatible(_with_core(identity, core), i):
                    fits.append((i, score))
                    reasons[i] = reason
                elif (flat := noise_difference(identity.flat, theirs.flat)) is not None \
                        and self.index.compatible(NameIdentity(core, _noise(identity) | theirs.meaningful), i):
                    fits.append((i, score))  # the noise is inside a bracket
                    reasons[i] = flat
        if len(fits) == 1:
            i, score = fits[0]
            return NameResult((i,), "fuzzy", score, f"名称与目录事项仅有书写差异（{reasons[i]}）")
        if fits:
            return NameResult(tuple(i for i, _ in fits), "ambiguous", fits[0][1],
                              "名称与多个目录事项仅有书写差异，需人工确认")
        return None

    # -- name and code together -----------------------------------------------------------------
    def match(self, identity: NameIdentity, by_code: list[int], repair: str, code_key: str = "",
              verbatim: str = "") -> dict:
        index = self.index
        alias_key = identity.flat  # aliases are stored by the name's own groups
        identity = index.noise.reclassify(identity)
        exact = index.by_verbatim.get(verbatim, []) if verbatim else []
        by_name = (NameResult((exact[0],), "name", 100.0, "名称与目录事项名称逐字一致") if len(exact) == 1
                   else self.by_name(identity, alias_key))
        repaired = REPAIR_WORDS.get(repair, "")
        if by_code:
            if not identity.core:
                if len(by_code) == 1:
                    return self._accept(identity, by_code[0], "code", 100.0, "编码与目录一致，未填名称" + repaired)
                return self._review(identity, [(i, 0.0) for i in by_code], "编码对应目录中多个事项，且未填名称")
            if len(exact) == 1 and exact[0] not in by_code:  # the strongest evidence: the code is the mistake
                i, named = exact[0], " 、".join(dict.fromkeys(index.names[j] for j in by_code))
                return self._accept(identity, i, "name", 100.0,
                                    f"名称与目录事项名称逐字一致（报送的编码对应另一事项'{named}'）")
            if by_name is not None and by_name.accepted and by_name.method != "fuzzy" \
                    and by_name.items[0] not in by_code:
                i, j = by_code[0], by_name.items[0]
                return self._review(identity, [(i, self._score(identity, i)), (j, 100.0)],
                                    f"编码指向'{index.names[i]}'，名称指向'{index.names[j]}'", runner_up=(j, 100.0))
            agreeing = [i for i in by_code if self._agrees(identity, i, by_name, index.is_own_code(code_key, i))]
            if len(agreeing) == 1:
                i = agreeing[0]
                note = "，编码对应多个子项，按名称确定" if len(by_code) > 1 else ""
                named = by_name is not None and by_name.accepted and by_name.items[0] == i
                agreement = by_name.evidence if named else f"名称相似度{self._score(identity, i):.0f}"
                return self._accept(identity, i, "code", 100.0, f"编码与目录一致，{agreement}{note}{repaired}")
            scored = [(i, self._score(identity, i)) for i in by_code]
            evidence = (f"编码指向'{index.names[by_code[0]]}'，但名称不一致" if len(by_code) == 1
                        else "编码对应目录中多个事项，名称不能确定是哪一个")
            return self._review(identity, scored, evidence)
        if by_name is not None and by_name.accepted and _names_an_implementation(code_key):
            i = by_name.items[0]  # 实施编码 name one body's implementation: another body's is another item
            return self._review(identity, [(i, by_name.score)],
                                f"名称与'{index.names[i]}'一致，但报送的实施编码不在目录中（可能是目录未收录的另一实施主体的事项）")
        if by_name is not None and by_name.accepted:
            return self._accept(identity, by_name.items[0], by_name.method, by_name.score, by_name.evidence)
        if by_name is not None:
            return self._review(identity, [(i, by_name.score) for i in by_name.items], by_name.evidence)
        top = self.candidates(identity)
        if top:
            i, score = top[0]
            return self._review(identity, [], f"名称与'{index.names[i]}'相似度{score:.0f}，需人工确认")
        evidence = "目录中没有相近事项，可能是新事项" if identity.core else "名称未填写，编码不在目录中"
        return _result(None, "none", 0.0, None, None, "[]", evidence)

    def _agrees(self, identity: NameIdentity, i: int, by_name: NameResult | None, own_code: bool) -> bool:
        """Whether the name fits the item a code names: the same item by name, or a close name
        whose brackets do not contradict it. A code several items share (a 目录编码, the 基本编码
        inside a 实施编码) may also be an item's the catalog lacks: then the brackets must agree."""
        if by_name is not None and i in by_name.items and by_name.method != "ambiguous":
            return True
        mine = self.index.identities[i]
        if noise_difference(identity.flat, mine.flat) is not None and \
                self.index.compatible(NameIdentity(mine.core, _noise(identity) | mine.meaningful), i):
            return True  # the item's name but for noise, in the brackets too
        if identity.meaningful - mine.meaningful or not own_code:
            return False  # the name says 变更 / 承诺件 … where the item does not; or a shared code
        if by_name is not None and by_name.accepted and i not in by_name.items:
            return False  # the name is another item's (with a typo, say): a close score is no agreement
        if by_name is not None and by_name.method == "ambiguous":
            return i in by_name.items
        core_score = fuzz.ratio(identity.core, mine.core)
        return core_score >= self.settings.code_name_agreement

    def _accept(self, identity, i, method, score, evidence):
        codes = self.index.codes
        top = self.candidates(identity, [(i, 100.0)])
        runner = next(((j, s) for j, s in top if codes[j] != codes[i]), (None, None))
        return _result(codes[i], method, score, codes[runner[0]] if runner[0] is not None else None, runner[1],
                       self._json(top), evidence)

    def _review(self, identity, first, evidence, runner_up=None):
        codes = self.index.codes
        top = self.candidates(identity, first)
        best = top[0][1] if top else 0.0
        runner = runner_up or (top[1] if len(top) > 1 else (None, None))
        return _result(None, "review", best, codes[runner[0]] if runner[0] is not None else None, runner[1],
                       self._json(top), evidence)

    def _json(self, top) -> str:
        return json.dumps([[self.index.codes[i], score] for i, score in top], ensure_ascii=False)

    def reviewed(self, identity: NameIdentity, decision: tuple[str, str | None]):
        kind, code = decision
        index = self.index
        if kind == "code" and code in index.position:
            i = index.position[code]
            return self._accept(identity, i, "reviewed", 100.0, f"人工核对确认为'{index.names[i]}'")
        top = self._json(self.candidates(identity))
        if kind == "code":  # the catalog no longer has the code people chose: ask again
            return _result(None, "review", 0.0, None, None, top, f"人工确认的编码{code}已不在目录中，需重新核对")
        return _result(None, "none", 0.0, None, None, top, DECISION_EVIDENCE[kind])


def _result(code, method, score, runner_code, runner_score, candidates, evidence) -> dict:
    return {"catalog_code": code, "match_method": method, "match_score": score, "runner_up_code": runner_code,
            "runner_up_score": runner_score, "candidates": candidates, "evidence": evidence}


REPAIR_WORDS = {"leading_zeros_restored": "（编码已补回丢失的前导零）",
                "implementation_of_basic": "（报送的是实施编码，其中的基本编码与目录一致）"}


def _names_an_implementation(code_key: str) -> bool:
    """A whole 实施编码 or 业务办理项编码 (an implementing body's item), not a 基本编码 or a damaged code."""
    return bool(code_key) and normalize_code(code_key).kind in ("implementation", "business")


def _noise(identity: NameIdentity) -> frozenset:
    return identity.groups - identity.meaningful


def _with_core(identity: NameIdentity, core: str) -> NameIdentity:
    return NameIdentity(core, identity.groups)


