"""Rules people's answers made (transforms/learned_noise.py), in core.noise_rules: each with the
answers behind it, who gave them and when; retired by an answer against it or by staff.

Every `mulu review import` brings the rules up to date: a word that RULE_ANSWERS answers agree on
(and none contradicts) becomes a rule; an active rule an answer now contradicts is retired, and the
next night (people's answers are part of every night's context: warehouse/increments.py) matches
again without it, so the names it decided go back to review. A retired or removed rule is never made
again from the same words: staff remove one with `mulu review rules --remove WORD`.
"""

from datetime import datetime

import duckdb
import pandas as pd

from transforms.catalog_index import CatalogIndex
from transforms.learned_noise import RULE_ANSWERS, Answer, Word, evidence_for_words, rules_from_answers
from transforms.matching import catalog_index
from transforms.name_identity import identity_of_name
from warehouse.reference import Reference

RULE_COLUMNS = ["kind", "word", "answers", "examples", "decided_by", "created_at", "retired_at", "retired_by",
                "retired_because"]
EXAMPLES = 3  # names answered shown with a rule


def active_rules(con: duckdb.DuckDBPyConnection) -> list[Word]:
    """The rules in force, for matching."""
    return [Word(kind, word) for kind, word in con.execute(
        "SELECT kind, word FROM core.noise_rules WHERE retired_at IS NULL ORDER BY kind, word").fetchall()]


def rules_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every rule, in force first, as people read them (the staff report's 名称规则 sheet)."""
    return con.sql("""
        SELECT CASE kind WHEN 'bracket' THEN '括号' WHEN 'prefix' THEN '前缀' ELSE '后缀' END AS 类型, word AS 词,
               CASE WHEN retired_at IS NULL THEN '生效' ELSE '已停用' END AS 状态, answers AS 依据的核对数,
               examples AS 核对过的名称, decided_by AS 核对人, created_at AS 生成时间, retired_at AS 停用时间,
               retired_by AS 停用人, retired_because AS 停用原因
        FROM core.noise_rules ORDER BY retired_at IS NOT NULL, kind, word""").df()


def _answers(con: duckdb.DuckDBPyConnection, index: CatalogIndex) -> list[Answer]:
    rows = con.execute("SELECT raw_name, decision, catalog_code, decided_by, decided_at FROM core.review_decisions "
                       "WHERE raw_name IS NOT NULL ORDER BY decided_at").fetchall()
    return [Answer(name, index.noise.reclassify(identity_of_name(name)), decision, index.position.get(code),
                   decided_by, decided_at) for name, decision, code, decided_by, decided_at in rows]


def update_rules(con: duckdb.DuckDBPyConnection, catalog: pd.DataFrame, reference: Reference,
                 threshold: int = RULE_ANSWERS, now: datetime | None = None) -> dict[str, list[Word]]:
    """Make the rules people's answers now support and retire those an answer contradicts (inside
    the caller's transaction); returns {"made": [...], "retired": [...]}. catalog: as
    warehouse/build.py's catalog_for_matching gives it."""
    now = now or datetime.now()
    index = catalog_index(catalog, reference.noise_words)  # the words of the reference data, not the rules
    answers = _answers(con, index)
    known = {(kind, word): retired for kind, word, retired in con.execute(
        "SELECT kind, word, retired_at IS NOT NULL FROM core.noise_rules").fetchall()}
    evidence = evidence_for_words(answers, index)
    retired = []
    for word in active_rules(con):
        against = evidence.get(word)
        if against is None or not against.against:
            continue
        answer = against.against[-1]
        chosen = {"new_item": "新事项", "not_item": "不是事项"}.get(answer.decision, f"编码{answer.item}")
        if answer.decision == "code" and answer.item is not None:
            chosen = f"'{index.names[answer.item]}'"
        con.execute("UPDATE core.noise_rules SET retired_at = ?, retired_by = ?, retired_because = ? "
                    "WHERE kind = ? AND word = ?",
                    [now, answer.decided_by, f"'{answer.name}'核对为{chosen}，与规则相反", word.kind, word.word])
        retired.append(word)
    made = []
    for word, support in rules_from_answers(answers, index, threshold).items():
        if (word.kind, word.word) in known:
            continue  # in force already, or retired: never made again from the same words
        names = list(dict.fromkeys(a.name for a in support.agreeing))
        con.execute("INSERT INTO core.noise_rules VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, NULL)",
                    [word.kind, word.word, len(support.agreeing), "；".join(names[:EXAMPLES]),
                     "、".join(dict.fromkeys(a.decided_by for a in support.agreeing)), now])
        made.append(word)
    return {"made": made, "retired": retired}


def remove_rule(con: duckdb.DuckDBPyConnection, word: str, by: str, now: datetime | None = None) -> list[Word]:
    """Staff retire the rules of a word (any kind); returns those retired (none: no such rule in force)."""
    found = [w for w in active_rules(con) if w.word == word]
    con.execute("UPDATE core.noise_rules SET retired_at = ?, retired_by = ?, retired_because = '人工删除' "
                "WHERE word = ? AND retired_at IS NULL", [now or datetime.now(), by, word])
    return found
