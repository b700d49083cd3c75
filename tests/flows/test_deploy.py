"""`mulu deploy systemd`: units systemd accepts, which run the Prefect server and `mulu serve` of a
deployment folder with its environment, and which really start and serve the nightly deployment."""

import getpass
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from flows import deploy
from flows.cli import _parser, main
from tests.conftest import require_program

VENV = Path(sys.prefix)  # the test's virtualenv: its bin/mulu and bin/prefect exist, as verify demands


def _root(tmp_path: Path) -> Path:
    root = tmp_path / "便民 目录 100%"  # Chinese, a space and a %: the units must quote and escape
    (root / "reference").mkdir(parents=True)
    return root


def _units(root: Path, out: Path, *extra: str) -> dict[str, Path]:
    assert main(["deploy", "systemd", "--root", str(root), "--user", getpass.getuser(), "--venv", str(VENV),
                 "--out", str(out), "--reference", "reference", *extra]) == 0
    return {path.name: path for path in sorted(out.iterdir())}


def _read_unit(path: Path) -> dict[str, list[str]]:
    """Key → its values, in order (Environment= comes once per variable)."""
    values: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            values.setdefault(key, []).append(value)
    return values


def _words(command: str) -> list[str]:
    """A unit's command line as the program gets it (systemd's quoting, its doubled % and $ undone)."""
    return [word.replace("%%", "%").replace("$$", "$") for word in shlex.split(command)]


def _environment(unit: dict[str, list[str]]) -> dict[str, str]:
    return dict(_words(value)[0].split("=", 1) for value in unit["Environment"])


def test_systemd_analyze_verify_accepts_the_units(tmp_path):
    systemd_analyze = require_program("systemd-analyze")
    units = _units(_root(tmp_path), tmp_path / "units")
    assert sorted(units) == ["mulu-prefect.service", "mulu-serve.service"]
    result = subprocess.run([systemd_analyze, "verify", "--man=false", *map(str, units.values())],
                            capture_output=True, text=True, timeout=120)
    # verify exits 0 on keys or values it ignores: any word from it is a fault of the units
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stdout + result.stderr


def test_the_units_run_the_venv_in_the_deployment_folder_and_restart_on_failure(tmp_path):
    root = _root(tmp_path)
    units = {name: _read_unit(path) for name, path in _units(root, tmp_path / "units", "--port", "4321").items()}
    server, serve = units["mulu-prefect.service"], units["mulu-serve.service"]
    for unit in (server, serve):
        assert unit["WorkingDirectory"] == [str(root).replace("%", "%%")]  # systemd's specifiers start with %
        assert unit["User"] == [getpass.getuser()]
        assert unit["Restart"] == ["on-failure"] and unit["WantedBy"] == ["multi-user.target"]
        assert unit["StandardOutput"] == unit["StandardError"] == ["journal"]
        environment = _environment(unit)
        assert environment["PREFECT_HOME"] == str(root / "prefect")
        assert environment["GX_ANALYTICS_ENABLED"] == environment["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert _words(server["ExecStart"][0]) == [str(VENV / "bin" / "prefect"), "server", "start", "--host", "127.0.0.1",
                                              "--port", "4321"]
    assert "PREFECT_API_URL" not in _environment(server)
    assert _environment(serve)["PREFECT_API_URL"] == "http://127.0.0.1:4321/api"
    assert serve["Requires"] == ["mulu-prefect.service"] and "mulu-prefect.service" in serve["After"][0].split()
    mulu, *arguments = _words(serve["ExecStart"][0])
    assert mulu == str(VENV / "bin" / "mulu")
    args = _parser().parse_args(arguments)  # what `mulu serve` makes of the unit's words
    assert args.command == "serve" and args.cron == "0 2 * * *"
    assert (args.inbox, args.warehouse, args.out, args.reference) == (
        str(root / "inbox"), str(root / "mulu.duckdb"), str(root / "out"), str(root / "reference"))


def test_every_problem_is_told_at_once(tmp_path, capsys):
    code = main(["deploy", "systemd", "--root", str(tmp_path / "nowhere"), "--user", "no-such-user-here",
                 "--venv", str(tmp_path), "--cron", "0 2 *", "--out", str(tmp_path / "units")])
    told = capsys.readouterr().err
    assert code == 2 and not (tmp_path / "units").exists()
    for problem in ("部署目录不存在", "没有 mulu", "没有 prefect", "没有用户 no-such-user-here", "--cron"):
        assert problem in told, problem


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(unit: dict[str, list[str]], key: str) -> subprocess.Popen:
    """One of the unit's commands, as systemd would run it: its environment, its working folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | _environment(unit)
    return subprocess.Popen(_words(unit[key][0]), env=env, cwd=unit["WorkingDirectory"][0].replace("%%", "%"),
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.mark.slow
def test_the_units_commands_start_the_server_and_serve_the_nightly_deployment(tmp_path):
    root = _root(tmp_path)
    port = _free_port()
    units = {name: _read_unit(path) for name, path in _units(root, tmp_path / "units", "--port", str(port)).items()}
    server, serve = units["mulu-prefect.service"], units["mulu-serve.service"]
    started = [_start(server, "ExecStart")]
    try:
        waiting = _start(serve, "ExecStartPre")  # the serve unit's wait for the server
        assert waiting.wait(timeout=deploy.SERVER_WAIT_SECONDS) == 0
        started.append(_start(serve, "ExecStart"))
        api = _environment(serve)["PREFECT_API_URL"]
        deadline, found = time.monotonic() + 120, None
        while found is None and time.monotonic() < deadline:
            time.sleep(1)
            response = httpx.get(f"{api}/deployments/name/nightly_refresh/nightly", timeout=5)
            found = response.json() if response.status_code == 200 else None
        assert found is not None, "mulu serve did not register nightly_refresh/nightly"
        assert found["parameters"]["inbox"] == str(root / "inbox")
        assert found["parameters"]["reference"] == str(root / "reference")
        assert (root / "prefect").is_dir(), "the server keeps its database in the deployment's PREFECT_HOME"
    finally:
        for process in reversed(started):
            _stop(process)
