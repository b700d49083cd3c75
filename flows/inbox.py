"""Find the districts' files in the inbox: data/inbox/<区市>/**/<file>; the top folder names the district."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from transforms.readers import ACCEPTED_SUFFIXES
from warehouse.landing import InboxFile

IGNORED_PREFIXES = ("~$", ".")  # Excel lock files, hidden files


@dataclass(frozen=True)
class InboxScan:
    files: list[InboxFile]
    paths: dict[str, Path]  # source_file -> absolute path
    unknown_districts: dict[str, str]  # folder name -> a file in it
    ignored: list[str]  # files with a suffix mulu does not read


def scan_inbox(inbox: Path, districts: dict[str, str]) -> InboxScan:
    """Every file under a district folder, hashed; folder names may be a district's alias."""
    if not Path(inbox).is_dir():
        raise FileNotFoundError(f"收件箱文件夹不存在：{inbox}")
    files, paths, unknown, ignored = [], {}, {}, []
    for path in sorted(Path(inbox).rglob("*")):
        if not path.is_file() or path.name.startswith(IGNORED_PREFIXES):
            continue
        relative = path.relative_to(inbox)
        source_file = relative.as_posix()
        if len(relative.parts) < 2:
            ignored.append(source_file)  # a file directly in the inbox belongs to no district
            continue
        if not path.name.lower().endswith(ACCEPTED_SUFFIXES):
            ignored.append(source_file)
            continue
        folder = relative.parts[0]
        district = districts.get(folder)
        if district is None:
            unknown.setdefault(folder, source_file)
            district = folder
        data = path.read_bytes()
        files.append(InboxFile(source_file, district, hashlib.sha256(data).hexdigest(), len(data)))
        paths[source_file] = path
    return InboxScan(files, paths, unknown, ignored)
