"""Writing files so that readers never see half of one, with the permissions of ordinary files.

Everything newsdesk writes for others (articles, feeds, snapshots, fixed articles) goes through here:
a temporary file or folder beside the target, then a rename. tempfile creates owner-only files and
folders; output is ordinary data a web server or a colleague reads, so it gets what the umask allows.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

from generator.errors import NewsdeskError


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Read once at import: os.umask can only be read by setting it, which is not thread-safe later.
UMASK = _current_umask()
FILE_MODE = 0o666 & ~UMASK
DIR_MODE = 0o777 & ~UMASK
RETIRED_SUFFIX = ".retired"
# Opening a named pipe for reading waits for a writer; O_NONBLOCK returns at once so it can be refused.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
_CREATE_FLAGS |= getattr(os, "O_BINARY", 0)  # Windows would otherwise write "\r\n" for "\n"
# link() errors that mean "no hard links here" (another file system, a limit): copy or write instead.
NO_HARD_LINKS = (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP)


class NotRegularFile(OSError):
    """A named pipe, socket, device or folder where a file belongs."""


def read_regular_bytes(path: Path, *, follow_links: bool = True) -> bytes:
    """The bytes of a regular file, opened without blocking; OSError (NotRegularFile for a named
    pipe, socket, device or folder; ELOOP for a link, with `follow_links=False`) otherwise.

    Reading a named pipe waits for a writer forever, and a device may never end (/dev/zero), so
    anything but a regular file is refused at once, unread.
    """
    fd = os.open(path, _READ_FLAGS if follow_links else _READ_FLAGS | getattr(os, "O_NOFOLLOW", 0))
    with open(fd, "rb") as handle:  # noqa: PTH123 (a descriptor, opened without blocking)
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise NotRegularFile(errno.EISDIR, "is a folder, not a file", str(path))
        if not stat.S_ISREG(mode):
            raise NotRegularFile(
                errno.EINVAL, "not a regular file (a named pipe, socket or device)", str(path)
            )
        return handle.read()


def read_input_bytes(path: Path, *, error: type[NewsdeskError] = NewsdeskError) -> bytes:
    """`read_regular_bytes`, with any problem reported as `error` naming the file in one line."""
    try:
        return read_regular_bytes(path)
    except NotRegularFile as exc:
        raise error(f"{path}: {exc.strerror}, so it is not read") from None
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror})") from None


def read_input_text(path: Path, *, error: type[NewsdeskError] = NewsdeskError) -> str:
    """A user's text file decoded as UTF-8 (a byte-order mark is dropped); invalid UTF-8 is one
    line naming the file, the line and the byte, not a UnicodeDecodeError."""
    return decode_utf8(read_input_bytes(path, error=error), path, error=error)


def decode_utf8(data: bytes, where: object, *, error: type[NewsdeskError] = NewsdeskError) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error(
            f"{where}, line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8"
        ) from None


def atomic_write(path: Path, text: str, *, mode: int = FILE_MODE) -> None:
    """Write via a temporary file in the same folder, then rename: readers see old or new, never half."""
    atomic_write_all({path: text}, mode=mode)


def atomic_write_all(files: dict[Path, str], *, mode: int = FILE_MODE) -> None:
    """Write every file to a temporary beside it first, then rename them all.

    Nothing is replaced until every file is fully written, so files that belong together (the two
    feeds) are never left one new and one old by a failure while writing.
    """
    temporaries: dict[Path, Path] = {}
    try:
        for path, text in files.items():
            temporaries[path] = write_temporary(path, text, mode=mode)
        for path, temporary in temporaries.items():
            temporary.replace(path)
    except BaseException:
        for temporary in temporaries.values():
            temporary.unlink(missing_ok=True)
        raise


def write_temporary(path: Path, text: str, *, mode: int = FILE_MODE) -> Path:
    """Write `text` to a new temporary file beside `path` (named `.<name>.<random>`); returns it.

    Renaming it onto `path` is the caller's last step, so several files can be replaced together.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def create_file(path: Path, data: bytes) -> None:
    """Create `path`, which must not exist (FileExistsError otherwise), holding `data`.

    A run stages four files an article this way, so it is one open, one write and one close: no
    text layer or buffer objects, and no temporary (the staging folder it writes into is the
    temporary). A short write (a signal, a full disk) is continued or raised, never ignored.
    """
    handle = os.open(path, _CREATE_FLAGS, 0o666)  # the umask applies, as for any new file
    try:
        view = memoryview(data)
        while view:
            written = os.write(handle, view)
            if not written:
                raise OSError(errno.EIO, "nothing written", str(path))
            view = view[written:]
    finally:
        os.close(handle)


def create_or_link(path: Path, data: bytes, replaced: Path) -> None:
    """`create_file`, or a hard link to `replaced` when that is a regular file holding exactly
    `data` (it keeps that file's permissions, which the same umask gave it).

    A rerun stages every file of its date again, and most are byte for byte the files they
    replace. A link creates no inode and writes nothing, and the copy it shares is not freed when
    the old generation goes: on ext4 without a journal, creating files soon after thousands were
    freed is several times slower, so the churn would tax the next run too. The caller makes sure
    `replaced`'s folder is the output's own (no link on the way); a link found at `replaced`
    itself, or put there after it was compared, is never what ends up at `path`.
    """
    identity = _identity_if_holding(replaced, data)
    if identity is not None:
        try:
            os.link(replaced, path, follow_symlinks=False)
        except FileNotFoundError:
            pass  # the copy went after it was compared: write the bytes
        except OSError as exc:
            if exc.errno not in NO_HARD_LINKS:  # FileExistsError among them: a name taken twice
                raise
        else:
            linked = os.lstat(path)
            if (linked.st_dev, linked.st_ino) == identity:
                return
            path.unlink()  # `replaced` changed after it was compared: write the bytes
    create_file(path, data)


def _identity_if_holding(path: Path, data: bytes) -> tuple[int, int] | None:
    """(device, inode) of `path` when it is a regular file, not a link, whose bytes are `data`.

    Were the file swapped after the `lstat`, the inode linked would not be this one, and
    `create_or_link` writes the bytes instead."""
    try:
        info = os.lstat(path)  # not a link, also where O_NOFOLLOW is missing (Windows)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return None
        same = read_regular_bytes(path, follow_links=False) == data
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if same else None


def retired_path(final: Path) -> Path:
    """Where `swap_folder` parks the previous copy of `final` while swapping."""
    return final.with_name(f".{final.name}{RETIRED_SUFFIX}")


def swap_folder(staging: Path, final: Path) -> None:
    """Put a fully written folder in place of `final`, then delete the old copy.

    On Linux the two folders trade places in one step (renameat2 RENAME_EXCHANGE), so `final` is
    never absent. Where that is not available, two renames: between them `final` is briefly
    absent, and a process killed there leaves the old copy at `retired_path(final)`.
    """
    if not final.exists():
        staging.rename(final)
    elif exchange(staging, final):
        shutil.rmtree(staging, ignore_errors=True)  # it holds the old copy now
    else:
        retired = retired_path(final)
        shutil.rmtree(retired, ignore_errors=True)
        final.rename(retired)
        staging.rename(final)
        shutil.rmtree(retired, ignore_errors=True)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2  # from <linux/fs.h>


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where it is unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library without it
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):  # the file system's
        return False
    raise OSError(error, os.strerror(error), str(second))


def repository_root(folder: Path) -> Path | None:
    """The closest folder at or above `folder` holding `.git` (a folder, or a file in a worktree)."""
    folder = folder.absolute()
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None
