"""Siting models: exact answers equal brute force on small instances; CBC agrees with HiGHS; the
heuristics' bounds hold; capacitated coverage equals brute force over site sets + an LP per set."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import linprog

from yitu.errors import InfeasibleError, InputError
from yitu.routing.engine import Reach
from yitu.routing.siting_models import backup, capacitated_coverage, lscp, mclp, pcenter


def instance(seed: int, n_c: int = 9, n_d: int = 25, reach_s: float = 600.0):
    """Random points on a 10 km square; times ~ euclidean at 10 m/s, a pair kept when within ``reach_s``."""
    rng = np.random.default_rng(seed)
    c = rng.uniform(0, 6000, (n_c, 2))
    d = rng.uniform(0, 6000, (n_d, 2))
    t = np.hypot(*(c[:, None, :] - d[None, :, :]).transpose(2, 0, 1)) / 10.0
    t[t > reach_s] = np.inf
    w = rng.integers(1, 20, n_d).astype(float)
    return t, w


def subsets(n, k):
    return itertools.combinations(range(n), k)


def covered_by(t, limit, open_idx):
    return (t[list(open_idx)] <= limit).any(axis=0) if open_idx else np.zeros(t.shape[1], bool)


@pytest.mark.parametrize("seed", range(5))
def test_mclp_and_backup_equal_brute_force(seed):
    t, w = instance(seed)
    limit = 400.0
    n_c = t.shape[0]
    fixed = [0] if seed % 2 else None
    f = set(fixed or [])
    free = [j for j in range(n_c) if j not in f]
    for p in (1, 2, 3):
        best = max(w[covered_by(t, limit, f | set(s))].sum() for s in itertools.combinations(free, p))
        r = mclp(t, p=p, weights=w, limit_s=limit, fixed=fixed)
        assert r.optimal and r.objective == pytest.approx(best)
        assert r.chosen.size == p and not (set(r.chosen) & f)
        twice = max(w[((t[sorted(f | set(s))] <= limit).sum(axis=0) >= 2)].sum()
                    for s in itertools.combinations(free, p))
        b = backup(t, p=p, weights=w, limit_s=limit, fixed=fixed)
        assert b.optimal and b.objective == pytest.approx(twice)


@pytest.mark.parametrize("seed", range(5))
def test_lscp_and_pcenter_equal_brute_force(seed):
    t, w = instance(seed, reach_s=1200.0)
    n_c = t.shape[0]
    limit = 700.0
    feasible = (t <= limit).any(axis=0).all()
    if feasible:
        k = next(k for k in range(1, n_c + 1) if any(covered_by(t, limit, s).all() for s in subsets(n_c, k)))
        assert lscp(t, limit_s=limit).objective == k
    else:
        with pytest.raises(InfeasibleError):
            lscp(t, limit_s=limit)
    for p in (2, 3):
        worst = []
        for s in subsets(n_c, p):
            m = t[list(s)].min(axis=0)
            worst.append(m.max())
        best = min(worst)
        if not np.isfinite(best):
            with pytest.raises(InfeasibleError):
                pcenter(t, p=p)
            continue
        r = pcenter(t, p=p)
        assert r.optimal and r.objective == pytest.approx(best)
        assert t[r.open].min(axis=0).max() == pytest.approx(best)


def test_cbc_agrees_with_highs_and_inputs_forms():
    t, w = instance(7, n_c=12, n_d=60)
    a = mclp(t, p=3, weights=w, limit_s=400.0, solver="highs")
    b = mclp(t, p=3, weights=w, limit_s=400.0, solver="cbc")
    assert a.optimal and b.optimal and a.objective == pytest.approx(b.objective)
    # the same data as a Reach and as a CSR array
    r, c = np.nonzero(np.isfinite(t))
    reach = Reach.from_entries(r, c, t[r, c], *t.shape)
    assert mclp(reach, p=3, weights=w, limit_s=400.0).objective == pytest.approx(a.objective)
    assert mclp(sp.csr_array(reach.to_csr()), p=3, weights=w, limit_s=400.0).objective == pytest.approx(a.objective)


def test_heuristic_bounds_never_violated():
    for seed in range(8):
        t, w = instance(seed, n_c=12, n_d=80, reach_s=900.0)
        for p in (1, 2, 4):
            exact = mclp(t, p=p, weights=w, limit_s=500.0)
            h = mclp(t, p=p, weights=w, limit_s=500.0, solver="heuristic")
            assert h.objective <= exact.objective + 1e-9
            assert h.bound >= exact.objective - 1e-9
            assert h.gap == pytest.approx((h.bound - h.objective) / h.bound)
        if (t <= 700.0).any(axis=0).all():
            ex = lscp(t, limit_s=700.0)
            hl = lscp(t, limit_s=700.0, solver="heuristic")
            assert hl.bound <= ex.objective + 1e-9 <= hl.objective + 1e-9
            assert hl.covered.all()


def test_infeasible_named_before_solving_and_bad_p():
    t = np.array([[100.0, np.inf], [200.0, np.inf]])
    with pytest.raises(InfeasibleError, match="B"):
        lscp(t, limit_s=300.0, names=["A", "B"])
    with pytest.raises(InputError, match="超过可选候选点数 2"):
        mclp(t, p=3)


def _best_placement(t, demand, cap, open_idx, limit):
    """Max amount placed for fixed open sites: a transportation LP (exact for split demand)."""
    pairs = [(i, j) for j in open_idx for i in range(t.shape[1]) if t[j, i] <= limit]
    if not pairs:
        return 0.0
    m = len(pairs)
    A, b = [], []
    for i in range(t.shape[1]):
        A.append([1.0 if q[0] == i else 0.0 for q in pairs]); b.append(demand[i])
    for j in open_idx:
        A.append([1.0 if q[1] == j else 0.0 for q in pairs]); b.append(cap[j])
    res = linprog(-np.ones(m), A_ub=np.array(A), b_ub=np.array(b), bounds=(0, None), method="highs")
    return -res.fun


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(2))
def test_capacitated_coverage_equals_brute_force(seed):
    t, _ = instance(seed, n_c=7, n_d=15, reach_s=900.0)
    rng = np.random.default_rng(seed + 100)
    demand = rng.integers(10, 100, t.shape[1]).astype(float)
    cap = rng.integers(50, 300, t.shape[0]).astype(float)
    limit = 600.0
    fixed = [1]
    for p in (1, 2):
        best = max(_best_placement(t, demand, cap, sorted({1, *s}), limit)
                   for s in itertools.combinations([j for j in range(7) if j != 1], p))
        sol = capacitated_coverage(t, demand=demand, capacity=cap, p=p, fixed=fixed, limit_s=limit)
        assert sol.optimal and sol.placed_total == pytest.approx(best, rel=1e-6)
        assert sol.open[1] and sol.chosen.size == p
        assert (sol.load <= cap + 1e-6).all() and (sol.placed <= demand + 1e-6).all()
        assert (sol.pair_time_s <= limit).all() and sol.open[sol.pair_site].all()
        assert sol.unplaced_total == pytest.approx(demand.sum() - best, rel=1e-6)
        whole = capacitated_coverage(t, demand=demand, capacity=cap, p=p, fixed=fixed, limit_s=limit, split=False)
        assert whole.placed_total <= sol.placed_total + 1e-6
        # unsplit: every demand placed whole or not at all, to one site
        assert np.all(np.isclose(whole.placed, 0) | np.isclose(whole.placed, demand))
        assert np.bincount(whole.pair_demand, minlength=t.shape[1]).max() <= 1


def test_capacitated_least_time_among_most_placed():
    # two sites both able to take everything; the nearer one must be chosen
    t = np.array([[100.0, 100.0], [50.0, 60.0]])
    sol = capacitated_coverage(t, demand=np.array([5.0, 5.0]), capacity=np.array([100.0, 100.0]), p=1)
    assert list(sol.chosen) == [1] and sol.total_time == pytest.approx(5 * 50 + 5 * 60)
    assert list(sol.site_of) == [1, 1]
