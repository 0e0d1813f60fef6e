"""The log's running digest over a page of events is the digest event by event."""

from __future__ import annotations

from uuid import uuid4

from commitment_tracker.tracker.chain import GENESIS, link, links


def test_links_over_a_page_are_each_event_linked_alone() -> None:
    ids = [uuid4() for _ in range(5)]
    states = [f'{{"event":{{"n":{n}}},"prev":""}}'.encode() for n in range(5)]
    one_by_one, digest = [], GENESIS
    for n, (ident, state) in enumerate(zip(ids, states)):
        digest = link(digest, ident, n + 1, "commitment_tracker:x", state)
        one_by_one.append(digest)
    previous = [GENESIS, *one_by_one[:-1]]
    assert links(previous, [i.hex for i in ids], range(1, 6), ["commitment_tracker:x"] * 5, states) == one_by_one
