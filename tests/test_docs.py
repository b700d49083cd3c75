"""The README documents every column of every view, and every CLI command has help with an example."""

import re
from pathlib import Path

import pytest

from flows.cli import COMMANDS, _parser
from warehouse.db import connect

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
VIEWS = ["submissions", "site_items", "review_queue", "findings", "catalog_findings", "catalog", "catalog_versions",
         "catalog_changes", "runs"]


def _section(view: str) -> str:
    """The README text that documents a view: its own section, or its rows of the shared table."""
    match = re.search(rf"^### `{view}`.*?(?=^### |^## )", README, re.S | re.M)
    if match:
        return match.group(0)
    rows, current = [], None
    for line in README.splitlines():
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
    assert text and not missing, f"README does not document {view}: {missing}"


def test_readme_quick_start_is_make_demo_and_make_test():
    quick_start = README.split("## Quick start", 1)[1].split("##", 1)[0]
    assert "make demo" in quick_start and "make test" in quick_start


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help_with_an_example(command, capsys):
    with pytest.raises(SystemExit):
        _parser().parse_args([command, "--help"])
    text = capsys.readouterr().out
    assert "example:" in text and f"mulu {command}" in text.replace("prefect server start", "")
