"""Parameter types and option bundles shared by commands. Imports only click at module level."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timezone
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("table", "json", "csv")


class PrecisionDateType(click.ParamType):
    """YYYY-MM-DD, YYYY-MM or YYYY; kept as text with its precision."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from commitment_tracker.events.dates import check_precision_date

        try:
            return check_precision_date(str(value).strip())
        except ValueError as error:
            self.fail(str(error), param, ctx)


class AsOfType(PrecisionDateType):
    """A valid-time date; a coarse date counts as its first day."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, date):
            return value
        from commitment_tracker.events.dates import first_day

        return first_day(super().convert(value, param, ctx))


class TimestampType(click.ParamType):
    """A record time: an ISO 8601 timestamp (UTC unless it says otherwise), a date meaning the end
    of that day in UTC ("what we knew on that day"), or an event reference: ``ID#N`` is the moment
    that event was recorded, ``ID#N^`` the moment just before ("what did we believe before it?").
    An edition's id (SPEC §8.1) is the moment it was published, ``EDITION^`` just before it."""

    name = "TIMESTAMP"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        moment = self._moment(value, param, ctx)
        # Headings say the moment as it was named ("g20-2022", "the end of 2024-10-19"), not only
        # as the timestamp it stands for (see clocks.moment_name).
        from commitment_tracker.cli.clocks import name_moment

        name_moment(moment, str(value).strip())
        return moment

    def _moment(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        import re

        text = str(value).strip()
        if "#" in text:
            return self._moment_of(text, param, ctx)
        # One spelling per moment: ISO 8601's extended form in ASCII digits. Python's fromisoformat
        # also reads basic forms ("20241018" as the *start* of that day) and other scripts' digits.
        day_form = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
        moment_form = day_form + r"[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?"
        try:
            if re.fullmatch(day_form, text, re.ASCII):
                return datetime.combine(date.fromisoformat(text), time.max, tzinfo=timezone.utc)
            if not re.fullmatch(moment_form, text, re.ASCII):
                if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*\^?", text, re.ASCII):
                    return self._edition_moment(text, param, ctx)
                raise ValueError(text)
            moment = datetime.fromisoformat(text)
        except ValueError:
            self.fail(f"{text!r} is not a timestamp (use e.g. 2024-07-01T12:00:00Z or 2024-07-01)", param, ctx)
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)

    def _moment_of(self, text: str, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        import re
        from datetime import timedelta

        from commitment_tracker.cli.context import Context
        from commitment_tracker.events.fields import REF_PATTERN

        ref, before = text.lower().removesuffix("^"), text.endswith("^")
        app = ctx.find_object(Context) if ctx is not None else None
        if not re.match(REF_PATTERN, ref) or app is None:
            self.fail(f"{text!r} is not an event reference (ID#N, e.g. cd-meet-annually#2, or ID#N^ for just before it)", param, ctx)
        recorded = app.tracker.event_at(ref).event.recorded_at
        assert recorded is not None  # every stored event carries its record time
        return recorded - timedelta(microseconds=1) if before else recorded


    def _edition_moment(self, text: str, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        from datetime import timedelta

        from commitment_tracker.cli.context import Context
        from commitment_tracker.projections.queries import did_you_mean
        from commitment_tracker.tracker.streams import KIND_OF_FIRST

        from commitment_tracker.events.dates import reads_as_date
        from commitment_tracker.tracker.errors import StoreMissing

        slug, before = text.lower().removesuffix("^"), text.endswith("^")
        app = ctx.find_object(Context) if ctx is not None else None
        usage = f"{text!r} is not a timestamp (use e.g. 2024-07-01T12:00:00Z or 2024-07-01)"
        if app is None or reads_as_date(slug):  # (an edition's id never reads as a date)
            self.fail(usage, param, ctx)
        try:
            stream = app.tracker.stream(slug)
        except StoreMissing:  # no store, no edition: the value can only have been meant as a time
            self.fail(usage, param, ctx)
        if not stream:
            self.fail(f"{usage}, nor a known edition: unknown edition {slug!r}"
                      f"{did_you_mean(slug, app.tracker.edition_ids())}", param, ctx)  # fmt: skip
        kind = KIND_OF_FIRST.get(stream[0].event.type, "other")
        if kind != "edition":
            self.fail(f"{slug!r} is a {kind}, not an edition (an event of it is named {slug}#N)", param, ctx)
        recorded = stream[0].event.recorded_at
        assert recorded is not None  # every stored event carries its record time
        return recorded - timedelta(microseconds=1) if before else recorded


class SlugType(click.ParamType):
    name = "ID"

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from commitment_tracker.cli.completion import ids

        return ids(ctx, incomplete)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from commitment_tracker.events.fields import SLUG

        text = str(value).strip().lower()
        if not SLUG.match(text):
            self.fail(f"{value!r} is not an id (letters, digits, '-', '_', '.')", param, ctx)
        return text


class EditionIdType(SlugType):
    """The id of a new edition: never one that reads as a date, since ``--known-at`` takes both."""

    name = "EDITION"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from commitment_tracker.events.dates import reads_as_date

        text = super().convert(value, param, ctx)
        if reads_as_date(text):
            self.fail(f"{value!r} reads as a date, so --known-at could not name it; give the edition a name "
                      f"(e.g. g20-{text})", param, ctx)  # fmt: skip
        return text


class PartyType(click.ParamType):
    name = "PARTY"

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from commitment_tracker.cli.completion import parties

        return parties(ctx, incomplete)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from commitment_tracker.events.parties import lookup_code, suggest

        code = lookup_code(str(value))
        if code is None:
            # A name or a typo is refused, never stored as a new party ("Japan" is not JAPAN).
            hint = suggest(str(value))
            self.fail(f"unknown party {value!r}" + (f"; did you mean {hint}?" if hint else
                      " (see 'ctrack parties' for the codes)"), param, ctx)  # fmt: skip
        return code


class SearchType(click.ParamType):
    """What ``search --type`` narrows to: an entity's kind or an event's type. Anything else would
    only ever answer "0 results", which reads as "nothing matches": a usage error instead."""

    name = "TYPE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from commitment_tracker.events import EVENT_TYPES
        from commitment_tracker.projections.queries import did_you_mean
        from commitment_tracker.tracker.streams import KIND_OF_FIRST

        text = str(value).strip().lower()
        kinds = sorted(set(KIND_OF_FIRST.values()))
        if text in kinds or text in EVENT_TYPES:
            return text
        close = did_you_mean(text, [*kinds, *sorted(EVENT_TYPES)])
        self.fail(f"{value!r} is neither an entity kind ({', '.join(kinds)}) nor an event type"
                  + (close or " (see 'ctrack schema' for the event types)"), param, ctx)  # fmt: skip


SEARCH_TYPE = SearchType()


class KindType(click.ParamType):
    """A meeting kind (free text); completes from the kinds the store knows."""

    name = "KIND"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return value

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from commitment_tracker.cli.completion import meeting_kinds

        return meeting_kinds(ctx, incomplete)


class StatusType(KindType):
    """A status name (checked by the command, which lists them); completes from SPEC §5's."""

    name = "STATUS"

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from commitment_tracker.cli.completion import statuses

        return statuses(ctx, incomplete)


class DurationType(click.ParamType):
    """A span like 30d, 6w, 3m or 1y."""

    name = "SPAN"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        text = str(value).strip().lower()
        units = {"d": 1, "w": 7, "m": 30, "y": 365}
        if len(text) >= 2 and text[:-1].isdigit() and text[-1] in units:
            return int(text[:-1]) * units[text[-1]]
        if text.isdigit():
            return int(text)
        self.fail(f"{value!r} is not a span (e.g. 30d, 6w, 3m, 1y)", param, ctx)


DATE = PrecisionDateType()
AS_OF = AsOfType()
TIMESTAMP = TimestampType()
SLUG = SlugType()
EDITION_ID = EditionIdType()
PARTY = PartyType()
SPAN = DurationType()
KIND = KindType()
STATUS = StatusType()


def apply(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    def wrap(fn: F) -> F:
        for decorator in reversed(decorators):
            fn = decorator(fn)
        return fn

    return wrap


def evidence_options(fn: F) -> F:
    """--source, --quote and --note: the evidence every recording command may carry."""
    return apply(
        click.option("--source", type=SLUG, help="Registered source the evidence comes from."),
        click.option("--quote", help="A short verbatim passage of the source."),
        click.option("--note", help="A note on the event."),
    )(fn)


def time_options(fn: F) -> F:
    """--as-of (valid time) and --known-at (record time)."""
    return apply(
        click.option("--as-of", "as_of", type=AS_OF, help="Valid time: what was true on this date [default: today]."),
        click.option(
            "--known-at",
            "known_at",
            type=TIMESTAMP,
            help="Record time: only what had been recorded by then: a timestamp, a date, an event (ID#N: with "
            "what was recorded together with it) or an edition (EDITION; ID#N^ and EDITION^: just before it) "
            "[default: now].",
        ),
    )(fn)


def format_options(fn: F) -> F:
    """--format table|json|csv and its shorthand --json."""
    return apply(
        click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="Output format [default: table]."),
        click.option("--json", "as_json", is_flag=True, help="Same as --format json."),
    )(fn)


def query_options(fn: F) -> F:
    return apply(time_options, format_options)(fn)
