"""Checkers the report tests borrow from the npm registry, fetched once into a cache and verified.

axe-core (the accessibility rules engine) and vnu-jar (the Nu HTML Checker's ``vnu.jar``), each pinned
by version and by its tarball's sha512 (the registry's ``dist.integrity``): a tarball that does not
match is refused, never run. The cache is ``.venv/cache`` (``make clean`` removes it), so a fresh
machine fetches them on its first ``make test``.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

CACHE = Path(__file__).parents[2] / ".venv" / "cache"


class Unavailable(Exception):
    """A checker could not be fetched (no npm, no network): the caller decides whether to skip."""


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    integrity: str
    member: str  # the file wanted from the tarball

    def path(self) -> Path:
        """The wanted file, fetched and verified on first use."""
        found = CACHE / f"{self.name}-{self.version}" / Path(self.member).name
        if found.exists():
            return found
        tarball = CACHE / f"{self.name}-{self.version}.tgz"
        if not tarball.exists():
            npm = shutil.which("npm")
            if npm is None:
                raise Unavailable(f"npm is not installed (it fetches {self.name} from the npm registry)")
            CACHE.mkdir(parents=True, exist_ok=True)
            result = subprocess.run([npm, "pack", f"{self.name}@{self.version}", "--pack-destination", str(CACHE),
                                     "--silent"], capture_output=True, text=True, timeout=600, check=False)  # fmt: skip
            if result.returncode != 0 or not tarball.exists():
                raise Unavailable(f"npm pack {self.name}@{self.version} failed: {result.stderr.strip()[-500:]}")
        data = tarball.read_bytes()
        if "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode() != self.integrity:
            tarball.unlink()
            raise AssertionError(f"{tarball.name} is not {self.name} {self.version} as published: its sha512 differs")
        with tarfile.open(tarball) as archive:
            member = archive.extractfile(f"package/{self.member}")
            assert member is not None, self.member
            content = member.read()
        found.parent.mkdir(parents=True, exist_ok=True)
        partial = found.with_suffix(".partial")
        partial.write_bytes(content)
        partial.replace(found)  # whole or not at all: a killed run leaves no half file behind
        return found


AXE = Package("axe-core", "4.14.1",
              "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
              "axe.min.js")  # fmt: skip
VNU = Package("vnu-jar", "26.9.27",
              "sha512-TkQd5DFfOaWC9ebtvozTsrH2Vaod3jYg+vrOeREzIXxBexLz9+rS2DNtjn7+RPUiZhgli0SghgBX6RJRNea0KA==",
              "build/dist/vnu.jar")  # fmt: skip
