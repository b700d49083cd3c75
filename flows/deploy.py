"""Run mulu at a bureau: systemd units for `prefect server start` and `mulu serve`, and the nginx
server block that serves the public site (`mulu deploy systemd|nginx`, docs/operating.md).

A deployment folder ROOT holds ROOT/inbox, ROOT/mulu.duckdb, ROOT/out (the published files, OUT/site)
and ROOT/prefect (the Prefect server's home: its database), and, when the bureau keeps one,
ROOT/reference. The units run the executables of one virtualenv by their absolute paths.
"""

import pwd
import re
from dataclasses import dataclass
from pathlib import Path

PREFECT_HOST = "127.0.0.1"  # the Prefect server has no login: it listens on this machine only
SERVER_WAIT_SECONDS = 300  # a first start migrates the server's database, slow on a busy machine


class DeployError(Exception):
    """What keeps the units from being written; every problem at once."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Deployment:
    root: Path  # the deployment folder, absolute
    venv: Path  # the virtualenv whose bin/mulu and bin/prefect the units run, absolute
    user: str
    port: int = 4200  # the Prefect server's
    cron: str = "0 2 * * *"
    reference: Path | None = None
    catalog: Path | None = None
    name: str = "mulu"  # the units are NAME-prefect.service and NAME-serve.service

    @property
    def api_url(self) -> str:
        return f"http://{PREFECT_HOST}:{self.port}/api"

    @property
    def server_unit(self) -> str:
        return f"{self.name}-prefect.service"

    @property
    def serve_unit(self) -> str:
        return f"{self.name}-serve.service"


def deployment(root: Path, venv: Path, user: str | None = None, port: int = 4200, cron: str = "0 2 * * *",
               reference: Path | None = None, catalog: Path | None = None, name: str = "mulu") -> Deployment:
    """A deployment with absolute paths (reference and catalog relative to ROOT), checked whole:
    DeployError lists every problem. The user defaults to the owner of ROOT."""
    root = Path(root).absolute()
    venv = Path(venv).absolute()
    problems = []
    if not root.is_dir():
        problems.append(f"部署目录不存在：{root}")
    for program in ("mulu", "prefect"):
        if not (venv / "bin" / program).is_file():
            problems.append(f"虚拟环境中没有 {program}：{venv / 'bin' / program}"
                            "（--venv 应指向安装了 mulu 的 .venv）")
    if user is None and root.is_dir():
        user = root.owner()
    if user is not None:
        try:
            pwd.getpwnam(user)
        except KeyError:
            problems.append(f"本机没有用户 {user}（--user）")
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        problems.append(f"服务名只能含字母、数字、_ . -：{name}（--name）")
    if len(cron.split()) != 5:
        problems.append(f"--cron 应为五段的 cron 表达式，如 \"0 2 * * *\"：{cron}")
    reference = root / reference if reference is not None else None
    catalog = root / catalog if catalog is not None else None
    if reference is not None and not reference.is_dir():
        problems.append(f"参考数据目录不存在：{reference}（--reference）")
    if catalog is not None and not catalog.is_file():
        problems.append(f"目录文件不存在：{catalog}（--catalog）")
    if problems:
        raise DeployError(problems)
    return Deployment(root, venv, user, port, cron, reference, catalog, name)


def _escaped(value: str) -> str:
    """A value as systemd reads it back: % starts a specifier, so it is doubled."""
    return value.replace("%", "%%")


def _quoted(value: str) -> str:
    """One word (a command's argument, an Environment= assignment): quoted unless it is plain."""
    value = _escaped(value)
    if re.fullmatch(r"[\w@+=:,./-]+", value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _argument(value: str) -> str:
    """One word of a command line: systemd expands $VARIABLES there too, so $ is doubled."""
    return _quoted(value.replace("$", "$$"))


def _command(words: list[str]) -> str:
    return " ".join(_argument(word) for word in words)


def _environment(d: Deployment, api: bool) -> list[str]:
    variables = {
        "PREFECT_HOME": str(d.root / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "GX_ANALYTICS_ENABLED": "false",
        "PYTHONUNBUFFERED": "1",  # each line reaches the journal as it is printed, not when a buffer fills
    }
    if api:
        variables["PREFECT_API_URL"] = d.api_url
    return [_quoted(f"{key}={value}") for key, value in variables.items()]


def _service(d: Deployment, file_name: str, description: str, unit: list[str], service: list[str],
             api: bool) -> str:
    lines = ["# Written by `mulu deploy systemd` (flows/deploy.py); write it again rather than edit it.",
             "[Unit]", f"Description={_escaped(description)}", *unit, "",
             "[Service]", "Type=simple", f"User={d.user}", f"WorkingDirectory={_escaped(str(d.root))}",
             *(f"Environment={variable}" for variable in _environment(d, api)), *service,
             "Restart=on-failure", "StandardOutput=journal", "StandardError=journal",
             f"SyslogIdentifier={file_name.removesuffix('.service')}",
             "", "[Install]", "WantedBy=multi-user.target", ""]
    return "\n".join(lines)


def systemd_units(d: Deployment) -> dict[str, str]:
    """File name → text of the two units: the Prefect server, and `mulu serve` after and requiring it."""
    prefect, mulu = str(d.venv / "bin" / "prefect"), str(d.venv / "bin" / "mulu")
    server = _service(
        d, d.server_unit, f"mulu: Prefect server for {d.root}", ["After=network.target"],
        [f"ExecStart={_command([prefect, 'server', 'start', '--host', PREFECT_HOST, '--port', str(d.port)])}",
         "RestartSec=10"], api=False)
    serve_words = [mulu, "serve", "--inbox", str(d.root / "inbox"), "--warehouse",
                   str(d.root / "mulu.duckdb"), "--out", str(d.root / "out"), "--cron", d.cron]
    if d.reference is not None:
        serve_words += ["--reference", str(d.reference)]
    if d.catalog is not None:
        serve_words += ["--catalog", str(d.catalog)]
    serve = _service(
        d, d.serve_unit, f"mulu: nightly refresh, 06:00 check and monthly report for {d.root} (mulu serve)",
        [f"Requires={d.server_unit}", f"After={d.server_unit} network.target"],
        # started as soon as the server's process is: wait until it answers before serving
        [f"ExecStartPre={_command([prefect, 'server', 'status', '--wait', '--timeout', str(SERVER_WAIT_SECONDS)])}",
         f"ExecStart={_command(serve_words)}", f"TimeoutStartSec={SERVER_WAIT_SECONDS + 30}", "RestartSec=30"],
        api=True)
    return {d.server_unit: server, d.serve_unit: serve}


def write_units(d: Deployment, unit_dir: Path) -> list[Path]:
    unit_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in systemd_units(d).items():
        path = unit_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def nginx_server_block(site: Path, listen: str = "80", location: str = "/bianmin/") -> str:
    """The nginx server block that serves OUT/site at `location` (docs/public-site.md shows it for
    /srv/mulu/out/site; tests/flows/test_nginx.py serves the site through it)."""
    return f"""server {{
    listen {listen};
    server_name _;

    location {location} {{
        alias {site.as_posix().rstrip('/')}/;  # a link to the newest build, followed on every request
        index index.html;
        open_file_cache off;  # a cached file would outlive the night's swap of the site
        add_header Cache-Control "no-cache";  # browsers ask again, so no page mixes two versions
        types {{
            text/html html;
            text/css css;
            application/javascript js;
            application/json json;
            text/csv csv;
            application/vnd.openxmlformats-officedocument.spreadsheetml.sheet xlsx;
        }}
        default_type application/octet-stream;
        charset utf-8;
        charset_types text/html text/css application/javascript application/json text/csv;
    }}
}}
"""
