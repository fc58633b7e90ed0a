"""Every write of a project or output file: whole or not at all, and never over someone else's.

A file is written into a temporary file beside its target (same directory, so the same file
system), flushed and fsynced, and only then renamed over the target with :func:`os.replace`,
which POSIX makes atomic: a reader, a crash or a ``kill -9`` sees the old file or the new one,
never an empty or truncated one. The directory is fsynced after the rename so the new name
survives a power loss too. A directory of files (the CSV export) is staged the same way as a
whole and swapped in by :func:`staged_dir`.

The temporary names start with ``.NAME.`` and end with ``.tmp`` so a leftover of a killed
process is visibly ours and sits next to what it was meant to replace.

Written here rather than taken from a library: the maintained candidates on PyPI
(``atomicwrites`` is archived) add nothing over these few lines of :mod:`os` calls, and the
directory swap and the refusal to replace foreign directories are regimekg's own rules.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from .errors import UserError

TMP_SUFFIX = ".tmp"


def _umask() -> int:
    """The process's umask (read by setting and restoring it: there is no getter)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(target: Path) -> int:
    """The permission bits the new file gets: the old file's, or what ``open`` would give.

    :func:`tempfile.mkstemp` creates files readable by the owner only; a replaced file keeps
    its own bits, a new one gets ``0o666`` less the umask, as if written by ``open``.
    """
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def fsync_dir(directory: Path) -> None:
    """Make a rename in *directory* durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside *target* for a tool that writes a file by name; on success it
    is fsynced and renamed over *target*, on any failure removed (the target untouched).

    """
    target = Path(target)
    if target.is_dir():
        raise UserError(f"{target} is a directory; give a file name to write to.")
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TMP_SUFFIX, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, _mode_for(target))
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()  # our own temporary file, never the target
        raise
    fsync_dir(target.parent)


@contextlib.contextmanager
def atomic_open(
    target: str | os.PathLike[str],
    mode: str = "w",
    *,
    encoding: str | None = "utf-8",
    newline: str | None = None,
) -> Iterator[IO[Any]]:
    """``open(target, mode)`` for writing, through :func:`atomic_path`."""
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open writes whole files; mode {mode!r} is not 'w' or 'wb'")
    with atomic_path(target) as tmp:
        if mode == "wb":
            with open(tmp, "wb") as f:
                yield f
                f.flush()
        else:
            with open(tmp, "w", encoding=encoding, newline=newline) as f:
                yield f
                f.flush()


def write_bytes(target: str | os.PathLike[str], data: bytes) -> None:
    """Replace *target* by *data* atomically."""
    with atomic_open(target, "wb") as f:
        f.write(data)


def write_text(target: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Replace *target* by *text* atomically (no newline translation: the bytes are *text*'s)."""
    with atomic_open(target, "w", encoding=encoding, newline="") as f:
        f.write(text)


def copy_file(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """Copy *source* to *target* atomically (a killed copy leaves no half file at *target*)."""
    with atomic_path(target) as tmp:
        shutil.copyfile(source, tmp)


def copy_files(pairs: Iterable[tuple[str | os.PathLike[str], str | os.PathLike[str]]]) -> None:
    """Copy each ``(source, target)`` as :func:`copy_file` does, flushed to disk together.

    One fsync per file made a 1,000-document ingest spend seconds waiting for the disk; here
    every copy is written to a temporary file beside its target, all are flushed by one
    ``os.sync()``, and only then renamed over their targets (each rename atomic) and their
    directories synced once. A failure before the renames leaves every target untouched; one
    during them may leave the earlier targets replaced, which the caller undoes.
    """
    temps: list[tuple[Path, Path]] = []
    renamed = 0
    try:
        for source, target in pairs:
            target = Path(target)
            if target.is_dir():
                raise UserError(f"{target} is a directory; give a file name to write to.")
            fd, name = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=TMP_SUFFIX, dir=target.parent
            )
            os.close(fd)
            temps.append((Path(name), target))
            shutil.copyfile(source, name)
            os.chmod(name, _mode_for(target))
        os.sync()
        for tmp, target in temps:
            os.replace(tmp, target)
            renamed += 1
    finally:
        for tmp, _ in temps[renamed:]:  # our own temporary files, never a target
            with contextlib.suppress(OSError):
                tmp.unlink()
    for directory in sorted({target.parent for _, target in temps}):
        fsync_dir(directory)


def is_empty_dir(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())


@contextlib.contextmanager
def staged_dir(
    target: str | os.PathLike[str], is_ours: Callable[[Path], bool], what: str
) -> Iterator[Path]:
    """A new empty directory beside *target* to fill; on success it takes *target*'s place.

    *target* may be missing, an empty directory, or a directory *is_ours* recognises as an
    earlier output of the same kind (by the marker file that output writes); anything else —
    a file, a directory of someone else's files — is refused in one sentence before anything
    is written, so no command replaces what it did not create. The previous output is renamed
    aside, the new one renamed in, and only then the previous one removed; on failure the
    staging directory is removed and *target* is left as it was.
    """
    target = Path(target)
    if target.exists() or target.is_symlink():
        if not target.is_dir() or target.is_symlink():
            raise UserError(
                f"{target} exists and is not a directory; {what} writes a directory of files, "
                "give a new path."
            )
        if not is_empty_dir(target) and not is_ours(target):
            raise UserError(
                f"{target} is a directory that holds other files and is not an earlier {what}; "
                "give a new or empty directory, so nothing of yours is replaced."
            )
    staging = Path(
        tempfile.mkdtemp(prefix=f".{target.name}.", suffix=TMP_SUFFIX, dir=target.parent)
    )
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # created above, holds only our output
        raise
    os.chmod(staging, 0o777 & ~_umask())
    retired: Path | None = None
    try:
        if target.exists():
            retired = Path(
                tempfile.mkdtemp(
                    prefix=f".{target.name}.old.", suffix=TMP_SUFFIX, dir=target.parent
                )
            )
            os.replace(target, retired / target.name)
        os.replace(staging, target)
    except BaseException:
        if retired is not None and not target.exists() and (retired / target.name).exists():
            os.replace(retired / target.name, target)  # put the earlier output back
        shutil.rmtree(staging, ignore_errors=True)
        if retired is not None and not any(retired.iterdir()):
            retired.rmdir()
        raise
    fsync_dir(target.parent)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)  # the earlier output is_ours recognised
