"""Reading import files: JSON Lines or a YAML list of events, each error naming its line.

YAML is read with the safe loader (no tags that construct objects) and without implicit dates,
so ``on: 2024-05-31`` stays the text the schema expects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from commitment_tracker.events import Event, InvalidEvent, number_fields, parse_json, parse_obj
from commitment_tracker.tracker.errors import InputError

YAML_SUFFIXES = (".yaml", ".yml")
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
BOOL_TAG = "tag:yaml.org,2002:bool"
MAX_LINE = 4_000_000


def read_events(path: Path) -> Iterator[tuple[int, Event]]:
    """Yield (line number, event) for every event in the file, validating each against the schema."""
    if path.suffix.lower() in YAML_SUFFIXES:
        yield from _read_yaml(path)
    elif path.suffix.lower() == ".csv":
        yield from _read_csv(path)
    else:
        yield from _read_jsonl(path)


def _open(path: Path):  # type: ignore[no-untyped-def]
    try:
        return path.open("rb")
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror or error}") from None


def _read_jsonl(path: Path) -> Iterator[tuple[int, Event]]:
    with _open(path) as handle:
        for number, raw in enumerate(handle, start=1):
            if len(raw) > MAX_LINE:
                raise InputError("line is too long", number)
            try:
                line = raw.decode("utf-8").strip()
            except UnicodeDecodeError as error:
                raise InputError(f"not UTF-8 text (byte {error.start})", number) from None
            if not line:
                continue
            if number == 1 and line.startswith("\ufeff"):
                line = line[1:]
            if not line.startswith("{"):
                raise InputError("expected one JSON object per line", number)
            try:
                yield number, parse_json(line)
            except InvalidEvent as error:
                raise InputError(str(error), number) from None


def _read_yaml(path: Path) -> Iterator[tuple[int, Event]]:
    import yaml

    class Loader(yaml.SafeLoader):
        depth = 0

        def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
            # Composing (and constructing) recurses once per level: refuse a hostile depth with its
            # line rather than run out of stack.
            self.depth += 1
            try:
                if self.depth > MAX_YAML_DEPTH:
                    mark = self.peek_event().start_mark
                    raise InputError(f"YAML nested deeper than {MAX_YAML_DEPTH} levels", mark.line + 1)
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    # No implicit timestamps (dates stay text, exactly as in JSON) and YAML 1.2 booleans only:
    # under YAML 1.1 the key ``on:`` and the party code ``NO`` would silently become booleans.
    Loader.yaml_implicit_resolvers = {
        key: [(tag, regexp) for tag, regexp in resolvers if tag not in (TIMESTAMP_TAG, BOOL_TAG)]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver(BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
    with _open(path) as handle:
        try:
            text = handle.read().decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputError(f"not UTF-8 text (byte {error.start})") from None
    loader = Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return
        if not isinstance(root, yaml.SequenceNode):
            raise InputError("a YAML import file must be a list of events", root.start_mark.line + 1)
        items = [(node.start_mark.line + 1, node) for node in root.value]
        for number, node in items:
            try:
                obj = loader.construct_object(node, deep=True)
            except yaml.YAMLError as error:
                raise InputError(_yaml_problem(error), number) from None
            try:
                yield number, parse_obj(obj)
            except InvalidEvent as error:
                raise InputError(str(error), number) from None
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        raise InputError(_yaml_problem(error), line) from None
    except yaml.YAMLError as error:
        raise InputError(_yaml_problem(error)) from None
    finally:
        loader.dispose()


#: No event nests more than a few levels; this is far beyond any real file and far from the stack's end.
MAX_YAML_DEPTH = 100


def _yaml_problem(error: Exception) -> str:
    problem = getattr(error, "problem", None) or str(error)
    return "invalid YAML: " + " ".join(str(problem).split())


#: Fields that hold lists; ``export --format csv`` joins them with ";".
LIST_FIELDS = ("parties", "about")


def _number(cell: str) -> object:
    """A number cell as the number it spells; anything else as it is, for validation to name."""
    try:
        value = json.loads(cell)
    except ValueError:
        return cell
    return value if isinstance(value, int | float) and not isinstance(value, bool) else cell


def _read_csv(path: Path) -> Iterator[tuple[int, Event]]:
    """Read back what ``export --format csv`` writes: one event per row, empty cells unset."""
    import csv
    import io

    with _open(path) as handle:
        try:
            text = handle.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InputError(f"not UTF-8 text (byte {error.start})") from None
    # Rows end at CR/LF only: str.splitlines() would also end them at \x0c, \x85 or \u2028 inside
    # a quoted note, and the export would not read back as it was written.
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "type" not in reader.fieldnames:
        raise InputError("a CSV import file needs a header row with a 'type' column", 1)
    try:
        for row in reader:
            number = reader.line_num
            if None in row:
                raise InputError("more cells than header columns", number)
            data = {k: v for k, v in row.items() if k != "ref" and v not in ("", None)}
            for name in LIST_FIELDS:
                if name in data:
                    data[name] = data[name].split(";")
            for name in number_fields(data.get("type", "")) & data.keys():
                data[name] = _number(data[name])
            try:
                yield number, parse_obj(data)
            except InvalidEvent as error:
                raise InputError(str(error), number) from None
    except csv.Error as error:
        raise InputError(f"invalid CSV: {error}", reader.line_num) from None
