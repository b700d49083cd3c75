"""The docs tell the truth about the code: docs/views.md documents every column of every view, README's
quick start is `make demo` and `make test`, README's layout map names every room of warehouse/ and
sorts every module into exactly one of them, every relative link of the docs resolves, and every CLI
command has help with an example."""

import ast
import re
from pathlib import Path

import pytest

from flows.cli import COMMANDS, _parser
from warehouse.db import connect

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
VIEWS_DOC = (ROOT / "docs" / "views.md").read_text(encoding="utf-8")
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
VIEWS = ["submissions", "site_items", "review_queue", "findings", "catalog_findings", "catalog", "catalog_versions",
         "catalog_changes", "runs", "site_coverage"]
# the kinds of file a room of warehouse/ holds: its code and the data it ships
ROOM_FILES = {".py", ".sql", ".csv", ".js", ".css"}


def _section(view: str) -> str:
    """The docs/views.md text that documents a view: its own section, or its rows of the shared table."""
    match = re.search(rf"^### `{view}`.*?(?=^### |^## |\Z)", VIEWS_DOC, re.S | re.M)
    if match:
        return match.group(0)
    rows, current = [], None
    for line in VIEWS_DOC.splitlines():
        cell = re.match(r"\| `(\w+)` \|", line)
        if cell:
            current = cell.group(1)
        if current == view and line.startswith("|"):
            rows.append(line)
    return "\n".join(rows)


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_column_is_documented(view):
    con = connect()
    columns = [row[0] for row in con.sql(f"DESCRIBE {view}").fetchall()]
    text = _section(view)
    missing = [c for c in columns if f"`{c}`" not in text]
    assert text and not missing, f"docs/views.md does not document {view}: {missing}"


def test_readme_quick_start_is_make_demo_and_make_test():
    quick_start = README.split("## Quick start", 1)[1].split("##", 1)[0]
    assert "make demo" in quick_start and "make test" in quick_start


def _layout_map() -> dict[str, str]:
    """README's layout map: the table headed `| room | holds |`, room (`warehouse/files/`) → what it holds."""
    table = README.split("| room | holds |", 1)[1].split("\n\n", 1)[0]
    rooms = {}
    for line in table.splitlines():
        row = re.match(r"\| `([\w./-]+/)` \| (.*) \|$", line)
        if row:
            rooms[row.group(1)] = row.group(2)
    return rooms


def _warehouse_rooms() -> list[str]:
    """warehouse/ and every folder under it that holds code or shipped data (not caches, not pictures)."""
    folders = {ROOT / "warehouse"} | {
        path.parent for path in (ROOT / "warehouse").rglob("*")
        if path.suffix in ROOM_FILES and "__pycache__" not in path.parts}
    return sorted(f"{folder.relative_to(ROOT).as_posix()}/" for folder in folders)


def test_layout_map_names_every_room():
    rooms = _layout_map()
    assert {"flows/", "transforms/", "expectations/", "tests/", "docs/"} <= rooms.keys()
    missing = [room for room in _warehouse_rooms() if room not in rooms]
    assert not missing, f"README's layout map (| room | holds |) lacks rows for {missing}"


def _claims(text: str, module: str) -> bool:
    """Whether a room's text names the module as its own: bare `name.py`, not a path like warehouse/swap.py."""
    return re.search(rf"(?<![\w/.]){re.escape(module)}(?!\w)", text) is not None


def _room_text(room: str, rooms: dict[str, str]) -> str:
    """What says which modules a room holds: its row of README's layout map and its __init__ docstring."""
    init = ROOT / room / "__init__.py"
    doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) if init.exists() else None
    return rooms.get(room, "") + "\n" + (doc or "")


WAREHOUSE_MODULES = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "warehouse").rglob("*.py")
                           if path.name != "__init__.py" and "__pycache__" not in path.parts)


@pytest.mark.parametrize("module", WAREHOUSE_MODULES)
def test_every_warehouse_module_is_in_exactly_its_own_room(module):
    rooms = _layout_map()
    own = module.rsplit("/", 1)[0] + "/"
    name = module.rsplit("/", 1)[1]
    claiming = [room for room in _warehouse_rooms() if _claims(_room_text(room, rooms), name)]
    assert own in rooms, f"{module}: its room {own} has no row in README's layout map"
    assert claiming == [own], (f"{module} must be named (as {name}) by exactly its own room {own}, in README's layout "
                               f"map or the room's __init__.py docstring; named by {claiming or 'none'}")


def test_layout_map_names_no_module_that_is_not_there():
    rooms = _layout_map()
    stale = [f"{room}{name}" for room, text in rooms.items() if room.startswith("warehouse/")
             for name in re.findall(r"(?<![\w/.])(\w+\.(?:py|sql))(?!\w)", text) if not (ROOT / room / name).exists()]
    assert not stale, f"README's layout map names modules that are not in their room: {stale}"


def _without_code_blocks(text: str) -> str:
    return re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)


def _anchors(doc: Path) -> set[str]:
    """GitHub's anchors of a markdown file's headings: lower case, punctuation dropped, spaces → hyphens."""
    anchors, seen = set(), {}
    for heading in re.findall(r"^#{1,6} (.+)$", _without_code_blocks(doc.read_text(encoding="utf-8")), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        anchors.add(f"{slug}-{seen[slug]}" if slug in seen else slug)
        seen[slug] = seen.get(slug, 0) + 1
    return anchors


def _relative_links() -> list[tuple[Path, str]]:
    links = []
    for doc in DOCS:
        text = re.sub(r"`[^`\n]*`", "", _without_code_blocks(doc.read_text(encoding="utf-8")))
        for target in re.findall(r"!?\[[^\]]*\]\(([^)\s]+)\)", text):
            if not re.match(r"[a-z][a-z0-9+.-]*:", target):
                links.append((doc, target))
    return links


def test_docs_link_to_each_other():
    linked = {(doc.parent / target.split("#")[0]).resolve() for doc, target in _relative_links() if doc.name == "README.md"}
    unlinked = [doc.name for doc in DOCS[1:] if doc.resolve() not in linked]
    assert not unlinked, f"README does not link to {unlinked}"


def test_every_relative_link_resolves():
    broken = []
    for doc, target in _relative_links():
        path, _, anchor = target.partition("#")
        file = (doc.parent / path).resolve() if path else doc
        if not file.exists():
            broken.append(f"{doc.relative_to(ROOT)}: {target} (no such file)")
        elif anchor and file.suffix == ".md" and anchor not in _anchors(file):
            broken.append(f"{doc.relative_to(ROOT)}: {target} (no such heading)")
    assert not broken, "broken links:\n" + "\n".join(broken)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help_with_an_example(command, capsys):
    with pytest.raises(SystemExit):
        _parser().parse_args([command, "--help"])
    text = capsys.readouterr().out
    assert "example:" in text and f"mulu {command}" in text.replace("prefect server start", "")
