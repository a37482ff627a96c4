"""Checks a corpus file must pass before it is read or touches the file system: place, size and id."""
from __future__ import annotations

import re
from pathlib import Path

from rag.errors import DocumentError
from rag.schemas import LoadedDocument

SAFE_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$")
DEFAULT_MAX_BYTES = 2_000_000


def leaves_corpus(path: Path, corpus_dir: Path) -> bool:
    """True when `path` (a symlink, or inside a symlinked folder) resolves to somewhere outside the corpus."""
    try:
        path.resolve(strict=True).relative_to(corpus_dir.resolve(strict=True))
    except (OSError, ValueError):
        return True
    return False


def check_file(path: Path, corpus_dir: Path, max_bytes: int | None = DEFAULT_MAX_BYTES) -> None:
    """DocumentError when a file points outside the corpus or is larger than `max_bytes` (checked before reading)."""
    source = path.relative_to(corpus_dir).as_posix()
    if leaves_corpus(path, corpus_dir):
        raise DocumentError(source, "is a link to a file outside the corpus; skipped",
                            "copy the file into the corpus folder instead")
    size = path.stat().st_size
    if max_bytes and size > max_bytes:
        raise DocumentError(source, f"is {size:,} bytes, over the {max_bytes:,}-byte limit "
                                    "(REELQA_MAX_DOCUMENT_BYTES); skipped", "split it or raise the limit")


def is_safe_id(doc_id: object) -> bool:
    """True for ids usable as a file name: letters, digits, '.', '_' and '-', not starting with a dot."""
    return isinstance(doc_id, str) and bool(SAFE_ID.match(doc_id)) and ".." not in doc_id


def check_document(doc: LoadedDocument) -> LoadedDocument:
    """The document, or DocumentError when its id (e.g. from front matter) is not a safe file name."""
    if not is_safe_id(doc.meta.doc_id):
        raise DocumentError(doc.meta.source, f"has the id {doc.meta.doc_id!r}, which is not a safe id",
                            "use letters, digits, '.', '_' and '-' only (at most 200, no '..', no '/')")
    return doc
