"""The 操作手册 (docs/manual/) names only what exists: every `mulu <command> [options]` in its code
blocks and inline code is checked against the CLI's own parser (flows/cli.py `_parser`), as
tests/test_docs.py checks the English docs: the command, its first positional word where that is a
choice (review export|import, deploy systemd|nginx …) and every --option; an option named alone
(`--keep 14`) must be an option of some command. Every page is linked from the manual's index and
every relative link resolves."""

import argparse
import re
import shlex
from pathlib import Path

import pytest

from flows.cli import _parser
from tests.test_docs import _anchors, _without_code_blocks

ROOT = Path(__file__).parents[1]
MANUAL = ROOT / "docs" / "manual"
PAGES = sorted(MANUAL.glob("*.md"))
# A command line ends at these words; after them (and after sudo or env) a new program starts.
SEPARATORS = {"&&", "||", ";", "|", ">", ">>", "2>&1"}
STARTERS = SEPARATORS | {"sudo", "env"}
# What a bureau runs: the manual must show each of them.
BUREAU_COMMANDS = {"refresh", "serve", "check", "deploy", "init", "review", "templates", "site", "report", "backup",
                   "restore", "query"}


def subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


CODE_BLOCK = re.compile(r"^[ \t]*```[^\n]*\n(.*?)^[ \t]*```", re.S | re.M)  # indented too: a block in a list


def code_of(text: str) -> tuple[list[str], list[str]]:
    """The lines of a page's code blocks (a line ending in \\ joined with the next) and its inline code spans."""
    lines = []
    for block in CODE_BLOCK.findall(text):
        lines += block.replace("\\\n", " ").splitlines()
    spans = re.findall(r"`([^`\n]+)`", CODE_BLOCK.sub("", text))
    return lines, spans


def words_of(line: str) -> list[str]:
    try:
        return shlex.split(line, comments=True)
    except ValueError:  # an unbalanced quote in prose: plain words are enough to find the options
        return line.split()


def invocations(words: list[str]) -> list[list[str]]:
    """The words after each `mulu` program on a line, up to the end of its command: `.venv/bin/mulu`
    anywhere, a bare `mulu` where a program starts (not `--user mulu` or `sudo -u mulu`)."""
    found = []
    for i, word in enumerate(words):
        if word.endswith("bin/mulu") or (word == "mulu" and (i == 0 or words[i - 1] in STARTERS)):
            rest = words[i + 1:]
            end = next((n for n, w in enumerate(rest) if w in SEPARATORS), len(rest))
            found.append(rest[:end])
    return found


def invocation_problems(arguments: list[str], commands: dict[str, argparse.ArgumentParser]) -> list[str]:
    shown = " ".join(["mulu", *arguments])
    if arguments[0] not in commands:
        return [f"{shown}: mulu has no such command"]
    parser = commands[arguments[0]]
    rest = arguments[1:]
    problems = []
    choices = next((a.choices for a in parser._actions if not a.option_strings and a.choices), None)
    if choices and rest and not rest[0].startswith("-") and rest[0] not in choices:
        problems.append(f"{shown}: {rest[0]} is none of {sorted(choices)}")
    for word in rest:
        if word.startswith("--") and word.split("=")[0] not in parser._option_string_actions:
            problems.append(f"{shown}: mulu {arguments[0]} has no option {word.split('=')[0]}")
    return problems


def manual_problems(text: str, commands: dict[str, argparse.ArgumentParser]) -> tuple[list[str], set[str]]:
    """Every command and option of a page that the CLI lacks, and the commands the page names."""
    every_option = {o for p in commands.values() for o in p._option_string_actions if o.startswith("--")}
    lines, spans = code_of(text)
    problems, named = [], set()
    for line in lines + spans:
        for arguments in filter(None, invocations(words_of(line))):  # `.venv/bin/mulu` alone names the program
            problems += invocation_problems(arguments, commands)
            named.update(arguments[:1])
    for span in spans:
        option = span.split()[0].split("=")[0]
        if option.startswith("--") and option not in every_option:
            problems.append(f"`{span}`: no mulu command has the option {option}")
    return problems, named


def test_the_manual_names_only_commands_and_options_that_exist():
    commands = subcommands()
    problems, named = [], set()
    for page in PAGES:
        found, names = manual_problems(page.read_text(encoding="utf-8"), commands)
        problems += [f"{page.relative_to(ROOT)}: {p}" for p in found]
        named |= names
    assert not problems, "the manual names what mulu lacks:\n" + "\n".join(problems)
    assert BUREAU_COMMANDS <= named, f"the manual never shows {sorted(BUREAU_COMMANDS - named)}"


@pytest.mark.parametrize("text, wrong", [
    ("```sh\ncd /opt/mulu\nsudo -u mulu .venv/bin/mulu backup --to /b --keepp 3\n```", "has no option --keepp"),
    ("```cron\n0 2 * * * cd /srv/mulu && /opt/mulu/.venv/bin/mulu refresh \\\n    --inbox in --dask local\n```",
     "has no option --dask"),
    ("1. 导出：\n\n   ```sh\n   .venv/bin/mulu review export x.xlsx --force\n   ```\n", "has no option --force"),
    ("用 `mulu serve --backup-to /b --backup-kept 7` 备份", "has no option --backup-kept"),
    ("运行 `mulu reveiw export`", "has no such command"),
    ("运行 `mulu review exprot 待核对事项.xlsx`", "is none of"),
    ("| `--keep-last 14` | 保留 |", "no mulu command has the option --keep-last"),
], ids=["option in a code block", "option on a continued cron line", "option in a list's code block", "option inline",
        "command inline", "choice inline", "option alone"])
def test_a_name_the_cli_lacks_is_caught(text, wrong):
    problems, _ = manual_problems(text, subcommands())
    assert len(problems) == 1 and wrong in problems[0], problems


def test_words_that_are_not_the_program_are_not_taken_for_it():
    text = ("```sh\nsudo useradd --system --home-dir /srv/mulu --shell /usr/sbin/nologin mulu\n"
            "sudo crontab -u mulu -e\nsudo .venv/bin/mulu deploy systemd --root /srv/mulu --user mulu --out /etc\n```")
    assert manual_problems(text, subcommands()) == ([], {"deploy"})


def _links(page: Path) -> list[str]:
    text = re.sub(r"`[^`\n]*`", "", _without_code_blocks(page.read_text(encoding="utf-8")))
    return [t for t in re.findall(r"!?\[[^\]]*\]\(([^)\s]+)\)", text) if not re.match(r"[a-z][a-z0-9+.-]*:", t)]


def test_every_page_is_in_the_index_and_every_link_resolves():
    index = MANUAL / "README.md"
    linked = {(MANUAL / target.split("#")[0]).resolve() for target in _links(index)}
    assert [p.name for p in PAGES if p != index and p.resolve() not in linked] == []
    broken = []
    for page in PAGES:
        for target in _links(page):
            path, _, anchor = target.partition("#")
            file = (page.parent / path).resolve() if path else page
            if not file.exists() or (anchor and anchor not in _anchors(file)):
                broken.append(f"{page.name}: {target}")
    assert not broken, f"broken links in the manual: {broken}"
