"""``ctrack matrix``: the compliance matrix, commitments x parties, rendered."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import click

from commitment_tracker.cli.context import Context, pass_context
from commitment_tracker.cli.options import query_options
from commitment_tracker.cli.output import Column, choose_format, emit, status_style
from commitment_tracker.cli.clocks import as_known, clocks

OVERDUE_MARK = "!"
SUMMARY = "fulfilled / due"
SCORE_SUMMARY = "average score"


def cell_style(value: Any) -> str | None:
    text = str(value or "")
    if text.endswith(OVERDUE_MARK):
        return "bold red"
    if text in ("+1", "0", "-1"):
        return {"+1": "green", "0": "yellow", "-1": "red"}[text]
    return status_style(text)


def cell_text(cell: dict[str, Any] | None) -> str:
    if cell is None:
        return ""  # not a party to it
    return cell["status"] + (OVERDUE_MARK if cell["overdue"] else "")


def score_text(score: dict[str, Any]) -> str:
    share = "n/a" if score["share"] is None else f"{score['share']:.0%}"
    return f"{score['fulfilled']}/{score['due']} ({share})"


def score_mark(score: int | None) -> str:
    return "" if score is None else f"{score:+d}" if score else "0"


def _cell(row: dict[str, Any], party: str) -> str:
    """A commitment that has compliance scores shows them (empty: not assessed); others, the status."""
    if row["scores"]:
        return score_mark(row["scores"].get(party))
    return cell_text(row["cells"].get(party))


@click.command()
@click.option("--area", help="Only commitments of this issue area.")
@query_options
@pass_context
def matrix(app: Context, area: str | None, as_of: date | None, known_at: datetime | None, fmt: str | None,
           as_json: bool) -> None:  # fmt: skip
    """Compliance matrix: each party's status on every commitment, and its share of due ones fulfilled.

    A cell is fulfilled, pending or abandoned ('!' marks overdue); a party still
    'pending' on a standing principle shows 'active', on a superseded one 'superseded'.
    The summary row counts, per party, the commitments DUE as of the date -- a
    once commitment whose deadline (due date, or the meeting its --due-next
    resolved to) has passed or is today; a recurring one whose first period has
    run out -- and how many of them the party fulfilled. Standing principles,
    commitments without a deadline and superseded ones are never due.
    """
    from commitment_tracker.projections.compliance import matrix_of
    from commitment_tracker.projections.fold import CommitmentStatus

    fmt = choose_format(fmt, as_json)
    at = clocks(as_of, known_at)
    day, moment = at.as_of, at.moment
    board = app.reader.board(at)  # read once: the statuses and the score sheet are of the same board
    built = matrix_of([CommitmentStatus.from_data(row) for row in board], day, area=area)
    data = {"as_of": day.isoformat(), "known_at": moment.isoformat()} | built.to_data()
    # SPEC §8: where a commitment has compliance scores, each cell carries the one that counts.
    scores = {row.id: row for row in app.reader.score_sheet(at, area, board)}
    data["rows"] = [row | {"scores": dict(sorted(scores[row["id"]].scores.items()))}
                    for row in data["rows"] if row["id"] in scores]  # fmt: skip
    # The table's "average score" row, exact: each party's average over the scores of these rows.
    data["score_summary"] = score_summary([scores[row["id"]] for row in data["rows"]])
    parties = data["parties"]
    if fmt != "table":
        # A score is a number here (1, 0, -1): '+1' would be text to a spreadsheet, beside a number 0.
        rows = [{"id": row["id"], "title": row["title"], "status": row["status"], "due_on": row["due_on"],
                 "due": row["due"], **{party: row["scores"].get(party) if row["scores"] else _cell(row, party)
                                       for party in parties}} for row in data["rows"]]  # fmt: skip
        columns = [Column(key, key) for key in ("id", "title", "status", "due_on", "due", *parties)]
    else:
        rows, columns = _table(data, [scores[row["id"]] for row in data["rows"] if row["id"] in scores],
                               app.reader.score_only(at, list(scores.values()), board))  # fmt: skip
    caption = (f"'{OVERDUE_MARK}' overdue; a commitment with compliance scores shows them (+1 / 0 / -1; empty: not assessed); "
               f"'{SUMMARY}': due commitments each party fulfilled (see ctrack matrix --help); "
               f"'{SCORE_SUMMARY}': each party's average over the scores shown")
    emit(fmt, data, columns, rows, title=f"Compliance as of {day.isoformat()}{as_known(at)}", caption=caption)


def score_summary(sheet: list[Any]) -> dict[str, dict[str, Any]]:
    """Each scored party's average, percent and count of scores over ``sheet`` (SPEC §8's averages)."""
    from commitment_tracker.projections.scores import summarise

    return {g["key"]: {"average": g["average"], "percent": g["percent"], "scores": g["scores"]}
            for g in summarise(sheet, "party")["groups"]}  # fmt: skip


def _table(data: dict[str, Any], sheet: list[Any], score_only: set[str]) -> tuple[list[dict[str, Any]], list[Column]]:
    """The matrix for people: a score-only commitment is its scores (its ``pledged`` and party
    statuses say nothing); the summary rows are each party's fulfilled / due over the others and
    its average score over the scored ones, each only where there is such a commitment."""
    parties = data["parties"]
    rows = []
    for row in data["rows"]:
        quiet = row["id"] in score_only
        rows.append({"id": row["id"], "title": row["title"], "status": "" if quiet else row["status"],
                     "due_on": None if quiet else row["due_on"], "due": row["due"],
                     **{party: _cell(row, party) for party in parties}})  # fmt: skip
    if any(row["id"] not in score_only for row in data["rows"]) or not data["rows"]:
        rows.append({"id": "", "title": SUMMARY, "status": "", "due_on": None, "due": None,
                     **{party: score_text(data["summary"][party]) for party in parties}})  # fmt: skip
    if sheet:
        averages = {party: found["average"] for party, found in data["score_summary"].items()}
        rows.append({"id": "", "title": SCORE_SUMMARY, "status": "", "due_on": None, "due": None,
                     **{party: _average(averages.get(party)) for party in parties}})  # fmt: skip
    statuses = [Column("status", "status", status_style, priority=1, stack="id", label="status: "),
                Column("due_on", "due", priority=2, stack="status", label="due: ")]  # fmt: skip
    if all(row["id"] in score_only for row in data["rows"]):  # nothing to say in them: no empty columns
        statuses = []
    columns = [Column("id", "id"), *statuses, *[Column(party, party, cell_style) for party in parties],
               Column("title", "title", width=50, priority=3, stack="id")]  # fmt: skip
    return rows, columns


def _average(value: float | None) -> str:
    from commitment_tracker.projections.figures import average_text

    return average_text(value)



COMMANDS = [matrix]
