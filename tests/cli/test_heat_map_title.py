"""``chart --scores --area A`` says A in its title: a heat map of one area must not pass for all."""

from __future__ import annotations

import pytest

pytest.importorskip("matplotlib", reason="the heat map comes with the charts extra")

TABLE = "area,id,year,code,text,average,us,jp\nTrade,2010S-1,2010,S,Keep markets open,0.5,1,0\nEnergy,2010S-2,2010,S,Save energy,0,0,0\n"


@pytest.mark.parametrize("area", ["Trade", None])
def test_the_heat_map_title_names_its_area(ctrack, write, tmp_path, area):
    ctrack.ok("import-scores", str(write("scores.csv", TABLE)), "--on", "2011-06-01")
    out = tmp_path / "heat.svg"
    ctrack.ok("chart", "--scores", *(("--area", area) if area else ()), "--out", str(out))
    svg = out.read_text()
    title = next(line for line in svg.splitlines() if "Compliance" in line)
    assert ("Trade" in title) == (area == "Trade"), title
