"""File-system helpers for the data folder: atomic writes, one-line errors when it is read-only, private copies."""
from __future__ import annotations

import atexit
import errno
import logging
import os
import shutil
import tempfile
from pathlib import Path

from rag.errors import ConfigError

log = logging.getLogger("reelqa.index")


def can_write(path: Path) -> bool:
    """True if Chroma may open this folder (it writes on open): the folder and its files are writable."""
    if not path.exists():
        return os.access(path.parent, os.W_OK)
    return os.access(path, os.W_OK) and all(os.access(p, os.W_OK) for p in path.iterdir())


_COPIES: dict[Path, Path] = {}


def read_only_copy(folder: Path) -> Path:
    """A private, writable copy of a version's Chroma folder (read-only data folders), made once per process."""
    if folder not in _COPIES:
        target = Path(tempfile.mkdtemp(prefix=f"reelqa-{folder.name}-"))
        shutil.copytree(folder / "chroma", target / "chroma")
        for path in [target / "chroma", *(target / "chroma").rglob("*")]:
            path.chmod(0o700 if path.is_dir() else 0o600)
        atexit.register(shutil.rmtree, target, True)
        log.info("data folder is read-only: serving %s from a private copy in %s", folder.name, target)
        _COPIES[folder] = target
    return _COPIES[folder]


def writable(action, path: Path):
    """Run a file-system write; a read-only or unwritable data folder becomes one ConfigError line."""
    try:
        return action()
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        raise ConfigError(f"data folder {path} is not writable ({exc.strerror}); index writes need write access: "
                          "fix its permissions or set REELQA_DATA_DIR to a writable folder") from None


def atomic_write(path: Path, text: str) -> None:
    """Write a file so readers see the old or the new content, never half of it."""
    def write() -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)

    writable(write, path.parent)
