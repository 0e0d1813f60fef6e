"""Reading the wide score tables compliance reports publish (SPEC §8 ``import-scores``).

One row per commitment -- ``area, id, year, code, text, average`` -- then one column per party,
whose header names it (a code, a name or a short form: ``uk``, ``safrica``, ``saudi.arabia``).
Real tables are messy, and each blemish is handled here, where it can be said what was done:

- a byte-order mark is dropped, and so is the apostrophe that keeps a spreadsheet from running a
  cell as a formula (``'=...``, as ``export-scores`` writes it); codes lose stray spaces, trailing
  dots and a spreadsheet range pasted after them (``2013-61+C236:D243`` is ``2013-61``);
- ``1``/``+1``/``+``, ``0``, ``-1``/``−1`` (Unicode minus)/``-`` are scores; an empty cell is "not
  assessed"; anything else (``2``, ``yes``) is an error naming its line and column;
- a code used for two commitments in one table is never merged: each gets an id from the code and
  the first words of its wording, the same in every edition that repeats it;
- a row's published ``average`` that is not the mean of its own scores is reported, and the scores
  are what is stored.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from commitment_tracker.events.parties import lookup
from commitment_tracker.tracker.errors import InputError

REQUIRED = ("area", "id", "year", "text")
KNOWN = ("area", "id", "year", "code", "text", "average")
SCORES = {"1": 1, "+1": 1, "+": 1, "0": 0, "-1": -1, "\u22121": -1, "-": -1, "\u2212": -1, "\u20131": -1}
FORMULA = re.compile(r"\+[A-Z]{1,3}\d+:[A-Z]{1,3}\d+$")  # a spreadsheet range pasted after a code
TITLE_LENGTH = 120
#: A published average further than this from the row's mean is reported (they are printed to 2 places).
TOLERANCE = 0.005 + 1e-9


def read_score(text: str) -> int | None:
    """A score as tables write it, or None if it is not one (an empty cell is not read here)."""
    return SCORES.get(text.strip())


def clean_code(raw: str) -> str:
    """The reference code without stray spaces, trailing dots or a pasted spreadsheet range."""
    code = " ".join(raw.split()).rstrip(". ")
    return FORMULA.sub("", code).rstrip(". ")


def slug_of(code: str) -> str:
    """A stable id from a code: lower case, runs of anything but letters and digits as one '-';
    a letter after the year's dash joins the year (``2010-S-56`` is ``2010s-56``, as ``2010S-56``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", code.lower()).strip("-")
    return re.sub(r"^(\d{4})-([a-z]{1,2})-", r"\1\2-", slug)[:80]


def words_of(text: str, count: int = 4) -> str:
    """The first words of a wording (after any bracketed context), as an id suffix."""
    plain = re.sub(r"^\s*\[[^\]]*\]\s*", "", text)
    plain = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", plain.lower())[:count]) or "row"


def wording_key(text: str) -> str:
    """Wording compared across editions: case, spacing and punctuation aside."""
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold()))


def title_of(text: str) -> str:
    """A short name from the wording: its bracketed context dropped, cut at a word."""
    plain = " ".join(re.sub(r"^\s*\[[^\]]*\]\s*", "", text).split()) or " ".join(text.split())
    if len(plain) <= TITLE_LENGTH:
        return plain
    return plain[:TITLE_LENGTH].rsplit(" ", 1)[0].rstrip(",;:") + "…"


@dataclass
class Row:
    line: int
    raw_code: str
    code: str
    slug: str
    area: str
    year: int
    summit: str  # which summit of the year ('' when the table does not say)
    text: str
    average: float | None
    scores: dict[str, int] = field(default_factory=dict)
    dashes: tuple[str, ...] = ()  # the parties whose cell is a bare '-' (read as -1; some tables mean "not assessed")

    @property
    def mean(self) -> float | None:
        return sum(self.scores.values()) / len(self.scores) if self.scores else None

    @property
    def mean_without_dashes(self) -> float | None:
        """The mean were the bare '-' cells "not assessed": what a mismatch may come from."""
        kept = [score for party, score in self.scores.items() if party not in self.dashes]
        return sum(kept) / len(kept) if kept else None

    @property
    def mismatch(self) -> bool:
        return self.average is not None and self.mean is not None and abs(self.average - self.mean) > TOLERANCE


@dataclass
class Table:
    rows: list[Row]
    parties: list[str]  # the member columns, in table order, as party codes
    duplicates: dict[str, list[Row]]  # a code used by several rows -> those rows


def _text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text (byte {error.start})") from None


def read_table(path: Path) -> Table:
    """Every row of a wide score table, checked; the first problem raises ``InputError`` naming
    its line and column."""
    reader = csv.reader(_text(path).splitlines(keepends=True))
    try:
        header = next(reader, None)
        if not header:
            raise InputError("the table is empty: expected a header row", 1)
        names = [h.strip().lower() for h in header]
        column = _known_columns(header)
        missing = [name for name in REQUIRED if name not in column]
        if missing:
            raise InputError(f"missing required column {', '.join(repr(m) for m in missing)}", 1)
        members: dict[int, str] = {}
        for index, name in enumerate(names):
            if column.get(name) == index:
                continue
            if name in KNOWN and (header[index].strip() == name or lookup(name) is None):
                raise InputError(f"column {index + 1} ({header[index].strip()!r}): a second {name!r} column", 1)
            code = lookup(name)
            if code is None:
                raise InputError(f"column {index + 1} ({header[index].strip()!r}): not a party "
                                 "(see 'ctrack parties' for the names and codes read)", 1)  # fmt: skip
            if code in members.values():
                raise InputError(f"column {index + 1} ({header[index].strip()!r}): a second column for {code}", 1)
            members[index] = code
        if not members:
            raise InputError("no party columns: the table needs one column per party after 'average'", 1)
        rows = []
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(names):
                # Fewer cells is a cell lost (a line break inside an unquoted cell, a row cut
                # short), not a party "not assessed": an empty cell says that, and a table a
                # spreadsheet writes has every cell of every row.
                more = "more" if len(cells) > len(names) else "fewer"
                raise InputError(f"{more} cells ({len(cells)}) than header columns ({len(names)})", line)
            rows.append(_row(line, cells, column, members, header))
    except csv.Error as error:
        raise InputError(f"invalid CSV: {error}", reader.line_num) from None
    counts = Counter(row.slug for row in rows)
    duplicates: dict[str, list[Row]] = {}
    for row in rows:
        if counts[row.slug] > 1:
            duplicates.setdefault(row.code, []).append(row)
            row.slug = f"{row.slug}-{words_of(row.text)}"[:100]
    again = [slug for slug, n in Counter(row.slug for row in rows).items() if n > 1]
    if again:
        lines = [str(row.line) for row in rows if row.slug == again[0]]
        raise InputError(f"lines {', '.join(lines)} have the same code and wording ({again[0]}): one row twice?")
    return Table(rows, list(members.values()), duplicates)


def _known_columns(header: list[str]) -> dict[str, int]:
    """Where each of ``KNOWN`` is: the column whose header reads as it in any case, or, where
    several do, the one spelled in lower case (as the layout names it), the others left to be read
    as parties: Indonesia's code is ``ID``, and ``export-scores`` names party columns by their codes."""
    found: dict[str, int] = {}
    for name in KNOWN:
        at = [index for index, text in enumerate(header) if text.strip().lower() == name]
        exact = [index for index in at if header[index].strip() == name]
        if len(at) > 1 and not exact:
            spelt = " and ".join(f"{index + 1} ({header[index].strip()!r})" for index in at)
            raise InputError(f"columns {spelt} both read as {name!r}", 1)
        if at:
            found[name] = exact[0] if exact else at[0]
    return found


#: What a spreadsheet runs as a formula: a cell starting with one of these is written with a
#: leading apostrophe (``export-scores``, and every CSV query: see the CLI's ``inert``).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def defused(cell: str) -> str:
    """A cell as it was before the apostrophe that kept a spreadsheet from running it was added."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def _row(line: int, cells: list[str], column: dict[str, int], members: dict[int, str], header: list[str]) -> Row:
    cells = [defused(c.strip()) for c in cells]

    def cell(name: str) -> str:
        return cells[column[name]].strip() if name in column else ""

    def fail(name_or_index: str | int, message: str) -> InputError:
        index = column[name_or_index] if isinstance(name_or_index, str) else name_or_index
        return InputError(f"column {index + 1} ({header[index].strip()!r}): {message}", line)

    code = clean_code(cell("id"))
    if not code or not slug_of(code):
        raise fail("id", "the reference code is empty")
    year = cell("year")
    if not re.fullmatch(r"\d{4}", year):
        raise fail("year", f"{year!r} is not a year")
    text = cell("text")
    if not text:
        raise fail("text", "the commitment's wording is empty")
    average = None
    if cell("average"):
        try:
            average = float(cell("average").replace("\u2212", "-"))
        except ValueError:
            raise fail("average", f"{cell('average')!r} is not a number") from None
    scores = {}
    dashes = []
    for index, party in members.items():
        raw = cells[index].strip()
        if not raw:
            continue
        score = read_score(raw)
        if score is None:
            raise fail(index, f"{raw!r} is not a score (1, 0, -1, or empty for not assessed)")
        scores[party] = score
        if raw in ("-", "\u2212"):
            dashes.append(party)
    summit = cell("code")
    return Row(line, cells[column["id"]], code, slug_of(code), cell("area"), int(year),
               "" if summit in ("-", "\u2212") else summit.upper(), text, average, scores, tuple(dashes))  # fmt: skip


def read_summits(path: Path) -> tuple[dict[tuple[int, str], str], list[str]]:
    """(year, summit code) -> date from a ``year, code, summit.date`` table, and warnings (two
    summits of one year on the same date, as the G20 file gives Pittsburgh London's date)."""
    from commitment_tracker.events.dates import check_precision_date

    reader = csv.DictReader(_text(path).splitlines(keepends=True))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    date_field = next((f for f in ("summit.date", "date", "summit_date") if f in fields), None)
    if "year" not in fields or date_field is None:
        raise InputError(f"{path.name}: needs columns 'year', 'code' and 'summit.date'", 1)
    reader.fieldnames = fields
    dates: dict[tuple[int, str], str] = {}
    for record in reader:
        line = reader.line_num
        try:
            day = check_precision_date((record.get(date_field) or "").strip())
            year = int((record.get("year") or "").strip())
        except ValueError as error:
            raise InputError(f"{path.name}: {error}", line) from None
        dates[(year, (record.get("code") or "").strip().upper())] = day
    warnings = []
    seen: dict[tuple[int, str], str] = {}
    for (year, code), day in dates.items():
        if (year, day) in seen:
            warnings.append(f"{path.name}: summits {year} {seen[(year, day)] or '-'} and {year} {code or '-'} "
                            f"have the same date {day}; check the file")  # fmt: skip
        seen[(year, day)] = code
    return dates, warnings
