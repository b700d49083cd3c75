"""Folders published whole: each build is complete before a symbolic link is pointed at it in one rename.

OUT/<name> links to OUT/.<name>-builds/<build>; a reader sees the old build or the new one, never
half of one, and a crash leaves the link on the last complete build. The build before stays (a
reader may be in the middle of it); older ones are removed.
"""

import os
import shutil
import time
from pathlib import Path

SITE_DIR = "site"  # OUT/site: the public site (warehouse/site/public_site.py), one of the folders published whole


def new_build(builds: Path, name: str) -> Path:
    """An empty folder to build into; builds a killed run left half-written are removed first."""
    for left in builds.glob(".tmp-*"):
        shutil.rmtree(left, ignore_errors=True)
    tmp = builds / f".tmp-{name}"
    tmp.mkdir(parents=True)
    return tmp


def publish_build(tmp: Path, name: str, link: Path) -> Path:
    """Finish a build (tmp → its name), point the link at it, remove all but it and the one before."""
    final = tmp.parent / name
    os.replace(tmp, final)
    previous = _point(link, final)
    for path in final.parent.iterdir():
        if path.is_dir() and path.name not in (final.name, previous) and not path.name.startswith((".tmp-", "old-")):
            shutil.rmtree(path, ignore_errors=True)
    return final


def remove_stale_builds(builds: Path, link: Path) -> None:
    """Remove the builds publishing the next one would remove: all but the one the link points at
    (and folders in the making or moved aside). Run while the next build is written, so a large
    folder's deletion overlaps the writing instead of following it."""
    current = Path(os.readlink(link)).name if link.is_symlink() else None
    for path in builds.iterdir() if builds.is_dir() else []:
        if path.is_dir() and path.name != current and not path.name.startswith((".tmp-", "old-")):
            shutil.rmtree(path, ignore_errors=True)


def _point(link: Path, build: Path) -> str | None:
    """Point the link at the build in one rename; the name of the build it pointed at before."""
    previous = Path(os.readlink(link)).name if link.is_symlink() else None
    if link.exists() and not link.is_symlink():  # a folder written some other way: moved aside, not deleted
        os.replace(link, build.parent / f"old-{time.strftime('%Y%m%dT%H%M%S')}")
    replace_link(link, os.path.relpath(build, link.parent))  # relative: the out folder can move
    return previous


def replace_link(link: Path, pointer: str) -> None:
    """Make `link` a symbolic link to `pointer`, replacing whatever was there in one rename."""
    partial = link.with_name(f".{link.name}.link")
    if partial.is_symlink() or partial.exists():
        partial.unlink()
    os.symlink(pointer, partial)
    os.replace(partial, link)


def link_or_copy(source: Path, target: Path) -> None:
    """A hard link to the same bytes; a copy where the two are on different filesystems."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def link_tree(source: Path, target: Path) -> None:
    """A file, or a folder's files (recursively), hard-linked under target: a build sharing the bytes."""
    if not source.is_dir():
        link_or_copy(source, target)
        return
    target.mkdir()
    for path in sorted(source.iterdir()):
        link_tree(path, target / path.name)
