"""Writing files safely: atomic replacement, a version folder renamed into
place, the sweeping of what a killed run left, and file names checked against
the file system before anything is written.

Every writer of the program goes through here — the outputs, the archive's
manifest and versions, the batch's files, the draft import's data file, the
web page's saves, the font caches — so a crash never leaves a broken file
under a final name."""
from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import BinaryIO, Callable, Mapping

from .errors import GongwenError, Problem

# Temporary names are short and fixed in form, so a final name that fits the
# file system always has a temporary one that fits too (and stale ones are
# easy to recognise: ours, or the longer .NAME.XXXXXXXX.tmp of earlier versions).
TEMP_PREFIX, TEMP_SUFFIX = ".gw-", ".tmp"
_TEMP_NAME = re.compile(r"\.(?:gw-|.+\.(?:pdf|docx|json)\.)[a-z0-9_]{8}\.tmp")
RUN_STARTED = time.time()        # a temporary file older than this run is no file of this run's
# A draft, not a data file (`generate.py import`, and `generate.py DRAFT` in one step): the kinds
# the import reads, and the old Word/WPS ones it names to say "save it as .docx".
DRAFT_SUFFIXES = (".docx", ".txt", ".md", ".markdown", ".text", ".doc", ".wps", ".docm")

try:
    import fcntl
except ImportError:              # Windows: no advisory locks
    fcntl = None  # type: ignore[assignment]


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def atomic_write(path: Path, data: bytes) -> None:
    """Write under a temporary name and rename: a crash never leaves a broken
    file under the final name."""
    atomic_write_all({path: data})


def atomic_write_all(files: Mapping[Path, bytes | Callable[[BinaryIO], None]]) -> None:
    """Write every file under a temporary name first, then rename them all: a
    failure while writing (disk full, permissions) leaves every final name as
    it was — no new PDF beside an old DOCX.  The temporary files are locked
    until renamed, so another run sweeping debris leaves them alone.  A file's
    content is its bytes, or a function that writes them to the open file (a
    file streamed, never held whole)."""
    umask = _umask()
    opened: list[tuple[Path, str, BinaryIO]] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=path.parent)
            f: BinaryIO = os.fdopen(fd, "wb")
            opened.append((path, tmp, f))
            if fcntl is not None:
                fcntl.flock(f, fcntl.LOCK_EX)
            if callable(data):
                data(f)
            else:
                f.write(data)
            f.flush()
            os.fsync(f.fileno())
            # mkstemp makes the file private (0600); outputs are ordinary documents.
            os.chmod(tmp, 0o666 & ~umask)
        for path, tmp, f in opened:
            if fcntl is None:
                f.close()                  # Windows renames no open file
            os.replace(tmp, path)          # (elsewhere still locked: a sweep never finds it unlocked)
    except BaseException:
        for _, tmp, _f in opened:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise
    finally:
        for _, _, f in opened:
            f.close()


def try_atomic_write(path: Path, data: bytes) -> bool:
    """atomic_write for a cache: False instead of an error when it cannot be written."""
    try:
        atomic_write(path, data)
        return True
    except OSError:
        return False


def write_folder(final: Path, files: dict[str, bytes]) -> None:
    """A new folder `final` holding `files` (names relative to it, sub-folders
    made as needed), written under a temporary name (.NAME.XXXXXXXX.tmp beside
    it), each file on disk, then renamed into place: the folder appears whole
    or not at all, and an existing `final` is never replaced (OSError)."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=TEMP_SUFFIX, dir=final.parent))
    try:
        os.chmod(tmp, 0o777 & ~_umask())       # mkdtemp makes it private; an archive is for the office
        for name, content in files.items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            with open(tmp / name, "wb") as f:
                f.write(content)
                f.flush()
                os.fsync(f.fileno())           # on disk before the rename makes the folder visible
        os.rename(tmp, final)                  # atomic; refuses to replace an existing folder
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def sweep_temps(folder: Path, before: float = RUN_STARTED) -> None:
    """Remove the temporary files a killed run left in `folder`: ours by name,
    older than this run and not locked by a run still writing them.  Silent and
    best effort: they are debris, never a document (a read-only folder keeps them)."""
    try:
        entries = [e for e in os.scandir(folder) if _TEMP_NAME.fullmatch(e.name)]
    except OSError:
        return
    for e in entries:
        try:
            if e.is_file(follow_symlinks=False) and e.stat(follow_symlinks=False).st_mtime < before:
                _remove_unlocked(Path(e.path))
        except OSError:
            pass


def sweep_temp_folders(folder: Path, name: re.Pattern[str], before: float = RUN_STARTED) -> None:
    """Remove the half-written folders (write_folder's temporary ones, whose
    names match `name`) a killed run left in `folder`.  Call it only under the
    lock any run writing one holds."""
    for p in folder.iterdir():
        try:
            if name.fullmatch(p.name) and p.is_dir() and not p.is_symlink() and p.stat().st_mtime < before:
                shutil.rmtree(p, ignore_errors=True)
        except OSError:
            pass


def _remove_unlocked(path: Path) -> None:
    if fcntl is None:
        os.unlink(path)                    # Windows refuses to remove a file still open elsewhere
        return
    with open(path, "rb") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:            # being written right now
            return
        os.unlink(path)


# -- names ---------------------------------------------------------------------

def name_max(folder: Path) -> int:
    """The longest file name, in bytes, the file system of `folder` takes (255 on most)."""
    p = Path(folder).absolute()
    while not p.exists() and p != p.parent:      # the folder may not exist yet
        p = p.parent
    try:
        return os.pathconf(p, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):   # Windows has no pathconf
        return 255


def check_names(folder: Path, names: list[str], source: Path) -> None:
    """Every name to be written fits the file system — checked before anything
    is written, so a name too long never leaves half the files behind."""
    limit = name_max(folder)
    for name in names:
        if len(os.fsencode(name)) > limit:
            raise GongwenError(name_too_long(name, source, limit))


def name_too_long(name: str, source: Path, limit: int = 255) -> Problem:
    return Problem(f"文件名过长：要写出的“{_short(name)}”有 {len(os.fsencode(name))} 字节，"
                   f"超过文件系统允许的 {limit} 字节。",
                   f"把数据文件“{_short(Path(source).name)}”改成短一些的名字（生成的文件与它同名；"
                   f"不超过 {limit - 5} 字节，约 {(limit - 5) // 3} 个汉字）", file=source)


def _short(name: str) -> str:
    """A long name as a message can show it: its start and its end."""
    return name if len(name) <= 40 else name[:20] + "…" + name[-12:]


def write_error(e: OSError, folder: Path, source: Path, archive: bool = False) -> GongwenError:
    """An OSError while writing, as the clerk's message: what failed and what to do."""
    what, kept = ("存档文件夹", "没有存档新版本，已有的版本") if archive else ("文件夹", "已有的文件")
    if e.errno == errno.ENAMETOOLONG:
        return GongwenError(Problem(
            f"文件名或路径过长，无法写入{what}“{folder}”。",
            f"把数据文件“{_short(Path(source).name)}”改成短一些的名字，或换一个路径短一些的文件夹；{kept}没有改动",
            file=source))
    why = {errno.EACCES: "没有写权限", errno.EPERM: "没有写权限", errno.ENOSPC: "磁盘已满",
           errno.ENOTDIR: "路径上有同名的文件", errno.EROFS: "磁盘只读"}.get(e.errno or 0, e.strerror or str(e))
    return GongwenError(Problem(f"无法写入{what}“{folder}”：{why}（{e.filename or folder}）。",
                                f"检查该文件夹的写权限和磁盘空间；{kept}没有改动", file=source))
