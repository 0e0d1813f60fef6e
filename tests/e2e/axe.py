"""axe-core, the accessibility rules engine, fetched once from the npm registry into a cache and checked.

Pinned by version and by the tarball's sha512 (the registry's ``dist.integrity``): a tarball that does
not match is refused, never run. The cache is ``.venv/cache`` (``make clean`` removes it), so a fresh
machine fetches it on its first ``make test``; ``AXE_CORE_TGZ`` may name a copy of the tarball instead.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

VERSION = "4.14.1"
INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
CACHE = Path(__file__).parents[2] / ".venv" / "cache"


class Unavailable(Exception):
    """axe-core could not be fetched (no npm, no network): the caller decides whether to skip."""


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def axe_script() -> str:
    """The text of axe.min.js of the pinned version, fetched (and verified) once."""
    script = CACHE / f"axe-core-{VERSION}.min.js"
    if script.exists():
        return script.read_text(encoding="utf-8")
    tarball = Path(os.environ.get("AXE_CORE_TGZ", CACHE / f"axe-core-{VERSION}.tgz"))
    if not tarball.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise Unavailable("npm is not installed (it fetches axe-core from the npm registry)")
        CACHE.mkdir(parents=True, exist_ok=True)
        result = subprocess.run([npm, "pack", f"axe-core@{VERSION}", "--pack-destination", str(CACHE), "--silent"],
                                capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
        if result.returncode != 0 or not tarball.exists():
            raise Unavailable(f"npm pack axe-core@{VERSION} failed: {result.stderr.strip()[-500:]}")
    data = tarball.read_bytes()
    if _integrity(data) != INTEGRITY:
        tarball.unlink(missing_ok=True)
        raise AssertionError(f"{tarball} is not axe-core {VERSION} as published: its sha512 differs")
    with tarfile.open(tarball) as archive:
        member = archive.extractfile("package/axe.min.js")
        assert member is not None
        text = member.read().decode("utf-8")
    partial = script.with_suffix(".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(script)  # whole or not at all: a killed run leaves no half file behind
    return text
