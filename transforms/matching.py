"""Match distinct (name key, code) pairs to the catalog: code → exact name → alias → fuzzy.

Precision first: a fuzzy match is accepted only with a high score, a clear margin over the
runner-up, and the same situation and number words (燃气经营许可证变更 is never 燃气经营许可证注销).
Everything else goes to people with its top candidates. Runs once per distinct pair, never per row.
"""

import json
import re
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz

from transforms.blocking import BigramBlocker
from transforms.names import normalize_name

# match_method values of an accepted match; 'review' (waiting for people) and 'none' are not.
ACCEPTED_METHODS = ("code", "name", "alias", "fuzzy", "reviewed")

# Words that make two otherwise similar names different items.
GUARD_WORDS = (
    "新办", "设立", "变更", "延续", "补办", "补发", "换发", "换证", "注销", "撤销", "迁入", "迁出",
    "首次", "遗失", "增项", "减项", "申领", "认定", "登记", "发放", "审批", "审核", "备案", "确认",
)
_NUMBERS = re.compile(r"[0-9一二三四五六七八九十两]+")
_LEVEL_NOISE = re.compile("行使|权限|实施|办理|事权")


@dataclass(frozen=True)
class MatchSettings:
    auto_accept_score: float = 90.0
    auto_accept_margin: float = 6.0
    review_score: float = 55.0
    code_name_agreement: float = 50.0  # below this the code's item and the name disagree


def guard_signature(name_key: str) -> tuple:
    return (tuple(w for w in GUARD_WORDS if w in name_key), tuple(_NUMBERS.findall(name_key)))


def _level_key(qualifier: str) -> str:
    return _LEVEL_NOISE.sub("", qualifier or "").replace("区级", "县级")


def identity_keys(name_key: str, situations: str, qualifier: str) -> tuple[str, str, str]:
    """(full, situation, core) keys of a name, most specific first.

    Catalogs split one item by situation or level in brackets (食品经营许可(新办)/(变更),
    …核发(县级)/(镇级)); districts add such brackets as noise. A name matches on the most
    specific key that identifies exactly one catalog item.
    """
    core = name_key or ""
    situation = core + "".join(sorted((situations or "").split("、")))
    level = _level_key(qualifier)
    return (f"{situation}|{level}" if level else situation), situation, core


def alias_key(name: str) -> str:
    """The key an alias is stored and looked up by: the name with its situation words."""
    parts = normalize_name(name)
    return identity_keys(parts.key, "、".join(parts.situations), parts.level_qualifier)[1]


def _index(keys: list[str]) -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if key:
            index.setdefault(key, []).append(i)
    return index


def review_key(full_key: str, basic_code: str) -> str:
    """The key of one distinct (name, code) pair: what people decide on in the review loop."""
    return f"{full_key}#{basic_code or ''}"


DECISION_EVIDENCE = {
    "new_item": "人工核对确认：新事项（目录中尚无），待纳入目录",
    "not_item": "人工核对确认：不是政务服务事项",
}


def match_pairs(
    queries: pd.DataFrame,
    catalog: pd.DataFrame,
    aliases: pd.DataFrame,
    settings: MatchSettings = MatchSettings(),
    decisions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Match distinct queries to the catalog.

    queries: name_key, name_situations, name_qualifier, basic_code (distinct rows).
    catalog: code, name, name_key, name_situations, name_qualifier.
    aliases: alias_key (a situation key), code, method.
    decisions: review_key, decision (code / new_item / not_item), catalog_code — people's answers,
    applied before anything else.
    Returns queries with review_key, catalog_code, match_method, match_score, runner_up_code,
    runner_up_score, candidates (JSON list of [code, score]) and evidence (Chinese, for people).
    """
    codes = catalog["code"].tolist()
    names = catalog["name"].tolist()
    catalog_keys = [identity_keys(*k) for k in zip(
        catalog["name_key"].fillna(""), catalog["name_situations"].fillna(""), catalog["name_qualifier"].fillna(""))]
    indexes = [_index([k[level] for k in catalog_keys]) for level in range(3)]
    situation_keys = [k[1] for k in catalog_keys]
    code_index = {c: i for i, c in enumerate(codes)}
    alias_index = {a: (c, m) for a, c, m in aliases[["alias_key", "code", "method"]].itertuples(index=False)}
    guards = [guard_signature(k) for k in situation_keys]

    query_keys = [identity_keys(*k) for k in zip(
        queries["name_key"].fillna(""), queries["name_situations"].fillna(""), queries["name_qualifier"].fillna(""))]
    fuzzy = _fuzzy_top3(sorted({k[1] for k in query_keys if k[1]}), situation_keys, settings.review_score)

    context = _Context(codes, names, situation_keys, code_index, indexes, alias_index, guards, settings)
    decided = {} if decisions is None else {
        k: (d, c) for k, d, c in decisions[["review_key", "decision", "catalog_code"]].itertuples(index=False)}
    out = {c: [] for c in ("review_key", "catalog_code", "match_method", "match_score", "runner_up_code",
                           "runner_up_score", "candidates", "evidence")}
    for keys, basic_code in zip(query_keys, queries["basic_code"].fillna("").tolist()):
        top = fuzzy.get(keys[1], [])
        key = review_key(keys[0], basic_code)
        if key in decided:
            result = _reviewed(decided[key], top, context)
        else:
            result = _decide(keys, basic_code, _name_decision(keys, top, context), top, context)
        out["review_key"].append(key)
        for column, value in zip(list(out)[1:], result):
            out[column].append(value)
    result_frame = queries.copy()
    for column, values in out.items():
        result_frame[column] = values
    return result_frame


@dataclass
class _Context:
    codes: list
    names: list
    keys: list  # situation keys of the catalog
    code_index: dict
    indexes: list
    alias_index: dict
    guards: list
    settings: MatchSettings


def _fuzzy_top3(query_keys: list[str], catalog_keys: list[str], cutoff: float) -> dict[str, list[tuple[int, float]]]:
    if not query_keys or not catalog_keys:
        return {}
    blocker = BigramBlocker(catalog_keys)
    return {key: blocker.top3(key, cutoff) for key in query_keys}


def _name_decision(keys, top, ctx: _Context):
    """(code, method, score, evidence) from the name alone, or None.

    An ambiguous exact key (several catalog items) returns None: those go to people.
    """
    if not keys[2]:
        return None
    for level, index in enumerate(ctx.indexes):
        hits = index.get(keys[level])
        if hits:
            if len(hits) == 1:
                return ctx.codes[hits[0]], "name", 100.0, "名称与目录事项名称一致"
            return None
    for key in (keys[1], keys[2]):
        if key in ctx.alias_index:
            code, method = ctx.alias_index[key]
            word = "人工确认的" if method == "reviewed" else "登记的"
            return code, method, 100.0, f"名称是{word}别名"
    if top:
        best_i, best = top[0]
        runner = next((s for i, s in top[1:] if ctx.codes[i] != ctx.codes[best_i]), 0.0)
        settings = ctx.settings
        if (best >= settings.auto_accept_score and best - runner >= settings.auto_accept_margin
                and guard_signature(keys[1]) == ctx.guards[best_i]):
            return ctx.codes[best_i], "fuzzy", best, f"名称近似（相似度{best:.0f}，领先次优{best - runner:.0f}）"
    return None


def _decide(keys, basic_code, by_name, top, ctx: _Context):
    codes, names, code_index = ctx.codes, ctx.names, ctx.code_index
    candidates = [[codes[i], s] for i, s in top]
    runner_code, runner_score = _runner_up(by_name[0] if by_name else None, top, codes)
    if basic_code and basic_code in code_index:
        i = code_index[basic_code]
        agreement = float(fuzz.ratio(keys[1], ctx.keys[i])) if keys[2] else 100.0
        if by_name and by_name[0] != basic_code and by_name[1] in ("name", "alias", "reviewed"):
            other = names[code_index[by_name[0]]] if by_name[0] in code_index else by_name[0]
            evidence = f"编码指向'{names[i]}'，名称指向'{other}'"
            cands = _with_first([[basic_code, agreement], [by_name[0], 100.0]], candidates)
            return None, "review", agreement, by_name[0], 100.0, json.dumps(cands, ensure_ascii=False), evidence
        if (by_name and by_name[0] == basic_code) or agreement >= ctx.settings.code_name_agreement:
            evidence = "编码与目录一致" + (f"，名称相似度{agreement:.0f}" if keys[2] else "，未填名称")
            runner_code, runner_score = _runner_up(basic_code, top, codes)  # never the accepted code itself
            return basic_code, "code", 100.0, runner_code, runner_score, json.dumps(candidates), evidence
        cands = _with_first([[basic_code, agreement]], candidates)
        evidence = f"编码指向'{names[i]}'，但名称相似度仅{agreement:.0f}"
        return None, "review", agreement, runner_code, runner_score, json.dumps(cands, ensure_ascii=False), evidence
    if by_name:
        code, method, score, evidence = by_name
        if basic_code:
            evidence += "；报送编码不在目录中"
        return code, method, score, runner_code, runner_score, json.dumps(candidates), evidence
    if candidates:
        best_code, best = candidates[0]
        evidence = f"名称与'{names[code_index[best_code]]}'相似度{best:.0f}，需人工确认"
        return None, "review", best, runner_code, runner_score, json.dumps(candidates), evidence
    evidence = "目录中没有相近事项，可能是新事项" if keys[2] else "名称和编码均未填写"
    return None, "none", 0.0, None, None, "[]", evidence


def _reviewed(decision: tuple[str, str | None], top, ctx: _Context):
    kind, code = decision
    candidates = json.dumps([[ctx.codes[i], s] for i, s in top])
    if kind == "code" and code in ctx.code_index:
        runner_code, runner_score = _runner_up(code, top, ctx.codes)
        return (code, "reviewed", 100.0, runner_code, runner_score, candidates,
                f"人工核对确认为'{ctx.names[ctx.code_index[code]]}'")
    if kind == "code":  # the catalog no longer has the code people chose: ask again
        return None, "review", 0.0, None, None, candidates, f"人工确认的编码{code}已不在目录中，需重新核对"
    return None, "none", 0.0, None, None, candidates, DECISION_EVIDENCE[kind]


def _runner_up(accepted_code, top, codes):
    for i, score in top:
        if codes[i] != accepted_code:
            return codes[i], score
    return None, None


def _with_first(first, rest):
    seen, out = set(), []
    for code, score in first + rest:
        if code not in seen:
            seen.add(code)
            out.append([code, score])
    return out[:3]
