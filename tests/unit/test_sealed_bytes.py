"""Telling encrypted stored bytes from an event in clear, without the key.

A store read without its key must say so in one line (``KeyProblem.missing``), whatever its
ciphertext's first byte: the nonce that starts it is random, so one event in 256 begins with
``{``, the byte every JSON object begins with. Taking such an event for one in clear gave
"cannot read the store's events ... its digest no longer matches the chain" instead. Every event
in clear, of any release, begins ``{"`` (JSON written without a space after the brace): that is
the test, leaving one ciphertext in 65,536 to be taken for clear and refused as unreadable.
"""

from __future__ import annotations

import os
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from commitment_tracker.tracker.chain import is_sealed
from commitment_tracker.tracker.errors import KeyProblem
from commitment_tracker.tracker.mapper import RecordMapper


@pytest.mark.parametrize("first", [b"{\x01", b"{{", b"{\x00", b"{\xff"])
def test_ciphertext_starting_with_a_brace_is_sealed(first: bytes) -> None:
    state = first + os.urandom(40)
    assert is_sealed(state)
    mapper = RecordMapper(transcoder=None, compressor=None, cipher=None)  # type: ignore[arg-type]
    with pytest.raises(KeyProblem, match="set TRACKER_CIPHER_KEY"):
        mapper.decrypt(StoredEvent(originator_id=uuid4(), originator_version=1, topic="t", state=state))


def test_an_event_in_clear_is_not_sealed() -> None:
    plain = b'{"event":{"type":"source_registered","source":"s","title":"S"},"prev":""}'
    assert not is_sealed(plain) and not is_sealed(plain.decode())
    mapper = RecordMapper(transcoder=None, compressor=None, cipher=None)  # type: ignore[arg-type]
    assert mapper.decrypt(StoredEvent(originator_id=uuid4(), originator_version=1, topic="t", state=plain)) == plain
