"""The capacitated assignment equals independent solves: networkx max-flow-min-cost, brute force."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from yitu.errors import InputError
from yitu.routing.engine import Reach
from yitu.routing.shelters_solve import assign


def _instance(rng: np.random.Generator, nb: int, ns: int, density: float = 0.5):
    mask = rng.random((nb, ns)) < density
    t = rng.integers(0, 900, (nb, ns)).astype(float)
    b, s = np.nonzero(mask)
    m = sp.csr_array((t[b, s], (b, s)), shape=(nb, ns))
    d = rng.integers(0, 60, nb)
    c = rng.integers(0, 120, ns)
    return m, b, s, t[b, s], d, c


def _networkx(b, s, t, d, c):
    g = nx.DiGraph()
    nb, ns = len(d), len(c)
    for i in range(nb):
        g.add_edge("src", ("b", i), capacity=int(d[i]), weight=0)
    for j in range(ns):
        g.add_edge(("s", j), "snk", capacity=int(c[j]), weight=0)
    for bi, sj, tt in zip(b, s, t):
        g.add_edge(("b", int(bi)), ("s", int(sj)), capacity=int(d[bi]), weight=int(tt))
    flow = nx.max_flow_min_cost(g, "src", "snk")
    placed = sum(flow["src"][("b", i)] for i in range(nb))
    return placed, nx.cost_of_flow(g, flow)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("solver", ["flow", "lp"])
def test_split_assignment_equals_networkx(seed, solver):
    rng = np.random.default_rng(seed)
    m, b, s, t, d, c = _instance(rng, 25, 6)
    a = assign(m, demand=d, capacity=c, solver=solver)
    placed, cost = _networkx(b, s, t, d, c)
    assert int(a.placed.sum()) == placed
    assert a.total_s == pytest.approx(cost)
    assert (a.load <= c).all()
    assert (a.placed + a.unplaced == d).all() and (a.unplaced >= 0).all()
    # pairs carried are allowed pairs, at their walking time
    allowed = {(int(i), int(j)): tt for i, j, tt in zip(b, s, t)}
    for i, j, tt in zip(a.block, a.shelter, a.time_s):
        assert allowed[(int(i), int(j))] == tt


def test_flow_and_lp_agree_on_a_reach_of_either_orientation():
    rng = np.random.default_rng(11)
    m, b, s, t, d, c = _instance(rng, 40, 7)
    r = Reach.from_entries(s, b, t, 7, 40)  # shelters → blocks, as engine.reach gives it
    a1 = assign(r, demand=d, capacity=c, solver="flow")
    a2 = assign(r.transpose(), demand=d, capacity=c, solver="lp")
    assert a1.total_s == pytest.approx(a2.total_s)
    assert a1.placed.sum() == a2.placed.sum()


def _brute_unsplit(b, s, t, d, c):
    nb = len(d)
    options = [[-1] + [int(sj) for bi, sj in zip(b, s) if bi == i] for i in range(nb)]
    tt = {(int(i), int(j)): v for i, j, v in zip(b, s, t)}
    best = None
    for choice in itertools.product(*options):
        load = np.zeros(len(c), dtype=int)
        for i, j in enumerate(choice):
            if j >= 0:
                load[j] += d[i]
        if (load > c).any():
            continue
        placed = sum(d[i] for i, j in enumerate(choice) if j >= 0)
        cost = sum(d[i] * tt[(i, j)] for i, j in enumerate(choice) if j >= 0)
        key = (-placed, cost)
        if best is None or key < best:
            best = key
    return -best[0], best[1]


@pytest.mark.parametrize("seed", range(5))
def test_unsplit_assignment_equals_brute_force(seed):
    rng = np.random.default_rng(100 + seed)
    m, b, s, t, d, c = _instance(rng, 7, 3, density=0.6)
    a = assign(m, demand=d, capacity=c, split=False)
    placed, cost = _brute_unsplit(b, s, t, d, c)
    assert a.optimal
    assert int(a.placed.sum()) == placed
    assert a.total_s == pytest.approx(cost)
    # each block whole: placed all or nothing, in one shelter
    assert set(np.unique(a.block, return_counts=True)[1].tolist()) <= {1}
    assert ((a.placed == 0) | (a.placed == d)).all()
    assert (a.load <= c).all()


def test_nothing_in_reach_and_bad_input():
    d = np.array([5, 0, 7])
    a = assign(sp.csr_array((3, 2)), demand=d, capacity=np.array([10, 10]))
    assert a.unplaced.tolist() == [5, 0, 7] and not a.reachable.any() and a.total_s == 0
    with pytest.raises(InputError, match="whole people"):
        assign(sp.csr_array((1, 1)), demand=np.array([1.5]), capacity=np.array([3]))
    with pytest.raises(InputError, match="expected blocks × shelters"):
        assign(sp.csr_array((2, 2)), demand=d, capacity=np.array([1, 1]))
    with pytest.raises(InputError, match="solver"):
        assign(sp.csr_array((3, 2)), demand=d, capacity=np.array([1, 1]), solver="cplex")
