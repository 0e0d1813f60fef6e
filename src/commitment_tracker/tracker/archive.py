"""Archived source texts: read once, fingerprinted with sha256."""

from __future__ import annotations

import hashlib
from pathlib import Path

from commitment_tracker.tracker.errors import InputError

MAX_TEXT = 2_000_000


def read_text(path: Path) -> tuple[str, str]:
    """The file's text and the sha256 of its bytes."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{path} is not UTF-8 text (byte {error.start})") from None
    if not text.strip():
        raise InputError(f"{path} is empty")
    if len(text) > MAX_TEXT:
        raise InputError(f"{path} is longer than {MAX_TEXT:,} characters")
    return text, hashlib.sha256(data).hexdigest()
