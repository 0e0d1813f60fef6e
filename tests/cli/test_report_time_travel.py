"""The report's time sliders in a real browser: the page's board equals ``ctrack status`` at every point tried.

Headless Chromium opens the demo's report at a point in time named by the URL fragment (SPEC §6),
runs the page's own script, and the board it draws (rows with ``data-id`` and ``data-status``) is
compared with ``ctrack status --as-of D --known-at K --json``. Many points are tried in one browser:
a harness page moves the report's fragment, as a reader following a link to another point in time
does, and collects each board; a few points are also opened directly, as a fresh page.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.cli.page import parse
from tests.cli.test_report_browser import browse, chromium, console, demo_report  # noqa: F401  (fixtures)

#: (as of, known at): days around the demo's events and deadlines, record times between and on its records,
#: a date as known-at (the end of that day), an offset, and before anything was recorded.
POINTS = [
    ("2023-08-17", "2024-10-24T13:15:00Z"), ("2023-08-18", "2024-10-24T13:15:00Z"),
    ("2024-06-26", "2024-10-24T13:15:00Z"), ("2024-06-27", "2024-10-24T13:15:00Z"),
    ("2024-07-01", "2024-10-19T00:00:00Z"), ("2024-08-18", "2024-10-17"), ("2024-08-19", "2024-10-17"),
    ("2024-08-19", "2024-10-18"), ("2024-10-16", "2024-10-17T10:25:00Z"), ("2024-10-17", "2024-10-18T09:40:00Z"),
    ("2024-10-18", "2024-10-18T09:39:59.999999Z"), ("2024-12-31", "2024-10-20"), ("2025-01-01", "2024-10-22T11:00:00Z"),
    ("2025-06-27", "2024-10-24T13:15:00Z"), ("2025-06-28", "2024-10-24T13:15:00Z"), ("2025-10-01", "2024-06-01"),
    ("2025-10-01", "2024-05-29T14:05:00Z"), ("2025-10-01", "2024-10-18T09:40:00+00:00"),
    ("2025-10-01", "2023-01-01"), ("2024-03-01", "2024-10-24T13:15:00Z"),
]  # fmt: skip
HARNESS = """<!doctype html><html><head><meta charset="utf-8"></head><body><pre id="out"></pre>
<iframe id="page" src="{page}"></iframe>
<script>
var points = {points}, found = [], frame = document.getElementById("page");
function read() {{
  var doc = frame.contentDocument;
  var board = Array.prototype.map.call(doc.querySelectorAll("#board tbody tr"), function (tr) {{
    return [tr.getAttribute("data-id"), tr.getAttribute("data-status"), tr.getAttribute("data-overdue") === "true",
            tr.getAttribute("data-late") === "true", tr.getAttribute("data-due-on") || null];
  }});
  var matrix = Array.prototype.map.call(doc.querySelectorAll("#matrix tbody tr"), function (tr) {{
    var cells = {{}};
    Array.prototype.forEach.call(tr.querySelectorAll("td.cell"), function (td) {{
      var status = /(?:^| )p-([a-z_]+)/.exec(td.className);
      if (status) cells[td.title.split(":")[0]] = [status[1], / overdue(?: |$)/.test(td.className)];
    }});
    return [tr.getAttribute("data-id"), cells];
  }});
  return [board, matrix];
}}
function next(index) {{
  if (index === points.length) {{ document.getElementById("out").textContent = JSON.stringify(found); return; }}
  frame.contentWindow.location.hash = "as-of=" + points[index][0] + "&known-at=" + encodeURIComponent(points[index][1]);
  setTimeout(function () {{ found.push(read()); next(index + 1); }}, 50);
}}
frame.addEventListener("load", function () {{ next(0); }});
</script></body></html>"""


def cli_matrix(ctrack: Any, as_of: str, known_at: str) -> list[list[Any]]:
    data = ctrack.json("matrix", "--as-of", as_of, "--known-at", known_at)
    return [[row["id"], {party: [cell["status"], cell["overdue"]] for party, cell in row["cells"].items()}]
            for row in data["rows"]]  # fmt: skip


def cli_board(ctrack: Any, as_of: str, known_at: str) -> list[list[Any]]:
    data = ctrack.json("status", "--as-of", as_of, "--known-at", known_at)
    return [[c["id"], c["status"], c["overdue"], c["late"], c["due_on"]] for c in data["commitments"]]


def page_board(page: Any) -> list[list[Any]]:
    rows = page.find("table", id="board").find("tbody").find_all("tr")
    return [[r.attrs["data-id"], r.attrs["data-status"], r.attrs["data-overdue"] == "true",
             r.attrs["data-late"] == "true", r.attrs["data-due-on"] or None] for r in rows]  # fmt: skip


def test_the_board_and_matrix_at_every_point_a_link_names_are_what_the_cli_answers(chromium, tmp_path, demo_report, ctrack_sqlite):
    harness = tmp_path / "harness.html"
    harness.write_text(HARNESS.format(page=demo_report.as_uri(), points=json.dumps(POINTS)), encoding="utf-8")
    result = browse(chromium, tmp_path, harness, "--allow-file-access-from-files", "--virtual-time-budget=30000",
                    "--dump-dom")  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    out = parse(result.stdout).find("pre", id="out").text
    assert out, "the harness collected nothing: " + result.stderr[-2000:]
    found = json.loads(out)
    assert len(found) == len(POINTS)
    boards = [board for board, _ in found]
    for (as_of, known_at), (board, matrix) in zip(POINTS, found):
        assert board == cli_board(ctrack_sqlite, as_of, known_at), (as_of, known_at)
        # The matrix too, each party's cell as the page's script puts it together from the sliders' data.
        assert sorted(matrix) == sorted(cli_matrix(ctrack_sqlite, as_of, known_at)), (as_of, known_at)
    assert [] in boards and any(len(b) == 17 for b in boards)  # the points reach an empty and a full board
    cells = [cell for _, matrix in found for _, row in matrix for cell in row.values()]
    assert {"fulfilled", "pending", "active"} <= {status for status, _ in cells} and [True, False] == sorted(
        {overdue for _, overdue in cells}, reverse=True)  # fmt: skip


@pytest.mark.parametrize(("as_of", "known_at", "moment"), [
    ("2024-07-01", "2024-10-19T00:00:00Z", "2024-10-19T00:00:00Z"),
    ("2025-01-01", "2024-10-20", "2024-10-20"),
    # An event reference: the moment it was recorded (the retracted fulfilment, recorded 2024-10-18 09:40).
    ("2025-01-01", "trilateral-coordinating-mechanism%232", "2024-10-18T09:40:00Z"),
])  # fmt: skip
def test_a_link_with_a_point_in_time_opens_the_page_there(chromium, tmp_path, demo_report, ctrack_sqlite, as_of,
                                                          known_at, moment):  # fmt: skip
    url = f"{demo_report.as_uri()}#as-of={as_of}&known-at={known_at}"
    result = browse(chromium, tmp_path, demo_report, "--virtual-time-budget=5000", "--dump-dom", url=url)
    assert result.returncode == 0, result.stderr[-2000:]
    assert console(result) == []  # the page's script ran: the policy allowed it by its hash, and it raised nothing
    page = parse(result.stdout)
    assert page_board(page) == cli_board(ctrack_sqlite, as_of, moment)
    assert page.find("h1").text == f"Commitments as of {as_of}"
    # The overview timeline is redrawn too: one row per commitment on the board, drawn as known then.
    overview = page.find("svg", class_="overview")
    shown = [g for g in overview.find_all("g", class_="row") if g.attrs.get("display") != "none"]
    assert [g.attrs["data-id"] for g in shown] == [row[0] for row in page_board(page)]
    mechanism = [g for g in shown if g.attrs["data-id"] == "trilateral-coordinating-mechanism"]
    if moment == "2024-10-20":  # its fulfilment was recorded on the 18th and retracted on the 22nd
        assert any(t.text.startswith("fulfilled: 2024-10-16 to 2025-10-01") for t in mechanism[0].find_all("title"))
    veil = overview.find("rect", class_="veil")
    assert float(veil.attrs["width"]) > 0  # what had not happened by then is veiled
    assert page.find("input", id="as-of-slider") and "hidden" not in page.find("section", id="time-travel").attrs
    stops = json.loads(page.find("script", id="time-data").text)["stops"]
    assert page.find("output", id="known-at-value").text.endswith(tuple(s["label"] for s in stops))


def test_the_sliders_stop_at_each_record_time_and_say_which_event_it_added(chromium, tmp_path, demo_report):
    result = browse(chromium, tmp_path, demo_report, "--virtual-time-budget=5000", "--dump-dom")
    page = parse(result.stdout)
    data = json.loads(page.find("script", id="time-data").text)
    known = page.find("input", id="known-at-slider")
    assert int(known.attrs["max"]) == len(data["stops"]) - 1 == 48
    assert data["stops"][2]["label"] == "after " + data["stops"][2]["refs"][0]
    # Without a fragment: everything recorded, said to a screen reader as it is shown.
    said = page.find("output", id="known-at-value").text
    assert re.fullmatch(r"2024-10-24 13:15 UTC, after \S+#\d+", said)
    assert known.attrs["aria-valuetext"] == said
    assert page.find("input", id="as-of-slider").attrs["aria-valuetext"] == "2025-10-01"
    assert page.find("output", id="as-of-value").text == "2025-10-01"


def test_a_page_of_a_log_recorded_one_event_at_a_time_offers_some_moments_and_never_passes_off_another(
    chromium, tmp_path, ctrack_sqlite
):  # fmt: skip
    from benchmarks.synthetic import write

    ctrack_sqlite.ok("import", str(write(tmp_path / "history.jsonl", 3000)))
    out = tmp_path / "report.html"
    result = ctrack_sqlite.ok("report", "--as-of", "2024-06-30", "--out", str(out))
    data = json.loads(parse(out.read_text(encoding="utf-8")).find("script", id="time-data").text)
    offered = data["stops"]
    assert len(offered) < data["recorded_times"] == 3000
    assert f"the known-at slider offers {len(offered)} of 3000 record times" in result.stderr
    # On an offered stop, the page's board is the CLI's; between two offered stops, the page says it
    # does not hold that moment rather than showing the stop before it.
    inside = offered[len(offered) // 2]
    skipped = (datetime.fromisoformat(inside["at"].replace("Z", "+00:00")) + timedelta(seconds=1)).isoformat().replace("+00:00", "Z")
    for known_at, held in [(inside["at"], True), (skipped, False)]:
        url = f"{out.as_uri()}#as-of=2024-06-30&known-at={known_at}"
        page = parse(browse(chromium, tmp_path, out, "--virtual-time-budget=5000", "--dump-dom", url=url).stdout)
        missing = page.find("p", id="travel-missing")
        if held:
            assert page_board(page) == cli_board(ctrack_sqlite, "2024-06-30", known_at)
            assert "hidden" in missing.attrs
        else:
            assert "hidden" not in missing.attrs and known_at in missing.text
            assert f"ctrack status --known-at {known_at}" in missing.text
