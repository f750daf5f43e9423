"""Safe GeoPackage writes: one writer at a time, never over a damaged file, a backup of the last good file.

A write to a GeoPackage takes a lock on a file beside it (``.project.gpkg.lock``, holding the
writer's process id), checks that the file it is about to copy can be read (a damaged file is
never replaced: the write stops with :class:`~yitu.errors.ProjectError`), removes the hidden
copies an interrupted write (kill -9, power cut) left behind, and can keep the file it replaces
as ``project.gpkg.bak`` (a hard link, so it costs no copy). The lock is reentrant within a
process, so a read-modify-write (``with gpkg_lock(path): read ...; write ...``) stays one step.
Readers take no lock: every write renames a finished file over the old one.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from yitu.errors import ProjectError
from yitu.words import get_lang, listed, msg, tr

log = logging.getLogger(__name__)

__all__ = [
    "LOCK_TIMEOUT_ENV",
    "DEFAULT_LOCK_TIMEOUT_S",
    "lock_path",
    "backup_path",
    "gpkg_lock",
    "gpkg_damage",
    "damaged_error",
    "check_gpkg",
    "clean_leftovers",
    "clean_if_idle",
    "keep_backup",
]

#: Environment variable with the seconds a writer waits for another one before giving up.
LOCK_TIMEOUT_ENV = "YITU_LOCK_TIMEOUT"
#: A write of a big project (100k enterprises) takes seconds; two minutes covers a queue of them.
DEFAULT_LOCK_TIMEOUT_S = 120.0
_POLL_S = 0.1
_SQLITE_MAGIC = b"SQLite format 3\x00"

# lock file (resolved path) -> [fd, depth]: flock locks belong to an open file, so a second
# open-and-lock in the same process would wait for itself; the registry makes the lock reentrant
_HELD: dict[str, list[int]] = {}


def lock_path(target: str | Path) -> Path:
    """The lock file of ``target``: ``.<name>.lock`` beside it."""
    t = Path(target)
    return t.with_name(f".{t.name}.lock")


def backup_path(target: str | Path) -> Path:
    """The backup of ``target``: ``<name>.bak`` beside it (the file as it was before the last write)."""
    t = Path(target)
    return t.with_name(f"{t.name}.bak")


def _timeout(timeout: float | None) -> float:
    if timeout is not None:
        return float(timeout)
    raw = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    try:
        return float(raw) if raw else DEFAULT_LOCK_TIMEOUT_S
    except ValueError:
        log.warning(msg("project.lock.bad_timeout", name=LOCK_TIMEOUT_ENV, value=repr(raw),
                        default=DEFAULT_LOCK_TIMEOUT_S))
        return DEFAULT_LOCK_TIMEOUT_S


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as exc:  # e.g. a network share without locks: go on without one, say so
        if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
            log.warning(msg("project.lock.cannot_lock", path=fd, error=exc))
            return True
        raise
    return True


def _unlock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        return
    fcntl.flock(fd, fcntl.LOCK_UN)


_PID_AT = 16  # the pid is written past the byte Windows locks, so a waiter can read it there too


def _holder(fd: int) -> str:
    try:
        os.lseek(fd, _PID_AT, os.SEEK_SET)
        text = os.read(fd, 32).decode("ascii", "ignore").strip("\x00 \n")
    except OSError:
        text = ""
    return text if text.isdigit() else tr("project.lock.unknown_pid")


@contextlib.contextmanager
def gpkg_lock(target: str | Path, *, timeout: float | None = None) -> Iterator[None]:
    """Hold the write lock of ``target`` (a GeoPackage) inside the ``with`` block.

    A second writer waits up to ``timeout`` seconds (default: ``$YITU_LOCK_TIMEOUT`` or
    :data:`DEFAULT_LOCK_TIMEOUT_S`), then raises :class:`ProjectError` naming the holder's process id.
    Reentrant within a process.
    """
    t = Path(target)
    lock = lock_path(t)
    key = str(lock.resolve())
    held = _HELD.get(key)
    if held is not None:
        held[1] += 1
        try:
            yield
        finally:
            held[1] -= 1
        return
    t.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:  # a read-only folder: name the project file, not the hidden lock
        raise OSError(exc.errno, exc.strerror, str(t)) from exc
    try:
        if not _try_lock(fd):
            wait = _timeout(timeout)
            log.info(msg("project.lock.waiting", path=t, pid=_holder(fd)))
            deadline = time.monotonic() + wait
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise ProjectError(tr("project.lock.timeout", path=t, pid=_holder(fd), seconds=wait))
                time.sleep(_POLL_S)
        os.ftruncate(fd, 0)
        os.lseek(fd, _PID_AT, os.SEEK_SET)
        os.write(fd, f"{os.getpid()}\n".encode())
        _HELD[key] = [fd, 1]
        try:
            yield
        finally:
            del _HELD[key]
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            _unlock(fd)
    finally:
        os.close(fd)


def gpkg_damage(path: str | Path, *, thorough: bool = False) -> str | None:
    """Why the GeoPackage at ``path`` cannot be read, or ``None`` when it can.

    Checks the SQLite header (magic, and the size the header records against the file's size: a
    file cut short by a copy or a sync), then opens it read-only and reads ``gpkg_contents``; with
    ``thorough`` also runs SQLite's ``PRAGMA quick_check`` over every page.
    """
    p = Path(path)
    size = p.stat().st_size
    if size == 0:
        return tr("project.reason.empty")
    with p.open("rb") as f:
        head = f.read(100)
    if len(head) < 100 or not head.startswith(_SQLITE_MAGIC):
        return tr("project.reason.not_sqlite")
    page = int.from_bytes(head[16:18], "big")
    page = 65536 if page == 1 else page
    pages = int.from_bytes(head[28:32], "big")
    if head[24:28] == head[92:96] and pages and size < pages * page:  # the header's size is valid
        return tr("project.reason.truncated", size=size, expected=pages * page)
    try:
        with contextlib.closing(sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True)) as con:
            con.execute("SELECT count(*) FROM gpkg_contents").fetchone()
            if thorough:
                rows = con.execute("PRAGMA quick_check").fetchall()
                if rows != [("ok",)]:
                    return tr("project.reason.sqlite", message="; ".join(str(r[0]) for r in rows[:3]))
    except sqlite3.DatabaseError as exc:
        return tr("project.reason.sqlite", message=str(exc))
    return None


def damaged_error(path: str | Path, reason: str) -> ProjectError:
    """The :class:`ProjectError` for a damaged GeoPackage, pointing at its backup when that one is good."""
    p = Path(path)
    msg = tr("project.damaged", path=p, reason=reason)
    bak = backup_path(p)
    if bak.exists() and gpkg_damage(bak) is None:
        when = datetime.fromtimestamp(bak.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        then = tr("project.damaged.backup", backup=bak, when=when, name=p.name)
    else:
        then = tr("project.damaged.no_backup", name=p.name)
    return ProjectError(msg + ("" if get_lang() == "zh" else " ") + then)


def check_gpkg(path: str | Path, *, thorough: bool = False) -> None:
    """Raise :func:`damaged_error` when the GeoPackage at ``path`` cannot be read (see :func:`gpkg_damage`)."""
    reason = gpkg_damage(path, thorough=thorough)
    if reason is not None:
        raise damaged_error(path, reason)


def _leftover_pattern(target: Path) -> re.Pattern[str]:
    # tempfile.mkstemp(prefix=".<stem>.", suffix=<suffix>) names: 8 characters of [a-z0-9_]
    return re.compile(rf"^\.{re.escape(target.stem)}\.[a-z0-9_]{{8}}{re.escape(target.suffix)}(-journal|-wal|-shm)?$")


def clean_leftovers(target: str | Path) -> list[Path]:
    """Remove the hidden copies (``.project.XXXXXXXX.gpkg``) that interrupted writes of ``target`` left.

    Call it holding :func:`gpkg_lock`: then no other writer is making such a copy.
    """
    t = Path(target)
    pattern = _leftover_pattern(t)
    removed = []
    if not t.parent.is_dir():
        return removed
    with os.scandir(t.parent) as entries:
        found = [e.path for e in entries if pattern.match(e.name) and e.is_file(follow_symlinks=False)]
    for path in found:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
            removed.append(Path(path))
    if removed:
        log.info(msg("project.leftovers", names=listed([p.name for p in removed])))
    return removed


def clean_if_idle(target: str | Path) -> list[Path]:
    """:func:`clean_leftovers` when no writer holds the lock right now (a reader's tidy-up: it does
    not wait, and does nothing in a folder it cannot write)."""
    t = Path(target)
    pattern = _leftover_pattern(t)
    with os.scandir(t.parent) as entries:
        if not any(pattern.match(e.name) for e in entries):
            return []
    try:
        fd = os.open(lock_path(t), os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        return []
    try:
        if str(lock_path(t).resolve()) in _HELD or not _try_lock(fd):
            return []
        try:
            return clean_leftovers(t)
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


def keep_backup(target: str | Path) -> Path | None:
    """Keep ``target`` as it is now as :func:`backup_path` (a hard link; a copy where links are not
    possible), replacing the previous backup. Call it just before a new file is renamed over ``target``."""
    import shutil

    t = Path(target)
    if not t.exists():
        return None
    bak = backup_path(t)
    with contextlib.suppress(FileNotFoundError):
        bak.unlink()
    try:
        os.link(t, bak)
    except OSError:
        shutil.copy2(t, bak)
    return bak
