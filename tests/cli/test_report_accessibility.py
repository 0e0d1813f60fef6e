"""The report for everyone: axe-core finds no violation at a phone's width and a desktop's, the page is
no wider than a phone's screen, and the Nu HTML Checker finds no error.

axe-core runs in headless Chromium on a copy of the demo's report into which it is inserted (with the
copy's Content-Security-Policy removed, which would rightly refuse it); everything else is the page as
written. In CI these tests must run; elsewhere they skip, saying why, when a tool is missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI
from tests.cli.npm_tools import AXE, VNU, Unavailable
from tests.cli.page import parse
from tests.cli.test_report_browser import browse, chromium, demo_report  # noqa: F401  (fixtures)

RUNNER = """<script>
axe.run(document, {resultTypes: ["violations"]}).then(function (results) {
  var out = document.createElement("pre");
  out.id = "axe-result";
  out.textContent = JSON.stringify({
    width: document.documentElement.scrollWidth, viewport: window.innerWidth,
    label: document.querySelector("svg.overview g.row:not([display=none]) text.rid").getBoundingClientRect().height,
    violations: results.violations.map(function (v) {
      return {id: v.id, nodes: v.nodes.length, first: v.nodes[0].target.join(" "), summary: v.nodes[0].failureSummary};
    })
  });
  document.body.appendChild(out);
});
</script>"""


def fail_or_skip(why: str) -> None:
    if IN_CI:
        pytest.fail(f"the accessibility check must run in CI: {why}")
    pytest.skip(why)


@pytest.fixture(scope="module")
def axe() -> str:
    try:
        return AXE.path().read_text(encoding="utf-8")
    except Unavailable as error:
        fail_or_skip(str(error))
        raise


@pytest.fixture(scope="module")
def vnu() -> list[str]:
    java = shutil.which("java")
    if java is None:
        fail_or_skip("a Java runtime is not installed (the Nu HTML Checker needs one)")
    try:
        return [java, "-jar", str(VNU.path())]  # type: ignore[list-item]
    except Unavailable as error:
        fail_or_skip(str(error))
        raise


def with_axe(report: Path, axe: str, fragment: str = "") -> str:
    html = report.read_text(encoding="utf-8")
    start = html.index('<meta http-equiv="Content-Security-Policy"')
    html = html[:start] + html[html.index(">", start) + 1 :]
    checked = report.with_name("checked.html")
    checked.write_text(html.replace("</body>", f"<script>{axe}</script>{RUNNER}</body>"), encoding="utf-8")
    return checked.as_uri() + fragment


#: The page is checked in a frame of the width wanted (a headless window is never narrower than 500 px);
#: the frame's viewport is what its media queries and axe-core see.
FRAME = """<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe id="page" src="{url}" width="{width}" height="900" style="border:0"></iframe><pre id="out"></pre>
<script>
(function poll() {{
  var doc = document.getElementById("page").contentDocument, found = doc && doc.getElementById("axe-result");
  if (found) document.getElementById("out").textContent = found.textContent; else setTimeout(poll, 100);
}})();
</script></body></html>"""


def run_axe(chromium: str, tmp_path: Path, report: Path, axe: str, width: int, fragment: str = "") -> dict[str, Any]:
    frame = tmp_path / f"frame-{width}.html"
    frame.write_text(FRAME.format(url=with_axe(report, axe, fragment), width=width), encoding="utf-8")
    result = browse(chromium, tmp_path, frame, "--allow-file-access-from-files", "--window-size=1300,900",
                    "--virtual-time-budget=60000", "--dump-dom")  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    found = parse(result.stdout).find("pre", id="out").text
    assert found, "axe-core did not finish: " + result.stderr[-2000:]
    return json.loads(found)


@pytest.mark.parametrize("width", [390, 1280])
def test_axe_finds_no_violation_and_the_page_fits_the_screen(chromium, tmp_path, demo_report, axe, width):
    results = run_axe(chromium, tmp_path, demo_report, axe, width)
    assert results["violations"] == []
    assert results["width"] <= results["viewport"] == width  # nothing sticks out sideways: tables scroll inside
    assert results["label"] >= 9  # the overview timeline's labels stay readable (they were 4 px high on a phone)


def test_axe_finds_no_violation_after_the_sliders_moved(chromium, tmp_path, demo_report, axe):
    results = run_axe(chromium, tmp_path, demo_report, axe, 390, "#as-of=2024-10-17&known-at=2024-10-18T09:40:00Z")
    assert results["violations"] == []


def test_the_checks_see_a_violation_and_an_overflow_when_there_is_one(chromium, tmp_path, demo_report, axe):
    # The checks can fail: white text on the pledged badge's light blue, and a grid of quotes as wide as
    # the one that made the page 452 px wide on a phone, are the kind of thing they must catch.
    html = demo_report.read_text(encoding="utf-8").replace(".s-pledged { background: #9ecae1; color: #1b1b1b; }",
                                                           ".s-pledged { background: #9ecae1; color: #ffffff; }")
    html = html.replace("</style>", "ul.quotes li { grid-template-columns: 19em 1fr !important; }</style>", 1)
    assert ".s-pledged { background: #9ecae1; color: #ffffff; }" in html
    hostile = demo_report.with_name("low-contrast.html")
    hostile.write_text(html, encoding="utf-8")
    results = run_axe(chromium, tmp_path, hostile, axe, 390)
    assert [v["id"] for v in results["violations"]] == ["color-contrast"]
    assert results["width"] > results["viewport"] == 390


def nu_errors(vnu: list[str], page: Path) -> list[str]:
    result = subprocess.run([*vnu, "--format", "json", "--errors-only", str(page)], capture_output=True, text=True,
                            timeout=300, check=False)  # fmt: skip
    report = json.loads(result.stderr or result.stdout)
    return [f"{m.get('lastLine')}:{m.get('firstColumn')}: {m['message']}" for m in report["messages"]]


def test_the_nu_html_checker_finds_no_error(vnu, demo_report, tmp_path):
    assert nu_errors(vnu, demo_report) == []
    # It can fail: the report's legend as it was, an aria-label on a div without a role.
    broken = tmp_path / "broken.html"
    broken.write_text(demo_report.read_text(encoding="utf-8").replace('role="group" aria-label="Legend"', 'aria-label="Legend"'))
    assert [e for e in nu_errors(vnu, broken) if "aria-label" in e]
