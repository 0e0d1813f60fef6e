"""Every event of the interchange format (SPEC §4): one frozen, strict pydantic model each.

These models are the one schema: what is stored, what ``import`` reads, what ``export`` writes and
what ``ctrack schema`` publishes. Each carries ``class_version``; when a field changes, bump it and
add ``upcast_vN_vN+1`` (see ``upcasting.py``), so stored events are never rewritten.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, GetCoreSchemaHandler, model_validator
from pydantic_core import CoreSchema

from commitment_tracker.events.dates import first_day, last_day
from commitment_tracker.events.scoring import Area, Code, Cycle, PublishedAverage, Score, Summit
from commitment_tracker.events.fields import (
    Cadence,
    Kind,
    Note,
    Parties,
    Party,
    Person,
    PrecisionDate,
    Quote,
    Ref,
    Sha256,
    Slug,
    Text,
    Timestamp,
    Title,
    Url,
    nul_free,
)


class Event(BaseModel):
    """Fields every event may carry: its evidence and who recorded it, when."""

    # defer_build: validators are built on first use, so a query that reads no events starts fast.
    model_config = ConfigDict(
        frozen=True, strict=True, extra="forbid", defer_build=True
    )
    class_version: ClassVar[int] = 1

    type: str
    source: Slug | None = Field(None, description="The registered source the evidence comes from.")
    quote: Quote | None = Field(None, description="A short verbatim passage of the source.")
    note: Note | None = None
    recorded_by: Person | None = Field(None, description="Who recorded the event (set on save when absent).")
    recorded_at: Timestamp | None = Field(
        None, description="When the tracker learned it (set on save when absent; kept by export and import)."
    )

    @property
    def entity(self) -> str:
        """The id of the stream the event belongs to (for meta events: see ``target``)."""
        raise NotImplementedError

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        # Here, so that no text field of any event, one added later included, can hold NUL.
        return nul_free(handler(source))


class SourceRegistered(Event):
    type: Literal["source_registered"] = "source_registered"
    source: Slug  # the id of the source being registered
    title: Title
    publisher: Title | None = None
    url: Url | None = None
    published_on: PrecisionDate | None = None
    sha256: Sha256 | None = Field(None, description="The sha256 of the source's archived text.")
    text: Annotated[str, Field(min_length=1, max_length=2_000_000)] | None = Field(
        None, description="The source's archived text, when it was archived with `source add --file`."
    )

    @property
    def entity(self) -> str:
        return self.source


class MeetingHeld(Event):
    type: Literal["meeting_held"] = "meeting_held"
    meeting: Slug
    on: PrecisionDate
    kind: Kind
    title: Title
    parties: Parties
    place: Title | None = None
    end_on: PrecisionDate | None = None

    @property
    def entity(self) -> str:
        return self.meeting

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> MeetingHeld:
        if self.end_on is not None and last_day(self.end_on) < first_day(self.on):
            raise ValueError(f"end_on {self.end_on} is before on {self.on}")
        return self


class MeetingScheduled(Event):
    type: Literal["meeting_scheduled"] = "meeting_scheduled"
    meeting: Slug
    on: PrecisionDate = Field(description="The date the meeting was announced.")
    scheduled_for: PrecisionDate
    kind: Kind
    title: Title
    parties: Parties
    place: Title | None = None

    @property
    def entity(self) -> str:
        return self.meeting

    @model_validator(mode="after")
    def _announced_before_it_happens(self) -> MeetingScheduled:
        if last_day(self.scheduled_for) < first_day(self.on):
            raise ValueError(f"scheduled_for {self.scheduled_for} is before it was announced ({self.on})")
        return self


class StatementIssued(Event):
    type: Literal["statement_issued"] = "statement_issued"
    statement: Slug
    on: PrecisionDate
    parties: Parties
    text: Text
    meeting: Slug | None = None
    about: Annotated[tuple[Slug, ...], Field(max_length=200)] = Field((), description="The commitments the statement speaks to.")

    @property
    def entity(self) -> str:
        return self.statement


class CommitmentEvent(Event):
    commitment: Slug
    on: PrecisionDate

    @property
    def entity(self) -> str:
        return self.commitment


def _given(name: str) -> dict[str, object]:
    """JSON Schema: ``name`` is present and not null (None counts as absent for the models)."""
    return {"required": [name], "properties": {name: {"not": {"type": "null"}}}}


class CommitmentMade(CommitmentEvent):
    model_config = ConfigDict(json_schema_extra={"not": {"allOf": [_given("due"), _given("due_next")]}})
    type: Literal["commitment_made"] = "commitment_made"
    title: Title
    parties: Parties
    cadence: Cadence = "once"
    due: PrecisionDate | None = None
    due_next: Kind | None = Field(None, description="A meeting kind: due by the next meeting of this kind.")
    meeting: Slug | None = None
    area: Area | None = Field(None, description="The issue area, e.g. 'Trade'.")
    code: Code | None = Field(None, description="An external reference code such as '2010S-40' (not unique).")
    text: Text | None = Field(None, description="The commitment's full wording; `title` is its short name.")
    # SPEC §8.1; last, and left out when unset, so pledges stored before them keep their bytes.
    summit: Summit | None = Field(None, description="The summit it was made at: its year and letter, e.g. '2010S'.")
    published_average: PublishedAverage | None = Field(
        None, description="The average the latest edition published for it (may differ from its scores' mean).")

    @model_validator(mode="after")
    def _one_deadline(self) -> CommitmentMade:
        if self.due is not None and self.due_next is not None:
            raise ValueError("give either due or due_next, not both")
        return self


class CommitmentReaffirmed(CommitmentEvent):
    type: Literal["commitment_reaffirmed"] = "commitment_reaffirmed"
    parties: Parties | None = None
    meeting: Slug | None = None


class ProgressReported(CommitmentEvent):
    type: Literal["progress_reported"] = "progress_reported"
    note: Note
    parties: Parties | None = Field(None, description="The parties the progress is by (default: all).")
    meeting: Slug | None = None


class CommitmentFulfilled(CommitmentEvent):
    type: Literal["commitment_fulfilled"] = "commitment_fulfilled"
    parties: Parties | None = Field(None, description="The parties that fulfilled it (default: all).")
    meeting: Slug | None = None


class CommitmentStalled(CommitmentEvent):
    type: Literal["commitment_stalled"] = "commitment_stalled"
    note: Note
    parties: Parties | None = Field(None, description="The parties it stalled with (default: all).")
    meeting: Slug | None = None


class CommitmentAbandoned(CommitmentEvent):
    type: Literal["commitment_abandoned"] = "commitment_abandoned"
    parties: Parties | None = Field(None, description="The parties that abandoned it (default: all).")
    meeting: Slug | None = None


class CommitmentSuperseded(CommitmentEvent):
    type: Literal["commitment_superseded"] = "commitment_superseded"
    by: Slug


class DeadlineChanged(CommitmentEvent):
    model_config = ConfigDict(json_schema_extra={"oneOf": [_given("due"), _given("due_next")]})
    type: Literal["deadline_changed"] = "deadline_changed"
    due: PrecisionDate | None = None
    due_next: Kind | None = None

    @model_validator(mode="after")
    def _one_deadline(self) -> DeadlineChanged:
        if (self.due is None) == (self.due_next is None):
            raise ValueError("give exactly one of due or due_next")
        return self


class ComplianceAssessed(CommitmentEvent):
    """One party's compliance score on a commitment (SPEC §8): 1 full, 0 partial, -1 none."""

    type: Literal["compliance_assessed"] = "compliance_assessed"
    party: Party
    score: Score
    cycle: Cycle | None = Field(None, description="The assessment cycle, e.g. 'interim' or 'final'.")
    assessor: Person | None = Field(None, description="Who made the assessment (a research group, an analyst).")
    meeting: Slug | None = None
    # Last, and left out when unset: the stored bytes of assessments recorded before editions
    # existed stay exactly what they were (see ``canonical``).
    edition: Slug | None = Field(None, description="The published edition (SPEC §8.1) the score is part of.")
    # SPEC §8.2; last and left out when unset, like ``edition``.
    reconciles: Annotated[tuple[Ref, ...], Field(min_length=1, max_length=50)] | None = Field(
        None, description="The refs of the assessments (of the same commitment, party and cycle) this score settles.")

    @property
    def analyst(self) -> str | None:
        """Who scored it (SPEC §8.2): its assessor, else who recorded it."""
        return self.assessor or self.recorded_by


class AssessmentReviewed(Event):
    """A reviewer's decision on one assessment (SPEC §8.2): approved for publication, or returned
    to its analyst for rework. It joins the stream of the commitment the assessment is about."""

    type: Literal["assessment_reviewed"] = "assessment_reviewed"
    target: Ref = Field(description="The ref of the compliance_assessed event reviewed.")
    decision: Literal["approved", "returned"]
    on: PrecisionDate = Field(description="The date of the review.")

    @property
    def entity(self) -> str:
        return self.target.split("#")[0]

    @property
    def target_position(self) -> int:
        return int(self.target.split("#")[1])


class EditionPublished(Event):
    """A published edition of compliance scores (SPEC §8.1): a named moment of knowledge, in a
    stream of its own; ``--known-at EDITION`` is the record time of this event."""

    type: Literal["edition_published"] = "edition_published"
    edition: Slug
    on: PrecisionDate = Field(description="The publication date.")
    title: Title
    cycle: Cycle | None = Field(None, description="The assessment cycle the edition reports, e.g. 'final'.")
    summit: Summit | None = Field(None, description="The summit the edition reports on, e.g. '2010S'.")

    @property
    def entity(self) -> str:
        return self.edition


class MetaEvent(Event):
    target: Ref
    reason: Note

    @property
    def entity(self) -> str:
        return self.target.split("#")[0]

    @property
    def target_position(self) -> int:
        return int(self.target.split("#")[1])


class EventRetracted(MetaEvent):
    type: Literal["event_retracted"] = "event_retracted"


class EventCorrected(MetaEvent):
    """Replaces fields of the target event; ``note`` and ``quote`` here are corrected values."""

    model_config = ConfigDict(json_schema_extra=lambda schema: schema.update(
        anyOf=[_given(name) for name in CORRECTABLE]))  # fmt: skip
    type: Literal["event_corrected"] = "event_corrected"
    on: PrecisionDate | None = None
    title: Title | None = None
    parties: Parties | None = None
    due: PrecisionDate | None = None
    due_next: Kind | None = None
    cadence: Cadence | None = None
    kind: Kind | None = None
    scheduled_for: PrecisionDate | None = None
    end_on: PrecisionDate | None = None
    place: Title | None = None
    text: Text | None = None
    about: Annotated[tuple[Slug, ...], Field(max_length=200)] | None = None
    meeting: Slug | None = None
    by: Slug | None = None
    publisher: Title | None = None
    url: Url | None = None
    published_on: PrecisionDate | None = None
    area: Area | None = None
    code: Code | None = None
    party: Party | None = None
    score: Score | None = None
    cycle: Cycle | None = None
    assessor: Person | None = None
    summit: Summit | None = None
    published_average: PublishedAverage | None = None
    sha256: Sha256 | None = Field(None, description="The sha256 of a source's text archived later, beside that `text`.")

    @property
    def corrections(self) -> dict[str, object]:
        """The corrected fields and their new values."""
        return {
            name: getattr(self, name)
            for name in CORRECTABLE
            if name in self.model_fields_set and getattr(self, name) is not None
        }

    @model_validator(mode="after")
    def _corrects_something(self) -> EventCorrected:
        if not self.corrections:
            raise ValueError("a correction needs at least one corrected field")
        return self


#: Fields a correction may replace; the common ``source`` stays the correction's own evidence.
CORRECTABLE = (
    "on", "title", "parties", "due", "due_next", "cadence", "kind", "scheduled_for", "end_on",
    "place", "text", "about", "meeting", "by", "publisher", "url", "published_on", "note", "quote",
    "area", "code", "party", "score", "cycle", "assessor", "summit", "published_average", "sha256",
)  # fmt: skip

AnyEvent = Annotated[
    Union[
        SourceRegistered,
        MeetingHeld,
        MeetingScheduled,
        StatementIssued,
        CommitmentMade,
        CommitmentReaffirmed,
        ProgressReported,
        CommitmentFulfilled,
        CommitmentStalled,
        CommitmentAbandoned,
        CommitmentSuperseded,
        DeadlineChanged,
        ComplianceAssessed,
        AssessmentReviewed,
        EditionPublished,
        EventRetracted,
        EventCorrected,
    ],
    Discriminator("type"),
]

EVENT_TYPES: dict[str, type[Event]] = {
    cls.model_fields["type"].default: cls
    for cls in AnyEvent.__origin__.__args__  # type: ignore[attr-defined]
}
COMMITMENT_TYPES = frozenset(t for t, c in EVENT_TYPES.items() if issubclass(c, CommitmentEvent))
META_TYPES = frozenset({"event_retracted", "event_corrected"})
