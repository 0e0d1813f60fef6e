"""Stored events are forever: fields added to a model later leave the bytes of older events as
they were stored, so their chain hashes, and every digest anchored elsewhere, still verify."""

from __future__ import annotations

from commitment_tracker.events import build
from commitment_tracker.tracker.mapper import canonical


def test_an_assessment_and_a_pledge_without_the_edition_fields_are_stored_as_before() -> None:
    assessed = build("compliance_assessed", commitment="open", party="US", score=1, on="2024-06-01", cycle="final")
    assert canonical(assessed, "ab") == (
        b'{"event":{"type":"compliance_assessed","commitment":"open","on":"2024-06-01","party":"US",'
        b'"score":1,"cycle":"final"},"prev":"ab"}'
    )
    made = build("commitment_made", commitment="open", on="2019", title="Open", parties=("US",), area="Trade",
                 code="2019-1", text="We will keep markets open.")  # fmt: skip
    assert canonical(made, "") == (
        b'{"event":{"type":"commitment_made","commitment":"open","on":"2019","title":"Open","parties":["US"],'
        b'"cadence":"once","area":"Trade","code":"2019-1","text":"We will keep markets open."},"prev":""}'
    )


def test_an_assessment_of_an_edition_names_it_after_the_fields_it_had() -> None:
    assessed = build("compliance_assessed", commitment="open", party="US", score=1, on="2024-06-01",
                     edition="ed-2022")  # fmt: skip
    assert canonical(assessed, "").endswith(b'"score":1,"edition":"ed-2022"},"prev":""}')
