"""Writing an output file all at once: a failed or interrupted write leaves nothing behind.

:func:`replace_when_done` writes into a hidden temporary file beside the target and renames
it over the target only when the writing is complete, so the target is either the old file
(untouched, not truncated) or the whole new one. :func:`check_output` and
:func:`describe_os_error` turn the ways an output path can be wrong into one line that says
what to do.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from bot.i18n import N_, _

ANOTHER_PATH = N_("choose another -o path")
#: What to do about an error, by errno.
_ADVICE = {
    errno.EACCES: N_("check the folder's permissions or choose another -o path"),
    errno.EPERM: N_("check the folder's permissions or choose another -o path"),
    errno.EROFS: N_("the file system is read-only; choose another -o path"),
    errno.ENOSPC: N_("the disk is full; free some space or choose another -o path"),
    errno.EDQUOT: N_("the disk quota is used up; free some space or choose another -o path"),
    errno.EFBIG: N_("the file is too big for this file system or limit; choose another -o path"),
    errno.ENOENT: N_("create the folder first or choose another -o path"),
    errno.ENOTDIR: N_("a part of the path is a file, not a folder; choose another -o path"),
    errno.EISDIR: N_("it is a folder; give a file name"),
}


def check_output(given: str) -> str | None:
    """What is wrong with writing to the path ``given`` (as typed), or None if it looks fine.

    This catches the common mistakes before any work is done; whatever it cannot see (no
    permission, a full disk) shows up as an ``OSError`` from :func:`replace_when_done`.
    """
    path = Path(given)
    if given.endswith(("/", os.sep)) or path.is_dir():
        return _(
            "cannot write {file}: it names a folder; give a file name (e.g. {example})"
        ).format(file=given, example=f"{path / 'bank'}.yaml")
    folder = path.parent
    if not folder.exists():
        return _(
            "cannot write {file}: the folder {folder} does not exist; "
            "create it first or choose another -o path"
        ).format(file=given, folder=folder)
    if not folder.is_dir():
        return _("cannot write {file}: {folder} is not a folder; choose another -o path").format(
            file=given, folder=folder
        )
    return None


def describe_os_error(given: str, exc: OSError) -> str:
    """One line for an error writing ``given``: what went wrong and what to do."""
    reason = exc.strerror or str(exc)
    advice = _ADVICE.get(exc.errno or 0, ANOTHER_PATH)
    return _("cannot write {file}: {reason}; {advice} (nothing was written)").format(
        file=given, reason=reason, advice=_(advice)
    )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def replace_when_done(target: Path) -> Iterator[TextIO]:
    """A text stream (UTF-8) whose content becomes ``target`` when the block ends without error.

    The temporary file sits in the target's folder (so the rename is atomic) and is removed
    when anything fails. A replaced file keeps its permissions; a new one gets the usual
    ones (0666 less the umask). A symbolic link is followed: the file it points to is replaced.
    """
    final = target.resolve()
    temp = final.with_name(f".{final.name}.{secrets.token_hex(4)}.part")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if final.exists():
            shutil.copymode(final, temp)
        else:
            os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, final)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
