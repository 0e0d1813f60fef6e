"""``ctrack due``: what is overdue, what falls due within a window, what awaits the next meeting of a kind."""

from __future__ import annotations

from tests.cli.helpers import error_line, parse_csv


def states(ctrack, *args):
    """{commitment: (state, due_on, days)} from ``due --json``."""
    return {d["id"]: (d["state"], d["due_on"], d["days"]) for d in ctrack.json("due", *args)["deadlines"]}


def test_due_in_the_trilateral_late_in_2024(trilateral):
    data = trilateral.json("due", "--as-of", "2024-11-01", "--within", "1y")
    assert (data["as_of"], data["within_days"]) == ("2024-11-01", 365)
    found = {d["id"]: d for d in data["deadlines"]}
    assert [d["id"] for d in data["deadlines"]][0] == "cd-meet-annually"  # overdue first
    assert (found["cd-meet-annually"]["state"], found["cd-meet-annually"]["days"]) == ("overdue", -75)
    assert found["cd-meet-annually"]["pending"] == ["US", "JP", "KR"]
    assert (found["freedom-edge-exercise"]["state"], found["freedom-edge-exercise"]["due_on"]) == ("upcoming", "2025-06-27")
    mechanism = found["trilateral-coordinating-mechanism"]
    assert (mechanism["state"], mechanism["due_on"], mechanism["due_next"]) == ("awaiting", None, "trilateral-summit")
    # Fulfilled commitments and standing principles have no deadline to list.
    assert "tscf-moc" not in found and "cd-consult-expeditiously" not in found


def test_due_window_defaults_to_30_days(trilateral):
    assert "freedom-edge-exercise" not in states(trilateral, "--as-of", "2025-05-01")
    assert states(trilateral, "--as-of", "2025-06-01")["freedom-edge-exercise"] == ("upcoming", "2025-06-27", 26)
    assert states(trilateral, "--as-of", "2025-05-01", "--within", "2m")["freedom-edge-exercise"][0] == "upcoming"


def test_a_due_next_deadline_resolves_when_the_meeting_is_scheduled_then_held(ctrack):
    ctrack.ok("pledge", "mechanism", "--on", "2024-10-16", "--title", "Finalize a mechanism", "--party", "US",
              "--party", "JP", "--due-next", "trilateral-summit")  # fmt: skip
    out = ctrack.ok("due", "--as-of", "2024-11-01").stdout
    assert "awaiting the next" in out and "trilateral-summit" in out
    ctrack.ok("meeting", "schedule", "summit-2025", "--on", "2024-11-10", "--for", "2024-12-01",
              "--kind", "trilateral-summit", "--title", "Summit", "--party", "US", "--party", "JP")  # fmt: skip
    [scheduled] = ctrack.json("due", "--as-of", "2024-11-15")["deadlines"]
    assert (scheduled["state"], scheduled["due_on"], scheduled["days"]) == ("upcoming", "2024-12-01", 16)
    assert (scheduled["due_meeting"], scheduled["meeting_held"]) == ("summit-2025", False)
    out = ctrack.ok("due", "--as-of", "2024-11-15").stdout
    assert "in 16 days" in out and "summit-2025," in out and "scheduled" in out
    ctrack.ok("meeting", "add", "summit-2025", "--on", "2024-12-02", "--kind", "trilateral-summit",
              "--title", "Summit", "--party", "US", "--party", "JP")  # fmt: skip
    [held] = ctrack.json("due", "--as-of", "2024-12-05")["deadlines"]
    assert (held["state"], held["due_on"], held["days"], held["meeting_held"]) == ("overdue", "2024-12-02", -3, True)
    ctrack.ok("fulfil", "mechanism", "--on", "2024-12-02")
    assert ctrack.json("due", "--as-of", "2024-12-05")["deadlines"] == []


def test_due_table_says_when_in_words(seeded):
    out = seeded.ok("due", "--as-of", "2024-07-03").stdout
    line = next(line for line in out.splitlines() if line.strip().startswith("deliver"))
    assert "2024-06-30" in line and "3 days overdue" in line
    out = seeded.ok("due", "--as-of", "2024-06-20").stdout
    assert "in 10 days" in out


def test_due_csv(seeded):
    rows = parse_csv(seeded.ok("due", "--as-of", "2024-07-03", "--format", "csv").stdout)
    deliver = next(r for r in rows if r["id"] == "deliver")
    assert (deliver["state"], deliver["due_on"], deliver["days"], deliver["pending"]) == ("overdue", "2024-06-30", "-3", "US;JP")


def test_due_rejects_a_bad_window(ctrack):
    error_line(ctrack("due", "--within", "soon"), 2, "--within", "span")
