"""The report in a real browser: headless Chromium opens the demo's report as a reader would.

Needs Debian's ``chromium`` (``apt-get install chromium``; ``.ci/run`` installs it). In CI the test
must run; elsewhere it skips, saying why, when Chromium is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI
from tests.cli.helpers import DATASET
from tests.cli.page import parse

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
)  # fmt: skip
#: How Chromium logs what a page writes to its console (errors, CSP violations, failed scripts).
CONSOLE = ":CONSOLE"


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        why = "headless Chromium is not installed (apt-get install chromium)"
        if IN_CI:
            pytest.fail(f"the browser test must run in CI: {why}")
        pytest.skip(why)
    return found


def browse(chromium: str, tmp_path: Path, page: Path, *args: str, url: str | None = None) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", *args, url or page.as_uri()],
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip


def console(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if CONSOLE in line]


@pytest.fixture
def demo_report(ctrack_sqlite: Any, tmp_path: Path) -> Path:
    ctrack_sqlite.ok("import", str(DATASET))
    out = tmp_path / "report.html"
    ctrack_sqlite.ok("report", "--as-of", "2025-10-01", "--out", str(out))
    return out


def test_the_report_opens_in_chromium_without_a_console_message_and_shows_every_section(chromium, tmp_path, demo_report):
    # The console check can see trouble: a page that tries to fetch under the report's policy is logged.
    html = demo_report.read_text(encoding="utf-8")
    policy = html[html.index("<meta http-equiv") : html.index(">", html.index("<meta http-equiv")) + 1]
    canary = tmp_path / "canary.html"
    canary.write_text(f"<!doctype html><html><head>{policy}</head><body><img src='http://127.0.0.1:9/x.png'></body></html>")
    assert console(browse(chromium, tmp_path, canary, "--dump-dom")), "Chromium's console log is not visible"

    result = browse(chromium, tmp_path, demo_report, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert console(result) == []
    page = parse(result.stdout)  # the DOM as Chromium built it
    assert page.find("h1").text == "Commitments as of 2025-10-01"
    assert len(page.find("table", id="board").rows()) == 17
    assert len(page.find("table", id="matrix").rows()) == 17
    assert len(page.find("svg", class_="overview").find_all("rect", class_="bar")) >= 17
    assert len(page.find_all("svg", class_="strip")) == 17
    assert len(page.find_all("table", class_="audit")) == 17
    assert len(page.find("section", id="sources").find_all("article", class_="source")) == 2


def test_the_report_renders_to_a_screenshot_full_of_colour(chromium, tmp_path, demo_report):
    from PIL import Image

    shot = tmp_path / "report.png"
    result = browse(chromium, tmp_path, demo_report, "--window-size=1300,2600", f"--screenshot={shot}")
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    assert image.size == (1300, 2600)
    counts = image.getcolors(maxcolors=1 << 22)
    assert len(counts) > 200  # text, badges, cells and bars: not a blank or unstyled page
    white = sum(count for count, rgb in counts if min(rgb) >= 245)
    assert white < 0.9 * image.size[0] * image.size[1]
    # The masthead's navy and the lapsed badge's red-orange: the inline stylesheet was applied.
    present = {rgb for count, rgb in counts if count >= 200}
    assert (0x14, 0x21, 0x3D) in present and (0xE4, 0x57, 0x2E) in present
