"""Load the staff-edited reference data in warehouse/seeds/ (UTF-8 csv, Chinese headers)."""

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from transforms.codes import DEFAULT_PATTERNS, CodePatterns
from transforms.communities import CommunityList, community_lists, list_problems, site_problems
from transforms.headers import build_synonym_index
from transforms.noise_words import KINDS as NOISE_KINDS
from transforms.noise_words import NO_NOISE_WORDS, NoiseWords
from transforms.vocab import Vocabulary

SEEDS_DIR = Path(__file__).parent / "seeds"
CATALOG_SEED = SEEDS_DIR / "catalog.csv"
# The files of a reference folder (`mulu init DIR`); each one found there replaces the bundled one.
REFERENCE_FILES = ("districts.csv", "towns.csv", "communities.csv", "sites.csv", "aliases.csv", "header_synonyms.csv",
                   "vocabularies.csv", "code_patterns.csv", "noise_words.csv")
SITE_FIELDS = {"站点名称": "site_name", "类型": "kind", "区市名称": "district", "镇街名称": "town", "村社区名称": "community",
               "合作单位": "partner", "地址": "address", "联系电话": "phone", "办公时间": "hours", "窗口": "windows"}
CATALOG_NAMES = ("catalog.csv", "catalog.xlsx", "catalog.xls", "目录.csv", "目录.xlsx", "目录.xls")


class ReferenceError(Exception):
    """Reference data that cannot be used; lists every problem at once."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Reference:
    synonyms: dict[str, str]  # header_key(synonym) -> field
    vocabulary: Vocabulary
    districts: dict[str, str]  # any spelling of a district (name or alias) -> standard name
    district_codes: dict[str, str]  # standard name -> 区划代码
    towns: dict[str, list[str]]  # district -> town names
    communities: dict[str, CommunityList]  # district -> its listed 村(社区) by town (communities.csv)
    aliases: list[dict]  # alias, catalog_code, source, decided_by, decided_at
    code_patterns: CodePatterns = DEFAULT_PATTERNS  # accepted code formats (code_patterns.csv)
    # The service places (sites.csv): 中心, 站 and 点 with their address, phone, hours and windows.
    sites: list[dict] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)  # file name -> the file used (bundled or the folder's)
    # The reference data's own problems (communities.csv): staff's findings, never a refusal.
    findings: list[dict] = field(default_factory=list)
    # Words of a name that say only where, by whom or how (noise_words.csv): transforms/noise_words.py.
    noise_words: NoiseWords = NO_NOISE_WORDS


def reference_file(name: str, folder: Path | None) -> Path:
    """The folder's copy of a reference file when it has one, else the bundled seed."""
    if folder is not None and (Path(folder) / name).is_file():
        return Path(folder) / name
    return SEEDS_DIR / name


def catalog_path(catalog: Path | None, folder: Path | None) -> Path:
    """--catalog when given, else a catalog in the reference folder, else the bundled one."""
    if catalog is not None:
        return Path(catalog)
    for name in CATALOG_NAMES if folder is not None else ():
        if (Path(folder) / name).is_file():
            return Path(folder) / name
    return CATALOG_SEED


def init_reference(folder: Path) -> tuple[list[Path], list[Path]]:
    """Copy the bundled reference files into a folder staff edit; files already there are kept.
    Returns (written, kept)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written, kept = [], []
    for name in REFERENCE_FILES:
        target = folder / name
        if target.exists():
            kept.append(target)
        else:
            target.write_bytes((SEEDS_DIR / name).read_bytes())
            written.append(target)
    return written, kept


def read_seed(name: str, seeds_dir: Path | None = SEEDS_DIR) -> list[dict]:
    text = reference_file(name, seeds_dir).read_text(encoding="utf-8-sig")
    return [
        {k.strip(): (v or "").strip() for k, v in row.items() if k}
        for row in csv.DictReader(io.StringIO(text))
    ]


def load_reference(seeds_dir: Path | None = None) -> Reference:
    """The reference data: each file from `seeds_dir` (a reference folder) when it has it, else the
    bundled one. Raises ReferenceError listing every problem at once."""
    problems: list[str] = []
    if seeds_dir is not None and not Path(seeds_dir).is_dir():
        raise ReferenceError([f"参考数据文件夹不存在：{seeds_dir}"])

    def rows(name, required):
        try:
            found = read_seed(name, seeds_dir)
        except FileNotFoundError:
            problems.append(f"缺少参考数据文件 {reference_file(name, seeds_dir)}")
            return []
        except UnicodeDecodeError:  # saved from Excel/WPS as a plain 'CSV', which is GBK on Chinese Windows
            problems.append(f"{reference_file(name, seeds_dir)} 不是 UTF-8 编码：请在 Excel/WPS 中另存为'CSV UTF-8（逗号分隔）'")
            return []
        missing = [c for c in required if found and c not in found[0]]
        if missing:
            problems.append(f"{name} 缺少列：{'、'.join(missing)}")
            return []
        return found

    synonym_rows = rows("header_synonyms.csv", ["字段", "同义列名"])
    vocab_rows = rows("vocabularies.csv", ["词表", "代码", "标准名称", "写法"])
    district_rows = rows("districts.csv", ["区划代码", "区市名称"])
    town_rows = rows("towns.csv", ["区市名称", "镇街名称"])
    community_rows = rows("communities.csv", ["区市名称", "镇街名称", "村社区名称"])
    site_rows = rows("sites.csv", ["站点名称", "类型", "区市名称", "镇街名称"])
    alias_rows = rows("aliases.csv", ["别名", "事项编码"])
    noise_rows = rows("noise_words.csv", ["类型", "写法"])
    problems += [f"noise_words.csv 第{n}个数据行：类型只能是{'、'.join(NOISE_KINDS)}（写的是'{row['类型']}'）"
                 for n, row in enumerate(noise_rows, start=1) if row["类型"] not in NOISE_KINDS]
    code_patterns = _code_patterns(seeds_dir, problems)
    vocabulary = _vocabulary(vocab_rows, problems)
    if problems:
        raise ReferenceError(problems)

    districts, district_codes = {}, {}
    for row in district_rows:
        name = row["区市名称"]
        district_codes[name] = row["区划代码"]
        districts[name] = name
        for alias in filter(None, (a.strip() for a in re.split("[;；、,，/]", row.get("别名", "")))):
            districts[alias] = name
    towns: dict[str, list[str]] = {}
    for row in town_rows:
        towns.setdefault(row["区市名称"], []).append(row["镇街名称"])
    return Reference(
        synonyms=build_synonym_index((r["字段"], r["同义列名"]) for r in synonym_rows),
        vocabulary=vocabulary,
        districts=districts,
        district_codes=district_codes,
        towns=towns,
        communities=community_lists(community_rows),
        aliases=[
            {"alias": r["别名"], "catalog_code": r["事项编码"], "source": r.get("来源", ""),
             "decided_by": r.get("登记人", ""), "decided_at": r.get("登记时间", "")}
            for r in alias_rows
        ],
        code_patterns=code_patterns,
        files={name: reference_file(name, seeds_dir) for name in REFERENCE_FILES},
        sites=[{field: row.get(header, "") for header, field in SITE_FIELDS.items()} for row in site_rows],
        findings=list_problems(community_rows, towns) + site_problems(site_rows, towns),
        noise_words=NoiseWords.from_rows(noise_rows),
    )


def _vocabulary(rows: list[dict], problems: list[str]) -> Vocabulary | None:
    """vocabularies.csv as lookups; a spelling meaning two codes, or a row without 词表, 代码 or
    标准名称, is a problem of the reference data (listed with the others), not a fault of the program."""
    try:
        return Vocabulary.from_rows(
            {"vocabulary": r["词表"], "code": r["代码"], "label": r["标准名称"], "spelling": r["写法"]} for r in rows)
    except ValueError as error:
        problems.append(f"vocabularies.csv 有写法冲突或缺项的行（row n 为第 n 个数据行）：{error}")
        return None


def _code_patterns(seeds_dir: Path, problems: list[str]) -> CodePatterns:
    """code_patterns.csv (类型 basic/restorable/local, 正则); the built-in patterns when absent."""
    if not reference_file("code_patterns.csv", seeds_dir).exists():
        return DEFAULT_PATTERNS
    rows = read_seed("code_patterns.csv", seeds_dir)
    by_kind: dict[str, list[str]] = {}
    for row in rows:
        by_kind.setdefault(row.get("类型", ""), []).append(row.get("正则", ""))
    unknown = sorted(set(by_kind) - {"basic", "restorable", "local"})
    if unknown or len(by_kind.get("basic", [])) > 1 or len(by_kind.get("restorable", [])) > 1:
        problems.append("code_patterns.csv：类型只能是 basic（至多一行）、restorable（至多一行）或 local")
        return DEFAULT_PATTERNS
    try:
        return CodePatterns.from_strings(
            basic=(by_kind.get("basic") or [DEFAULT_PATTERNS.basic.pattern])[0],
            restorable=(by_kind.get("restorable") or [DEFAULT_PATTERNS.restorable.pattern])[0],
            local=by_kind.get("local", []),
        )
    except ValueError as error:
        problems.append(f"code_patterns.csv：正则有误：{error}")
        return DEFAULT_PATTERNS
