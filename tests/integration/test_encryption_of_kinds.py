"""Attacks on the promise that every text of every event is encrypted at rest, meeting kinds named
(README, "Encryption at rest": "... meeting kinds ... in the log and in the materialised view
(... ``view_entities.due_next`` ...)").

The other encryption tests look for capitalised words of titles and notes. A meeting's kind is a
lower-case slug (``trilateral-summit``, ``vice-ministerial``), and a commitment due by "the next
meeting of a kind" carries one more in the view's ``due_next`` column, a column the view also
indexes and that ``show MEETING`` and ``due`` search by: a column that would be convenient to keep
in clear. Someone holding the database without the key must not learn from it which kind of
meeting anything was, or is awaited at.

The attack reads what a thief would: every byte of the SQLite file with its journals, or every
column of every table (and index definition) of the store's PostgreSQL schema.
"""

from __future__ import annotations

import json

import pytest

from commitment_tracker.projections.view.sealing import PREFIX
from tests.integration.test_encryption import _everything_stored, key, run
from tests.integration.test_integrity import DATASET, Raw

EVENTS = [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines() if line.strip()]
#: Every meeting kind the dataset uses: the kinds of its meetings and the kinds commitments are due by.
KINDS = {e["kind"] for e in EVENTS if "kind" in e} | {e["due_next"] for e in EVENTS if "due_next" in e}
#: What names an entity: ids are slugs, and stay visible without the key (README: "What stays visible
#: without the key"), in their own columns and in references such as ``target``.
IDS = {value.split("#")[0] for e in EVENTS
       for field in ("commitment", "meeting", "statement", "source", "target", "about")
       for value in ([e[field]] if isinstance(e.get(field), str) else e.get(field) or [])}  # fmt: skip
#: The kinds whose presence in clear can only be a leak: a kind that is also part of an id
#: (``defense-dialogue`` of ``trilateral-defense-dialogue-2024``, ``exercise`` of
#: ``freedom-edge-exercise``) would be found in the id's visible columns, and prove nothing.
SECRET_KINDS = sorted(kind for kind in KINDS if not any(kind in ident for ident in IDS))
#: A kind typed at the command line after the view was built, so that catch-up writes it (not only a
#: build of the whole view), both as a meeting's kind and as a pledge's next-meeting deadline.
TYPED = "leaders-retreat"


def test_the_kinds_attacked_are_the_datasets_and_none_is_part_of_an_id() -> None:
    """The attack below is only as good as its list: it must hold the kind a commitment is due by
    and the kind three meetings share, and leave out exactly the kinds that are parts of ids."""
    expected = {"trilateral-summit", "vice-ministerial", "bilateral-dialogue", "bilateral-vice-ministerial"}
    assert expected <= set(SECRET_KINDS)
    assert KINDS - set(SECRET_KINDS) == {"defense-dialogue", "exercise"}
    assert not any(TYPED in ident for ident in IDS)


@pytest.fixture
def sealed(store_url: str) -> tuple[str, str]:
    """The dataset in a store with a key, its view built and read by every path that reads a kind:
    the board, the meetings list (whole and by kind), a meeting, the commitment due by the next
    trilateral-summit, deadlines; then a meeting and a pledge with a new kind, caught up."""
    secret = key()
    assert run(store_url, secret, "import", str(DATASET)).exit_code == 0
    for command in (["status"], ["meetings"], ["meetings", "--kind", "vice-ministerial"],
                    ["show", "camp-david-2023"], ["show", "trilateral-coordinating-mechanism"], ["due"],
                    ["meeting", "schedule", "next-gathering", "--on", "2025-01-10", "--for", "2025-06-01",
                     "--kind", TYPED, "--title", "T", "--party", "US", "--by", "tester"],
                    ["pledge", "new-pledge", "--on", "2025-01-10", "--title", "T", "--party", "US",
                     "--due-next", TYPED, "--by", "tester"],
                    ["status"], ["show", "new-pledge"], ["meetings", "--kind", TYPED], ["due"]):  # fmt: skip
        result = run(store_url, secret, *command)
        assert result.exit_code == 0, (command, result.output)
    return store_url, secret


def test_no_meeting_kind_is_stored_in_clear_anywhere(sealed: tuple[str, str]) -> None:
    url, secret = sealed
    stored = _everything_stored(Raw(url), url)
    leaked = [kind for kind in (*SECRET_KINDS, TYPED) if kind.encode() in stored]
    assert not leaked, f"stored in clear: {leaked}"
    # ...while the store holds them: with the key they are read back.
    shown = json.loads(run(url, secret, "show", "camp-david-2023", "--json").stdout)
    assert "trilateral-summit" in json.dumps(shown)
    assert TYPED in run(url, secret, "meetings").stdout


def test_the_views_due_next_column_holds_each_kind_sealed(sealed: tuple[str, str]) -> None:
    url, secret = sealed
    raw = Raw(url)
    table = f'"{raw.schema}".view_entities' if raw.postgres else "view_entities"
    due = dict(raw.run(f"SELECT entity, due_next FROM {table} WHERE due_next IS NOT NULL"))
    # The commitments due by the next meeting of a kind have their row: the check below is not vacuous.
    assert {"trilateral-coordinating-mechanism", "new-pledge"} <= due.keys(), due
    clear = {entity: value for entity, value in due.items()
             if not value.startswith(PREFIX) or any(kind in value for kind in (*KINDS, TYPED))}  # fmt: skip
    assert not clear, f"due_next in clear: {clear}"
    awaiting = json.loads(run(url, secret, "show", "trilateral-coordinating-mechanism", "--json").stdout)
    assert "trilateral-summit" in json.dumps(awaiting)  # sealed, not lost
