"""Missing is not zero: a station that gave no foam / aerial / personnel figure adds nothing known,
and a requirement line that depends on it is UNKNOWN (无法判定) unless the known amounts meet it."""

from __future__ import annotations

import numpy as np
import pytest
import pandas as pd

from yitu.routing.drill import VEHICLES, DrillResult, evaluate_requirements
from yitu.routing.drill_eval import _amount_table, force_curve
from yitu.routing.drill_io import people_table
from yitu.settings import RequirementLine

FOAM = RequirementLine(label="泡沫液 ≥ 10 吨，15 分钟内", what="foam_t", min=10.0, by_min=15.0)
AERIAL = RequirementLine(label="举高消防车 ≥ 1 辆，15 分钟内", what="aerial", min=1, by_min=15.0)


def _forces(foam, aerial, arrival=(4.0, 9.0, 20.0)) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    st = pd.DataFrame({"foam_t": foam, "aerial": aerial, "pumper": [2, 1, 1], "personnel": [10, np.nan, 6]})
    f = pd.concat([pd.DataFrame({"station_name": ["一站", "二站", "三站"], "status": "reachable",
                                 "arrival_min": list(arrival)}), _amount_table(st)], axis=1)
    return f


def test_amounts_keep_missing_figures_missing():
    st = pd.DataFrame({"pumper": [2, np.nan], "foam_t": [3.0, np.nan]})  # no 举高 column at all
    a = _amount_table(st)
    assert a["aerial"].isna().all() and np.isnan(a.loc[1, "foam_t"]) and a.loc[0, "foam_t"] == 3.0
    assert a.loc[0, "vehicles"] == 2 and a.loc[1, "vehicles"] != a.loc[1, "vehicles"]  # NaN: no type known
    full = _amount_table(pd.DataFrame({k: [1, 2] for k in (*VEHICLES, "personnel")} | {"foam_t": [1.0, 2.0]}))
    assert full["pumper"].dtype == "int64" and full["vehicles"].tolist() == [len(VEHICLES), 2 * len(VEHICLES)]


def test_missing_foam_is_unknown_not_zero():
    f = _forces(foam=[np.nan, np.nan, np.nan], aerial=[np.nan, 1, 0])
    r = evaluate_requirements(f, [FOAM, AERIAL]).set_index("what")
    assert r.loc["foam_t", "status"] == "UNKNOWN" and r.loc["foam_t", "n_missing"] == 2
    assert "无法判定" in r.loc["foam_t", "detail"] and "到场 0.0" not in r.loc["foam_t", "detail"]
    assert "一站" in r.loc["foam_t", "detail"]
    # the known aerial of 二站 (arriving at 9 min) already meets the line: MET despite 一站's blank
    assert r.loc["aerial", "status"] == "MET"


def test_known_amounts_decide_when_they_can():
    # 一站 gave 12 t: met whatever the others have
    r = evaluate_requirements(_forces(foam=[12.0, np.nan, np.nan], aerial=[0, 0, 0]), [FOAM, AERIAL]).set_index("what")
    assert r.loc["foam_t", "status"] == "MET"
    assert r.loc["aerial", "status"] == "NOT MET"  # every figure known, none in time
    # the force with the missing figure arrives after the deadline: it cannot change the line
    r = evaluate_requirements(_forces(foam=[2.0, 3.0, np.nan], aerial=[0, 0, 0]), [FOAM]).iloc[0]
    assert r["status"] == "NOT MET" and r["n_missing"] == 0


def test_verdict_is_unknown_when_a_line_cannot_be_judged():
    f = _forces(foam=[np.nan, 1.0, 1.0], aerial=[1, 0, 0])
    reqs = evaluate_requirements(f, [FOAM, AERIAL])
    res = DrillResult(site=None, hazard="fire", forces=f, curve=force_curve(f), on_site=pd.DataFrame(),  # type: ignore[arg-type]
                      routes=None, requirements=reqs)  # type: ignore[arg-type]
    assert (res.n_not_met, res.n_unknown, res.verdict) == (0, 1, "UNKNOWN")
    # the curve counts known amounts only (no NaN spreading through the cumulative sums)
    assert res.curve["foam_t"].iloc[-1] == 2.0 and not res.curve.isna().any().any()
    table = people_table(reqs)
    assert table["状态"].tolist() == ["无法判定", "达标"] and "泡沫液(吨)" in table["计量项"].tolist()


def test_demo_drill_with_stations_without_foam_or_aerial_columns(demo_copy, demo_network):
    """The issue's case: a stations file without 泡沫液/举高 columns. Not NOT MET 泡沫液 … 0.0 吨: 无法判定."""
    from yitu.routing.drill import run_drill

    st = demo_copy.read("stations").drop(columns=["foam_t", "aerial"])
    demo_copy.write("stations", st)
    before, _ = run_drill(demo_copy, at="E0001", hazard="fire", network=demo_network)
    r = before.requirements.set_index("what")
    assert r.loc["foam_t", "status"] == "UNKNOWN" and r.loc["aerial", "status"] == "UNKNOWN"
    assert r.loc["foam_tender", "status"] == "MET"  # known figures still decide their own lines
    assert before.verdict == "UNKNOWN" and before.n_not_met == 0
    assert before.forces["foam_t"].isna().all()
    req = pd.read_csv(demo_copy.output_dir / "drill" / "requirements.csv", encoding="utf-8-sig")
    assert set(req["状态"]) == {"达标", "无法判定"}
    forces = pd.read_csv(demo_copy.output_dir / "drill" / "forces.csv", encoding="utf-8-sig")
    assert forces["泡沫液（吨）"].isna().all()  # empty cells, not 0


def test_cli_drill_says_cannot_be_judged(demo_copy, capsys):
    from yitu.cli import main

    d = str(demo_copy.path)
    st = demo_copy.read("stations")
    st.loc[st["id"] == "S11", "foam_t"] = np.nan  # the first force on site at E0001 gave no foam figure
    demo_copy.write("stations", st)
    try:
        main(["-q", "network", "build", d, "--osm", f"{d}/inputs/roads.osm"])
    except SystemExit as exc:
        assert not exc.code
    capsys.readouterr()
    main(["-q", "drill", d, "--at", "E0001"])  # the others' known 18 t meet the 10 t line: exit 0
    out = capsys.readouterr().out
    assert "数据缺失" in out and "园区管委会微型消防站" in out and "结论：全部满足" in out
    st["foam_t"] = np.nan  # nobody gave a foam figure
    demo_copy.write("stations", st)
    with pytest.raises(SystemExit) as exc:
        main(["-q", "drill", d, "--at", "E0001"])
    out = capsys.readouterr().out
    assert exc.value.code == 3  # not all met: a line cannot be judged
    assert "结论：无法判定" in out and "无法判定 1 项" in out and "到场 0.0 吨" not in out
