"""Agreement with PySAL spopt on the same cost matrix: LSCP, MCLP and p-center objectives equal."""

from __future__ import annotations

import numpy as np
import pulp
import pytest

from yitu.routing.siting_models import lscp, mclp, pcenter

spopt_locate = pytest.importorskip("spopt.locate")


def cost(seed: int, n_c: int = 15, n_d: int = 60) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    c = rng.uniform(0, 8000, (n_c, 2))
    d = rng.uniform(0, 8000, (n_d, 2))
    t = np.hypot(*(c[:, None, :] - d[None, :, :]).transpose(2, 0, 1)) / 10.0  # seconds at 10 m/s
    return t, rng.integers(1, 50, n_d).astype(float)


def cbc():
    return pulp.PULP_CBC_CMD(msg=False)


@pytest.mark.parametrize("seed", range(3))
def test_lscp_mclp_pcenter_equal_spopt(seed):
    t, w = cost(seed)
    radius = 300.0
    # spopt's cost matrix is demands × facilities
    s_l = spopt_locate.LSCP.from_cost_matrix(t.T, 2 * radius).solve(cbc())
    assert lscp(t, limit_s=2 * radius).objective == pytest.approx(pulp.value(s_l.problem.objective))
    for p in (2, 4):
        s_m = spopt_locate.MCLP.from_cost_matrix(t.T, w, radius, p_facilities=p).solve(cbc())
        ours = mclp(t, p=p, weights=w, limit_s=radius)
        assert ours.objective == pytest.approx(pulp.value(s_m.problem.objective))
        s_p = spopt_locate.PCenter.from_cost_matrix(t.T, p_facilities=p).solve(cbc())
        assert pcenter(t, p=p).objective == pytest.approx(pulp.value(s_p.problem.objective))


def test_fixed_sites_equal_spopt_predefined():
    t, w = cost(11)
    radius = 300.0
    pre = np.zeros(t.shape[0], dtype=bool)
    pre[[0, 3]] = True
    s_m = spopt_locate.MCLP.from_cost_matrix(t.T, w, radius, p_facilities=5, predefined_facilities_arr=pre).solve(cbc())
    ours = mclp(t, p=3, weights=w, limit_s=radius, fixed=pre)
    assert ours.objective == pytest.approx(pulp.value(s_m.problem.objective))
    assert ours.open[pre].all() and ours.open.sum() == 5
