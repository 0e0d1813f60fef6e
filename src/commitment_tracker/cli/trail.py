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
    Column("recorded", "recorded (by)", priority=2, stack="on"),
    Column("detail", "detail", width=60, priority=1, stack="type"),
]


def history_rows(events: list[dict[str, Any]], titles: dict[str, str]) -> list[dict[str, Any]]:
    """Table rows of an audit trail: each event, and under it its evidence (``titles``: source titles)."""
    rows = []
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
        rows.append(event | {"change": change, "detail": "; ".join(marks), "n": "#" + event["ref"].split("#")[1],
                             "recorded": (event["recorded_at"] or "")[:19].replace("T", " ")
                             + f"\n{event.get('recorded_by') or ''}"})  # fmt: skip
        if event.get("source") or event.get("quote"):
            rows.append({"type": EVIDENCE, "detail": evidence_line(event, titles)})
    return rows


EVIDENCE = "\u21b3 evidence"


def evidence_line(event: dict[str, Any], titles: dict[str, str]) -> str:
    """The line printed under an event: its source (id and title) and its quote."""
    source = event.get("source")
    cited = f"{source} ({titles[source]})" if source in titles else (source or "no source")
    return cited + (f": \u201c{event['quote']}\u201d" if event.get("quote") else "")


def history_table(events: list[dict[str, Any]], titles: dict[str, str], title: str) -> None:
    emit_table(HISTORY_COLUMNS, history_rows(events, titles), title=title)


def history_csv_keys() -> list[str]:
    return ["ref", "type", "on", "recorded_at", "recorded_by", "status_before", "status_after", "retracted",
            "retracted_by", "corrected_by", "source", "quote", "note", "target", "decision", "reconciles", "reason"]  # fmt: skip
