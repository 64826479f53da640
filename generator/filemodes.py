"""Permissions for files newsdesk writes: what the user's umask allows, as for any ordinary file.

tempfile.mkstemp and mkdtemp create owner-only files and folders; output and snapshots are ordinary
data a web server or a colleague reads, so whatever is staged that way is given these modes.
"""

from __future__ import annotations

import os


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Read once at import: os.umask can only be read by setting it, which is not thread-safe later.
UMASK = _current_umask()
FILE_MODE = 0o666 & ~UMASK
DIR_MODE = 0o777 & ~UMASK
