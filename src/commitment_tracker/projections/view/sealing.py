"""The one way text enters and leaves the view's tables: sealed under the store's key, if it has one.

Every column of the materialised view that holds event content (titles, quotes, notes, archived
text, who recorded it, meeting kinds) is written with ``seal`` and read with ``unseal``. Without a
key both are the identity, so an unencrypted store pays nothing. With a key the text is encrypted
with the same AES-GCM cipher as the log (authenticated: a wrong key or an edited cell is refused,
never read as garbage) and kept as ``aes:`` + base64 in the TEXT columns both databases have.

A new view table: keep ids, dates, statuses and counts in their own columns (they stay visible and
indexable), put everything else in one TEXT column written as ``sealer.seal(json.dumps(...))``,
and return it from ``ViewSQL`` through ``unseal`` (see ``ViewSQL.opened``).
"""

from __future__ import annotations

from base64 import b64decode, b64encode
from binascii import Error as Base64Error
from typing import Any

from commitment_tracker.tracker.errors import KeyProblem

PREFIX = "aes:"


class ViewNotSealed(Exception):
    """The view was written in clear (before its store had a key, or by an earlier release)."""


class Sealer:
    def __init__(self, cipher: Any | None) -> None:
        self.cipher = cipher

    @property
    def sealing(self) -> bool:
        return self.cipher is not None

    def seal(self, text: str) -> str:
        if self.cipher is None:
            return text
        return PREFIX + b64encode(self.cipher.encrypt(text.encode())).decode("ascii")

    def unseal(self, text: str) -> str:
        if not text.startswith(PREFIX):
            if self.cipher is not None:
                raise ViewNotSealed(text[:20])
            return text
        if self.cipher is None:
            raise KeyProblem.missing()
        try:
            return self.cipher.decrypt(b64decode(text[len(PREFIX) :])).decode()  # type: ignore[no-any-return]
        except (ValueError, KeyError, Base64Error) as error:  # GCM: "MAC check failed"
            raise KeyProblem.wrong() from error
