"""各区报送说明: the page given to the districts, generated from the reference data in use, so it
says exactly what the night accepts: where each 区(市) puts its files (inbox folder names from
districts.csv, its towns from towns.csv), which file types, which header words per column
(header_synonyms.csv), the required elements, the accepted values of each vocabulary column
(vocabularies.csv) and the 填报模板 option.

One self-contained HTML page: no scripts, nothing fetched, inline CSS, so it opens from a shared
folder or an e-mail attachment, and prints.
"""

import os
from html import escape
from pathlib import Path

from transforms.fields import LABELS, REQUIRED_FIELDS, SUBMISSION_FIELDS
from transforms.ingest import SKIPPED_SHEET_WORDS
from transforms.readers import ACCEPTED_SUFFIXES, ReadLimits
from transforms.sites import TOWN_SUFFIXES
from warehouse.reference import Reference, read_seed
from warehouse.reports.template_guide import vocabulary_spellings

GUIDE_FILE = "各区报送说明.html"
# The vocabularies reading looks values up in (warehouse/build.py), and the column each one fills.
# 是否收费, 网上可办 and 帮办代办 are read by transforms/fees.py and transforms/flags.py, not by a vocabulary.
VOCABULARY_COLUMNS = (("item_type", "item_type"), ("exercise_level", "exercise_levels"),
                      ("handling_type", "handling_type"), ("site_level", "site_level"))
VOCABULARY_NOTES = {
    "exercise_levels": "可填多个，用逗号、分号或顿号分隔，如'县级,镇（乡、街道）级'。",
    "site_level": "可不填：没有这一列时，按站点判断层级（有村(社区)的为村(社区)级）。",
}
CSS = """
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:24px auto;max-width:1100px;
color:#222;line-height:1.6;padding:0 16px}
h1{font-size:24px} h2{font-size:19px;margin-top:32px;border-bottom:2px solid #2f5597;padding-bottom:4px}
h3{font-size:16px;margin-top:20px}
table{border-collapse:collapse;margin:8px 0;font-size:14px;width:100%} th,td{border:1px solid #bbb;padding:4px 8px;
text-align:left;vertical-align:top} th{background:#ddebf7} td:first-child,th:first-child{white-space:nowrap}
.required{color:#b00000;font-weight:bold}
code{background:#f2f2f2;padding:0 3px}
.word{display:inline-block;border:1px solid #c8c8c8;border-radius:3px;padding:0 5px;margin:2px 1px;background:#fafafa}
@media print{body{margin:0;max-width:none} h2{break-after:avoid} tr{break-inside:avoid}}
"""


def write_district_guide(out_dir: Path, reference: Reference) -> Path:
    """Write OUT_DIR/各区报送说明.html from the reference data (renamed into place when complete)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / GUIDE_FILE
    partial = out_dir / f".{GUIDE_FILE}.tmp"
    partial.write_text(district_guide_html(reference), encoding="utf-8")
    os.replace(partial, path)
    return path


def district_guide_html(reference: Reference) -> str:
    sections = [
        "<h1>便民服务事项清单 各区(市)报送说明</h1>",
        "<p>本说明告诉各区(市)：报送什么、文件放在哪里、用什么文件格式、表头怎样写、哪些要素必须填写、"
        "各要素可以填写哪些值。本页由系统按正在使用的参考数据生成，参考数据更新后本页随之更新，"
        "这里列出的写法系统都能识别。</p>",
        *_what_to_send(),
        *_where(reference),
        *_file_types(),
        *_columns(reference),
        *_sites(),
        *_values(reference),
        *_templates(),
        *_after(),
    ]
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>各区(市)报送说明</title><style>{CSS}</style></head>"
            f"<body><main>{''.join(sections)}</main></body></html>")


def header_words(reference: Reference) -> list[tuple[str, str, list[str]]]:
    """(field, column label, every header word written for it) from header_synonyms.csv as the
    reference data in use writes it, in the order of the submission's columns."""
    path = reference.files.get("header_synonyms.csv")
    words: dict[str, list[str]] = {}
    standard: dict[str, str] = {}
    for row in read_seed("header_synonyms.csv", path.parent if path else None):
        field, word = row.get("字段", ""), row.get("同义列名", "")
        if not (field and word):
            continue
        standard.setdefault(field, row.get("标准列名") or field)
        found = words.setdefault(field, [])
        if word not in found:
            found.append(word)
    order = [f.name for f in SUBMISSION_FIELDS if f.name in words] + [f for f in words if f not in LABELS]
    return [(field, LABELS.get(field) or standard[field], words[field]) for field in order]


def _table(head: list[str], rows: list[list], caption: str, classes: tuple[str, ...] = ()) -> str:
    """A table of texts, escaped here; a cell given as a list of words shows each word as a chip.
    classes: the CSS class of each column's cells ('' for none)."""
    cells = "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
    body = []
    for row in rows:
        tds = []
        for column, value in enumerate(row):
            css = classes[column] if column < len(classes) else ""
            tds.append(f'<td class="{css}">' if css else "<td>")
            tds.append(f"{_cell(value)}</td>")
        body.append(f"<tr>{''.join(tds)}</tr>")
    return (f"<table><caption>{escape(caption)}</caption><thead><tr>{cells}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def _cell(value: str | list[str]) -> str:
    if isinstance(value, list):  # words that may hold 、 themselves (县（市、区）级): one chip each
        return " ".join(f'<span class="word">{escape(word)}</span>' for word in value)
    return escape(value)


def _what_to_send() -> list[str]:
    return [
        "<h2>一、报送什么</h2>",
        "<p>本区(市)各镇(街道)便民服务中心、各村(社区)便民服务站和便民服务点开展的便民服务事项：每个站点开展的每个事项一行，"
        "写明它的要素（见第四部分）和它所在的镇(街道)、村(社区)（见第五部分）。</p>",
        "<p>文件怎样分都可以：全区一个文件，或每个镇(街道)一个文件；一张工作表一个层级、一个镇(街道)或一个村(社区)都可以。"
        "表格上方可以有标题行，表头可以占两行（如'办理时限'下分'法定'和'承诺'），列的顺序不限，表格下方的空行、备注、填表人等会被跳过。"
        "表中多出的列会保留，不影响读取。</p>",
    ]


def _where(reference: Reference) -> list[str]:
    rows = []
    for name in reference.district_codes:
        aliases = [spelling for spelling, standard in reference.districts.items()
                   if standard == name and spelling != name]
        rows.append([name, [name, *aliases], reference.towns.get(name, [])])
    district = next(iter(reference.district_codes), "区(市)名")
    town = next((towns[0] for towns in reference.towns.values() if towns), "沙子口街道")
    short = next((town.removesuffix(suffix) for suffix in TOWN_SUFFIXES
                  if town.endswith(suffix) and len(town) > len(suffix) + 1), town)  # as transforms/sites.py reads it
    return [
        "<h2>二、文件放在哪里</h2>",
        f"<p>报送文件放进收件箱（inbox）里本区(市)的文件夹，如 <code>inbox/{escape(district)}/</code>。文件夹名用下表中的任一名称；"
        "下面可以再建子文件夹（如每个镇(街道)一个）。文件夹名不是表中的名称时，系统不知道它属于哪个区(市)，会提醒市局核对。</p>",
        "<ul><li>系统每晚读取收件箱，只重新读取新增或改动过的文件。</li>"
        "<li>修改后的文件请用<strong>同一个文件名</strong>替换原文件；换了文件名，原文件仍会被读取，事项会重复。</li>"
        "<li>从收件箱删除的文件，它的事项随之删除；但整个文件夹被清空时，保留本区(市)上次的事项（以防误删）。</li>"
        "<li>文件无法读取时，保留它上一次能读取的内容，并在报告中说明。</li></ul>",
        _table(["区(市)", "文件夹名（任选其一）", "镇(街道)"], rows, "各区(市)的文件夹名和镇(街道)"),
        f"<p>表中的镇(街道)是系统认识的名称；写简称也可以（如写'{escape(short)}'或'{escape(town)}便民服务中心'，"
        f"都认作{escape(town)}）。"
        "表中没有的镇(街道)仍会读取，并在报告中提醒核对。</p>",
    ]


def _file_types() -> list[str]:
    limits = ReadLimits()
    skipped = "、".join(f"'{word}'" for word in SKIPPED_SHEET_WORDS)
    return [
        "<h2>三、文件格式</h2>",
        f"<p>可以报送的文件：{escape('、'.join(ACCEPTED_SUFFIXES))}。其他格式（如 .doc、.pdf、.et、压缩包）不会读取，"
        "会在报告中指出。</p>",
        "<ul><li>Excel、WPS 表格保存的 .xlsx、.xls 都可以；一个文件可以有多张工作表。</li>"
        "<li>.csv、.tsv、.txt 文本文件的编码（UTF-8、GBK 等）和分隔符会自动识别。</li>"
        f"<li>文件不能设置打开密码，大小不超过 {limits.max_bytes // 2**20} MB。</li>"
        f"<li>工作表名称中含有 {escape(skipped)} 的工作表不读取，请不要把事项清单放在这样命名的工作表里。</li></ul>",
    ]


def _columns(reference: Reference) -> list[str]:
    rows = []
    for field, label, words in header_words(reference):
        rows.append([label, "必填" if field in REQUIRED_FIELDS else "", words])
    required = "、".join(LABELS[f] for f in REQUIRED_FIELDS)
    return [
        "<h2>四、表头和必填要素</h2>",
        f"<p><strong>必须填写的要素</strong>：{escape(required)}。缺少其中一列时，报告会指出缺少的列；某一行没有填写时，"
        "报告会指出这一行。</p>",
        "<p>每一列的表头写成下表'可用的表头'中的任一写法即可。表头里的空格、换行和标点不影响识别，"
        "表头后括号里的补充说明（如'事项名称（必填）'）也不影响识别。表头不认识的列，系统会按列中的内容判断，"
        "并在报告中提醒核对。需要增加新的写法，请告诉市局，加入参考数据后即可识别。</p>",
        _table(["要素", "是否必填", "可用的表头"], rows, "每个要素可用的表头写法", ("", "required")),
    ]


def _sites() -> list[str]:
    return [
        "<h2>五、写明每个事项所在的站点</h2>",
        "<p>系统要知道每一行是哪个镇(街道)、哪个村(社区)的事项，按以下顺序查找，找到即可：</p>",
        "<ol><li>这一行的'镇(街道)'、'村(社区)'列，或一列'服务站点'（如'沙子口街道便民服务中心'、'东麦窑社区便民服务站'）；</li>"
        "<li>表格中事项上方的分段标题行（如'二、河坝村便民服务站（共62项）'），或表头上方的标题（如'西青坡村便民服务事项清单'）；</li>"
        "<li>工作表名称（如每个村(社区)一张工作表）；</li>"
        "<li>文件名和文件夹名（如 沙子口街道/东麦窑社区.xlsx）。</li></ol>",
        "<p>镇(街道)一级的事项，村(社区)一栏空着，或填'/'、'—'或'无'。便民服务点（如'和港社区邮政便民服务点'）按一个站点填写。"
        "哪里都没有写明镇(街道)的行无法归属，会作为错误列入报告。</p>",
    ]


def _values(reference: Reference) -> list[str]:
    sections = [
        "<h2>六、要素的规范值</h2>",
        "<p>下列要素请填写标准名称，或'也可写作'中的任一写法（代码也可以）；系统会统一成标准名称。"
        "全角、半角括号不影响识别。</p>",
    ]
    for vocabulary, field in VOCABULARY_COLUMNS:
        rows = [[code, label, spellings] for code, label, spellings in vocabulary_spellings(reference, vocabulary)]
        if not rows:
            continue
        sections.append(f"<h3>{escape(LABELS[field])}</h3>")
        if field in VOCABULARY_NOTES:
            sections.append(f"<p>{escape(VOCABULARY_NOTES[field])}</p>")
        sections.append(_table(["代码", "标准名称", "也可写作"], rows, f"{LABELS[field]}的规范值"))
    sections += [
        "<h3>是否收费、网上可办、帮办代办</h3>",
        "<p>填写'是'或'否'。是否收费也可以写'免费'、'不收费'，或写明收费金额（如'工本费20元'），收费的请填写收费依据。</p>",
        "<h3>法定办结时限、承诺办结时限</h3>",
        "<p>写明天数和单位，如'20个工作日'、'5个工作日'；当场办结的写'即办'；没有法定时限的写'无'。"
        "承诺时限不能长于法定时限。</p>",
    ]
    return sections


def _templates() -> list[str]:
    return [
        "<h2>七、也可以使用填报模板</h2>",
        "<p>不必从头制表：市局可以为每个镇(街道)生成一个填报模板（文件名为'镇(街道)名_填报模板.xlsx'），"
        "每个站点一张工作表，已按最新发布的指导目录清单列出本层级的全部事项，目录要素已填好并锁定，"
        "上次报送的情况已预先标出。站点只需在'是否开展'中选择'是'或'否'，填写网上可办、帮办代办、办理窗口和备注；"
        "目录中没有的事项填在工作表下方的'新增事项'中。模板的'填报说明'工作表列有各列的填法和规范值。</p>",
        "<p>模板每晚随清单发布自动更新，放在发布文件夹的 <code>templates/区(市)名/</code> 下，"
        "本区(市)的一次告知报告中有链接。填好后把整个文件放进收件箱本区(市)的文件夹即可。"
        "请不要修改工作表名称、表头和隐藏的工作表：系统据此准确识别每个站点。</p>",
    ]


def _after() -> list[str]:
    return [
        "<h2>八、报送之后</h2>",
        "<p>每次读取后，每个区(市)都有一份<strong>一次告知报告</strong>（'区(市)名_一次告知.xlsx'和同名网页），"
        "一次列出全部问题：哪个文件、哪一行、哪个要素、怎样修改。请一次性改完后重新报送。</p>",
        "<p>有问题的文件还有一份<strong>修正稿</strong>（在'区(市)名_修正稿'文件夹中，文件名以'_修正稿.xlsx'结尾）："
        "按目录能确定的单元格已经改好，标黄并加批注说明原值；其他问题单元格加了批注。"
        "核对修正稿后，可以用它替换原文件重新报送（请删除原文件，或把修正稿改成原文件名，以免事项重复）。</p>",
    ]
