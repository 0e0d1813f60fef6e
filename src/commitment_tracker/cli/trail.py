"""The audit trail as a table: ``history ID``, and the events of a meeting or statement in ``show``."""

from __future__ import annotations

from typing import Any

from commitment_tracker.cli.output import Column, emit_table

NONE, ARROW = "\u2014", "\u2192"

HISTORY_COLUMNS = [
    Column("n", "#"),
    Column("on", "on"),
    Column("type", "event"),
    Column("change", "status", priority=3, stack="type"),
    # Under the event, not under "on": an event with no valid date (a retraction) must not read as
    # dated by its record time.
    Column("recorded", "recorded (by)", priority=2, stack="type", label="recorded "),
    Column("detail", "detail", width=60, priority=1, stack="type"),
]


def history_rows(events: list[dict[str, Any]], titles: dict[str, str], scores_lead: bool = False) -> list[dict[str, Any]]:
    """Table rows of an audit trail: each event, and under it its evidence (``titles``: source titles).

    ``scores_lead``: a score-only commitment, whose status never moves from ``pledged``: the status
    column shows instead the party's score each assessment gives, from the one before it."""
    rows = []
    held: dict[str, str] = {}  # party -> the score shown last, in the trail's own order
    for event in events:
        marks = []
        if event["retracted"]:
            marks.append("RETRACTED by " + ", ".join(event["retracted_by"]))
        if event["corrected_by"]:
            marks.append("corrected by " + ", ".join(event["corrected_by"]) + "; as recorded: " +
                         ", ".join(f"{k}={v}" for k, v in event.get("original", {}).items()))  # fmt: skip
        for key in ("target", "decision", "reason", "title", "note", "by", "due", "due_next", "meeting", "parties",
                    "party", "score", "cycle", "assessor", "reconciles", "area", "code"):
            if event.get(key) or (key == "score" and event.get(key) == 0):
                value = event[key]
                marks.append(f"{key}: {', '.join(value) if isinstance(value, list) else value}")
        before, after = event.get("status_before"), event.get("status_after")
        change = "" if after is None else (f"{before or NONE} {ARROW} {after}" if before != after else after)
        if scores_lead:
            change = _score_change(event, held)
        rows.append(event | {"change": change, "detail": "; ".join(marks), "n": "#" + event["ref"].split("#")[1],
                             "recorded": (event["recorded_at"] or "")[:19].replace("T", " ")
                             + (f"\nby {event['recorded_by']}" if event.get("recorded_by") else "")})  # fmt: skip
        if event.get("source") or event.get("quote"):
            rows.append({"type": EVIDENCE, "detail": evidence_line(event, titles)})
    return rows


def _score_change(event: dict[str, Any], held: dict[str, str]) -> str:
    """``AR 0 → +1``: a live assessment's score for its party, from the one shown before it."""
    if event["type"] != "compliance_assessed" or event["retracted"]:
        return ""
    party, score = event["party"], event["score"]
    mark = f"{score:+d}" if score else "0"
    before = held.get(party)
    held[party] = mark
    return f"{party} {mark}" if before in (None, mark) else f"{party} {before} {ARROW} {mark}"


EVIDENCE = "\u21b3 evidence"


def evidence_line(event: dict[str, Any], titles: dict[str, str]) -> str:
    """The line printed under an event: its source (id and title) and its quote."""
    source = event.get("source")
    cited = f"{source} ({titles[source]})" if source in titles else (source or "no source")
    return cited + (f": \u201c{event['quote']}\u201d" if event.get("quote") else "")


def history_table(events: list[dict[str, Any]], titles: dict[str, str], title: str, scores_lead: bool = False) -> None:
    emit_table(HISTORY_COLUMNS, history_rows(events, titles, scores_lead), title=title)


def history_csv_keys() -> list[str]:
    return ["ref", "type", "on", "recorded_at", "recorded_by", "status_before", "status_after", "retracted",
            "retracted_by", "corrected_by", "source", "quote", "note", "target", "decision", "reconciles", "reason"]  # fmt: skip
