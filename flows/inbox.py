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
    duplicates: dict[str, tuple[str, str]]  # source_file -> (district, its district's earlier file, same content)


def scan_inbox(inbox: Path, districts: dict[str, str], known: frozenset[str] = frozenset()) -> InboxScan:
    """Every file under a district folder, hashed; folder names may be a district's alias.

    Of files with the same content in one district, a file already known (read before) is kept and
    the others are duplicates; among new ones, the first by path.
    """
    if not Path(inbox).is_dir():
        raise FileNotFoundError(f"收件箱文件夹不存在：{inbox}")
    files, paths, unknown, ignored, duplicates = [], {}, {}, [], {}
    seen: dict[tuple[str, str], str] = {}  # (district, sha256) -> first source_file
    for path in sorted(Path(inbox).rglob("*"), key=lambda p: (p.relative_to(inbox).as_posix() not in known, p)):
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
        digest = hashlib.sha256(data).hexdigest()
        if (district, digest) in seen:  # the same file sent twice: read once, its rows not doubled
            duplicates[source_file] = (district, seen[(district, digest)])
            continue
        seen[(district, digest)] = source_file
        files.append(InboxFile(source_file, district, digest, len(data)))
        paths[source_file] = path
    files.sort(key=lambda f: f.source_file)
    return InboxScan(files, paths, unknown, ignored, duplicates)
