"""Compliance scores (SPEC §8): ``assess``, ``scores``, ``import-scores`` and ``parties``."""

from __future__ import annotations

from contextlib import redirect_stdout
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from commitment_tracker.cli.context import Context, pass_context
from commitment_tracker.cli.options import (
    DATE, EDITION_ID, PARTY, SLUG, evidence_options, format_options, query_options, time_options,
)  # fmt: skip
from commitment_tracker.cli.output import Column, caution, choose_format, emit, emit_csv, note
from commitment_tracker.cli.clocks import as_known, clocks
from commitment_tracker.cli.recording import build, record

GROUPINGS = ("commitment", "party", "area", "year", "cycle", "summit")
SORTS = ("key", "average", "scores")  # projections.scores.SORTS, without importing it at start-up


class ScoreType(click.ParamType):
    name = "SCORE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        from commitment_tracker.tracker.scoretable import read_score

        score = read_score(str(value))
        if score is None:
            self.fail(f"{value!r} is not a score (1 full, 0 partial, -1 no compliance)", param, ctx)
        return score


@click.command()
@click.argument("commitment", metavar="ID", type=SLUG)
@click.option("--party", type=PARTY, required=True, help="The party scored.")
@click.option("--score", type=ScoreType(), required=True, help="1 full compliance, 0 partial, -1 none.")
@click.option("--on", "on", type=DATE, required=True, help="The date of the assessment.")
@click.option("--cycle", help="The assessment cycle, e.g. interim or final.")
@click.option("--assessor", help="Who made the assessment.")
@click.option("--meeting", type=SLUG, help="The meeting the assessment reports to.")
@click.option("--reconciles", "reconciles", metavar="REF", multiple=True,
              help="An assessment of the same commitment, party and cycle this score settles (repeat for each).")
@evidence_options
@pass_context
def assess(app: Context, commitment: str, party: str, score: int, on: str, cycle: str | None,
           assessor: str | None, meeting: str | None, reconciles: tuple[str, ...], source: str | None,
           quote: str | None, note: str | None) -> None:  # fmt: skip
    """Score PARTY's compliance with commitment ID: 1, 0 or -1, as of a date, in a cycle.

    \b
    With --reconciles, the score settles where analysts disagreed: it names
    their assessments of the unit, and counts like any later assessment.
    """
    record(app, build("compliance_assessed", commitment=commitment, party=party, score=score, on=on,
                      cycle=cycle, assessor=assessor, meeting=meeting, reconciles=tuple(dict.fromkeys(reconciles)),
                      source=source, quote=quote, note=note))  # fmt: skip


# The figures' one rule (projections.figures), imported when a command runs: importing projections
# at the top of a CLI module would load the fold for `ctrack --help` too.
def average_text(value: float | None) -> str:
    from commitment_tracker.projections.figures import average_text as text

    return text(value)


def percent_text(value: float | None) -> str:
    from commitment_tracker.projections.figures import percent_text as text

    return text(value)


def score_style(value: Any) -> str | None:
    text = str(value or "")
    if not text:
        return None
    number = float(text.rstrip("%")) if text.endswith("%") else None
    if number is None:
        try:
            number = (float(text) + 1) * 50
        except ValueError:
            return None
    return "green" if number >= 75 else "yellow" if number >= 50 else "red"


@click.command()
@click.option("--by", "by", type=click.Choice((*GROUPINGS, "assessor")), default=None,
              help="What to average over [default: party]; with --agreement: cycle, area, party or assessor "
              "[default: overall only].")  # fmt: skip
@click.option("--area", help="Only commitments of this issue area.")
@click.option("--party", type=PARTY, help="Only this party's scores.")
@click.option("--cycle", help="Only assessments of this cycle (interim, final, ...).")
@click.option("--summit", help="Only commitments of this summit (2010S; a bare year: each summit of that year).")
@click.option("--year", type=int, help="Only commitments made in this year.")
@click.option("--approved-only", is_flag=True, help="Only reviewed scores: approved, or brought by an edition.")
@click.option("--agreement", is_flag=True, help="Agreement between analysts (Krippendorff's alpha, ordinal).")
@click.option("--disagreements", is_flag=True, help="The units (commitment, party, cycle) where analysts differ.")
@click.option("--sort", "order", type=click.Choice(SORTS), help="Order the groups by key, highest average "
              "first, or most scores first [default: a ranking by party, else by key].")  # fmt: skip
@query_options
@pass_context
def scores(app: Context, by: str | None, area: str | None, party: str | None, cycle: str | None,
           summit: str | None, year: int | None, approved_only: bool, agreement: bool, disagreements: bool,
           order: str | None, as_of: date | None, known_at: datetime | None, fmt: str | None,
           as_json: bool) -> None:  # fmt: skip
    """Compliance averages by party, commitment, issue area, year or cycle.

    \b
    The score that counts for a party on a commitment is its latest assessment
    on or before --as-of (ties: the later recorded), as known at --known-at.
    A party never assessed on a commitment is left out of its averages, never
    counted as 0. Percent = (average + 1) / 2 x 100. Every group counts its
    disputed units: where analysts' latest scores differ, not yet reconciled.

    \b
    --approved-only keeps the assessments approved by a review (or brought by
    an edition) as known at --known-at, then picks the score that counts.
    --agreement gives Krippendorff's alpha (ordinal) over the units two or
    more analysts scored; --disagreements lists those where they differ.
    """
    fmt = choose_format(fmt, as_json)
    _check_modes(by, approved_only, agreement, disagreements, summit, year)
    at = clocks(as_of, known_at)
    day, moment = at.as_of, at.moment
    cycle = cycle.strip().lower() if cycle else None
    if agreement or disagreements:
        _known_names(app, area, cycle)
        head = {"as_of": day.isoformat(), "known_at": moment.isoformat()}
        scope = (area, party, cycle and f"{cycle} cycle")
        if agreement:
            _agreement(app, at, head, by, fmt, cycle=cycle, area=area, party=party, scope=scope)
        else:
            _disagreements(app, at, head, fmt, cycle=cycle, area=area, party=party, scope=scope)
        return
    from commitment_tracker.projections.scores import sort_groups
    from commitment_tracker.projections.view.scoreview import filter_notes, score_summary

    by = by or "party"
    notes: list[str] = []
    summary = score_summary(app.reader, at, by, cycle=cycle, area=area, party=party, summit=summit,
                            year=year, notes=notes, approved_only=approved_only)  # fmt: skip
    if not summary["overall"]["scores"]:  # only an empty answer can come of a name nothing has
        _known_names(app, area, cycle, summit)
        notes += filter_notes(app.reader, at, area, cycle)
    for message in notes:
        caution(message)
    if order is not None:
        summary["groups"] = sort_groups(summary["groups"], order)
    data = {"as_of": day.isoformat(), "known_at": moment.isoformat(), **summary}
    if approved_only:
        data["approved_only"] = True
    scope = (area, party, cycle and f"{cycle} cycle", summit and f"summit {summit}", year and f"made in {year}",
             approved_only and "approved only")  # fmt: skip
    emit(fmt, data, *_layout(fmt, by, summary), title=_title(by, day, scope) + as_known(at))


def _check_modes(by: str | None, approved_only: bool, agreement: bool, disagreements: bool,
                 summit: str | None, year: int | None) -> None:  # fmt: skip
    """The options that do not go together: usage errors (exit 2), each naming them."""
    if agreement and disagreements:
        raise click.UsageError("give --agreement or --disagreements, not both")
    mode = "--agreement" if agreement else "--disagreements" if disagreements else None
    if mode is not None:
        if approved_only:
            raise click.UsageError(f"{mode} compares every analyst's scores; --approved-only picks the ones that count")
        if summit is not None or year is not None:
            raise click.UsageError(f"{mode} takes --cycle, --area and --party, not --summit or --year")
    if agreement and by not in (None, "cycle", "area", "party", "assessor"):
        raise click.BadParameter(f"agreement is grouped by cycle, area, party or assessor, not {by}", param_hint="--by")
    if disagreements and by is not None:
        raise click.UsageError("--disagreements lists units; it takes no --by")
    if not agreement and by == "assessor":
        raise click.BadParameter("assessor groups agreement between analysts: give --agreement", param_hint="--by")


def _agreement(app: Context, at: Any, head: dict[str, Any], by: str | None, fmt: str, *, cycle: str | None,
               area: str | None, party: str | None, scope: tuple[Any, ...]) -> None:  # fmt: skip
    from commitment_tracker.projections.agreement import undefined
    from commitment_tracker.projections.view.reviewview import agreement_summary

    summary = agreement_summary(app.reader, at, by, cycle=cycle, area=area, party=party)
    for message in undefined(summary):
        caution(message)
    data = {**head, **summary}
    columns = [Column("key", by or ""), Column("alpha", "alpha"), Column("units", "units"),
               Column("pairable_values", "values"), Column("analysts", "analysts", width=50, priority=2)]  # fmt: skip
    rows = [*summary["groups"], {**summary["overall"], "key": "overall"}]
    if fmt != "json":
        rows = [row | {"key": "(none)" if row["key"] is None else row["key"], "analysts": ", ".join(row["analysts"]),
                       "alpha": ("" if row["alpha"] is None else f"{row['alpha']:.3f}") if fmt == "table" else row["alpha"]}
                for row in rows]  # fmt: skip
    if fmt == "csv":
        rows = rows[:-1] if by is not None else rows
    if by is None:
        columns = columns[1:]
    title = "Agreement between analysts" + (f" by {by}" if by else "") + f" as of {at.as_of.isoformat()}"
    scope_text = ", ".join(str(x) for x in scope if x)
    emit(fmt, data, columns, rows, title=title + (f" ({scope_text})" if scope_text else "") + as_known(at))


def _disagreements(app: Context, at: Any, head: dict[str, Any], fmt: str, *, cycle: str | None,
                   area: str | None, party: str | None, scope: tuple[Any, ...]) -> None:  # fmt: skip
    from commitment_tracker.projections.view.reviewview import disagreements

    found = disagreements(app.reader, at, cycle=cycle, area=area, party=party)
    data = {**head, "disagreements": found}
    # One line per analyst's score: a unit's lines follow each other.
    rows = []
    for unit in found:
        settled = unit["reconciled_by"]
        for index, score in enumerate(unit["scores"]):
            first = index == 0 or fmt != "table"  # CSV rows stand alone; a table names the unit once
            rows.append({"commitment": unit["commitment"] if first else "", "party": unit["party"] if first else "",
                         "cycle": (unit["cycle"] or "") if first else "",
                         "state": ("disputed" if unit["disputed"] else "settled") if first else "",
                         "settled_by": settled["ref"] if first and settled is not None else "",
                         "analyst": score["analyst"], "score": score["score"], "ref": score["ref"], "on": score["on"],
                         "note": score["note"] or "", "source": score["source"] or ""})  # fmt: skip
    # The ref, which names the commitment too, is what a reconciliation cites: it gives way last.
    columns = [Column("commitment", "commitment", priority=2), Column("party", "party"),
               Column("cycle", "cycle", priority=3), Column("state", "state"), Column("analyst", "analyst"),
               Column("score", "score"), Column("ref", "ref"), Column("settled_by", "settled by", priority=3),
               Column("on", "on", priority=4),
               Column("note", "note", width=40, priority=5), Column("source", "source", priority=6)]  # fmt: skip
    if fmt == "table" and not found:
        note("no unit has analysts who differ")
    scope_text = ", ".join(str(x) for x in scope if x)
    emit(fmt, data, columns, rows, title=f"Where analysts differ as of {at.as_of.isoformat()}"
         + (f" ({scope_text})" if scope_text else "") + as_known(at))  # fmt: skip


def _known_names(app: Context, area: str | None, cycle: str | None, summit: str | None = None) -> None:
    """A usage error (exit 2) for an --area or --cycle no score in the store has ever named, or a
    --summit no commitment was made at."""
    from commitment_tracker.projections.view.scoreview import unknown_names

    for option, problem in unknown_names(app.reader, area, cycle, summit).items():
        raise click.BadParameter(problem, param_hint=option)


def _title(by: str, day: date, scope: tuple[str | int | None, ...]) -> str:
    scope = ", ".join(str(x) for x in scope if x)
    return f"Compliance by {by} as of {day.isoformat()}" + (f" ({scope})" if scope else "")


def _layout(fmt: str, by: str, summary: dict[str, Any]) -> tuple[list[Column], list[dict[str, Any]]]:
    """Columns and rows: tables read like a compliance report (rounded, ranked, named); CSV keeps
    the exact figures."""
    table = fmt == "table"
    first = {"commitment": [Column("id", "id")] if table else [Column("id", "id"), Column("code", "code"),
                                                                Column("area", "area")],
             "party": [Column("rank", "#"), Column("key", "party"), Column("name", "member")],
             }.get(by, [Column("key", by)])  # fmt: skip
    # In a table, a commitment's title, code and area move under its id when the line runs out:
    # the title then has the width the figures leave, in every part.
    last = [Column("title", "title", width=60, priority=3 if table else 0, stack="id" if table else None)
            ] if by == "commitment" else []  # fmt: skip
    if by == "commitment":  # beside what was published (SPEC §8.1)
        last[:0] = [Column("published_average", "published", score_style if table else None),
                    *([Column("average_differs", "differs")] if not table else []),
                    *([Column("code", "code", priority=1, stack="id", label="code: "),
                       Column("area", "area", priority=2, stack="id", label="area: ")] if table else [])]  # fmt: skip
        if not table:
            last.append(Column("text", "text"))
    numbers = [Column("average", "average", score_style if table else None),
               Column("percent", "percent", score_style if table else None),
               Column("scores", "scores"),
               # one commitment per group when grouped by commitment: a table leaves the column out
               *([] if table and by == "commitment" else [Column("commitments", "commitments")]),
               Column("disputed", "disputed", priority=2)]  # fmt: skip
    if by == "commitment" and not table:
        last.append(Column("party_scores", "party_scores"))
    from commitment_tracker.projections.scores import ranks

    ranked = ranks(summary["groups"])
    rows = []
    for group in summary["groups"]:
        row = dict(group, rank=ranked.get(group["key"], ""))
        if row["key"] is None:
            row["key"] = "(none)"
        if table:
            row["average"], row["percent"] = average_text(group["average"]), percent_text(group["percent"])
            if by == "commitment":
                published = group.get("published_average")
                row["published_average"] = average_text(published) + (" ≠" if group.get("average_differs") else "")
        rows.append(row)
    if fmt == "csv":  # data rows only: a column must sum to the total, not twice it (JSON keeps "overall")
        return [*first, *numbers, *last], rows
    overall = summary["overall"]
    label = {"commitment": "id", "party": "key"}.get(by, "key")
    rows.append({label: "overall", "rank": "", **overall,
                 **({"average": average_text(overall["average"]), "percent": percent_text(overall["percent"])}
                    if table else {})})  # fmt: skip
    return [*first, *numbers, *last], rows


@click.command()
@format_options
def parties(fmt: str | None, as_json: bool) -> None:
    """The party registry: every party's code, its name and the other spellings read as it (ISO
    3166 countries, the EU and common short forms).

    \b
    A --party option takes a code, an alpha-3 code or a short form (JP, JPN,
    ROK, UK, korea); a full name is refused with the code it names, so a typo
    never becomes a party. A score table's header may use any spelling listed
    (japan, saudi.arabia, european.union)."""
    from commitment_tracker.events.parties import aliases_of, parties as registry

    fmt = choose_format(fmt, as_json)
    items = [{"code": code, "name": name, "aliases": aliases_of(code)} for code, name in sorted(registry().items())]
    columns = [Column("code", "code"), Column("name", "name"), Column("aliases", "aliases", width=60)]
    rows = [dict(i, aliases=", ".join(i["aliases"])) for i in items] if fmt == "table" else items
    emit(fmt, {"parties": items}, columns, rows, title="Parties")


@click.command("import-scores")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--on", "on", type=DATE, required=True, help="The date of the assessments (the report's date).")
@click.option("--cycle", help="The assessment cycle of every score, e.g. interim or final.")
@click.option("--summits", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A year,code,summit.date table: the date each commitment was made.")  # fmt: skip
@click.option("--edition", type=EDITION_ID, help="The edition the table is: its scores carry it, and it is "
              "published (dated --on, of --cycle) in the same transaction.")
@click.option("--title", help="The edition's title (required when the edition is new).")
@click.option("--source", type=SLUG, help="Registered source of every event recorded.")
@click.option("--assessor", help="Who made the assessments (e.g. the research group).")
@click.option("--note", "event_note", help="A note on every event recorded.")
@click.option("--dry-run", is_flag=True, help="Check the table and show what would be recorded; write nothing.")
@format_options
@pass_context
def import_scores(app: Context, file: Path, on: str, cycle: str | None, summits: Path | None, edition: str | None,
                  title: str | None, source: str | None, assessor: str | None, event_note: str | None, dry_run: bool,
                  fmt: str | None, as_json: bool) -> None:  # fmt: skip
    """Import a wide score table: one row per commitment (area, id, year, code, text,
    average), one column per party; all or nothing.

    \b
    A commitment not in the store yet is created (dated by --summits, else by
    its year); each score becomes an assessment dated --on. Importing the same
    table again records nothing; a later edition records only what it adds or
    changes. Published averages that disagree with the row's scores, codes used
    twice and re-coded rows are reported on stderr.

    \b
    With --edition, the scores recorded carry the edition and the edition is
    published with them; run again with nothing new, it records nothing, and
    an edition already published is never changed afterwards.
    """
    from commitment_tracker.tracker.scoreimport import Published, import_scores as run

    fmt = choose_format(fmt, as_json)
    if title is not None and edition is None:
        raise click.UsageError("--title names an edition: give --edition too")
    published = Published(edition=edition, title=title, source=source, assessor=assessor, note=event_note)
    from commitment_tracker.cli.output import count_lines, progress

    with progress("Importing scores", lambda: count_lines(file) - 1) as advance:  # less the header row
        result = run(app.checker if dry_run else app.writer, file, on=on, cycle=cycle.strip().lower() if cycle else None,
                     summits=summits, recorded_by=app.user, dry_run=dry_run, published=published, progress=advance)  # fmt: skip
    for message in result.notes:  # what the import says of the table (SPEC §8.1: a Note:)
        caution(message)
    data = {"file": str(file), "dry_run": dry_run, **result.to_data()}
    rows = [{"what": k.replace("_", " "), "count": v} for k, v in result.to_data().items() if k != "edition"]
    emit(fmt, data, [Column("what", "what"), Column("count", "count")], rows,
         title=("Would record (dry run)" if dry_run else "Recorded") + f" from {file.name}")  # fmt: skip


@click.command()
@click.argument("edition", metavar="EDITION", type=EDITION_ID)
@click.option("--on", "on", type=DATE, required=True, help="The publication date.")
@click.option("--title", required=True, help="The edition's title.")
@click.option("--cycle", help="The assessment cycle it reports, e.g. interim or final.")
@click.option("--summit", help="The summit it reports on, e.g. 2010S.")
@evidence_options
@pass_context
def publish(app: Context, edition: str, on: str, title: str, cycle: str | None, summit: str | None,
            source: str | None, quote: str | None, note: str | None) -> None:  # fmt: skip
    """Record that EDITION of compliance scores went out: a named moment of
    knowledge that --known-at EDITION (and EDITION^, just before it) names."""
    record(app, build("edition_published", edition=edition, on=on, title=title, cycle=cycle, summit=summit,
                      source=source, quote=quote, note=note))  # fmt: skip


@click.command()
@format_options
@pass_context
def editions(app: Context, fmt: str | None, as_json: bool) -> None:
    """The published editions of compliance scores, oldest first."""
    from commitment_tracker.projections.editions import editions as list_editions

    fmt = choose_format(fmt, as_json)
    rows = list_editions(app.knowledge_of(frozenset({"edition"}), clocks(None, None)))
    keys = ("id", "on", "title", "cycle", "summit", "recorded_at", "ref")
    if fmt != "table":
        emit(fmt, {"editions": rows}, [Column(k, k) for k in keys], rows, title="Editions")
        return
    # At a terminal: the record time to the minute (``--known-at ID`` names the exact moment), and
    # no ref, which is the id with "#1".
    columns = [Column("id", "id"), Column("on", "on"), Column("title", "title", width=40),
               Column("cycle", "cycle", priority=2), Column("summit", "summit", priority=2),
               Column("recorded", "recorded", priority=3)]  # fmt: skip
    shown = [row | {"recorded": (row.get("recorded_at") or "")[:16].replace("T", " ")} for row in rows]
    emit(fmt, {"editions": rows}, columns, shown, title="Editions")


@click.command("export-scores")
@click.option("--summit", help="Only commitments of this summit (2010S; a bare year: each summit of that year).")
@click.option("--year", type=int, help="Only commitments made in this year.")
@click.option("--cycle", help="Only assessments of this cycle (the cycle to import it again with).")
@click.option("--area", help="Only commitments of this issue area.")
@click.option("--published", is_flag=True, help="The average column is the published average, not the computed one.")
@click.option("--approved-only", is_flag=True, help="Only reviewed scores: approved, or brought by an edition.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE [default: stdout].")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@time_options
@pass_context
def export_scores(app: Context, summit: str | None, year: int | None, cycle: str | None, area: str | None,
                  published: bool, approved_only: bool, output: Path | None, force: bool, as_of: date | None,
                  known_at: datetime | None) -> None:  # fmt: skip
    """The scores as the wide table import-scores reads: area, id, year, code,
    text, average, then one column per party (its code); one row per scored
    commitment.

    \b
    Importing it again, with the cycle its scores were recorded with, records
    nothing. A cell a spreadsheet would run as a formula gets a leading
    apostrophe, which import-scores drops.
    """
    from commitment_tracker.projections.view.scoreview import TABLE_COLUMNS, filter_notes, score_table
    from commitment_tracker.tracker.outputs import atomic_output, check_output

    if output is not None:
        check_output(output, app.store, force=force)
    at = clocks(as_of, known_at)
    cycle = cycle.strip().lower() if cycle else None
    notes: list[str] = []
    parties_, rows = score_table(app.reader, at, cycle=cycle,
                                 area=area, summit=summit, year=year, published=published, notes=notes,
                                 approved_only=approved_only)  # fmt: skip
    if not rows:  # only an empty answer can come of a name nothing has
        _known_names(app, area, cycle, summit)
        notes += filter_notes(app.reader, at, area, cycle)
    for message in notes:
        caution(message)
    columns = [Column(key, key) for key in (*TABLE_COLUMNS, *parties_)]
    if output is None:
        emit_csv(columns, rows)
        return
    with atomic_output(output) as handle, redirect_stdout(handle):
        emit_csv(columns, rows)
    note(f"exported {len(rows)} commitment{'s' if len(rows) != 1 else ''} to {output}")


COMMANDS = [assess, scores, parties, import_scores, publish, editions, export_scores]
