"""Capacitated assignment of residents to shelters: the numpy core of ``yitu shelters``.

Blocks (residential areas with a population) go to shelters they reach on foot within the
shelter's radius, so that as many people as possible are placed and, among those assignments,
the total walking time (people × seconds) is least; no shelter takes more than it holds.

Three exact solvers over the same sparse arcs (``Reach`` of shelters → blocks, transposed or not):

- ``flow``: OR-Tools on source → block (its people) → shelter (walking seconds per person) → sink
  (capacity): a max flow (``SimpleMaxFlow``: the most people that can be placed), then the min-cost
  flow of exactly that many (``SimpleMinCostFlow``: least walking);
- ``lp``: the same problem as an LP in HiGHS (``scipy.optimize.linprog``) with an "unplaced"
  slack per block priced above any chain of walks, so that placing people comes first;
- ``milp``: a block's people stay together (one shelter per block, or unplaced) — a
  generalised assignment problem solved as a MILP in HiGHS (``scipy.optimize.milp``).

The flow and LP results have the same (optimal) total; the flow is the default because it is
faster on the instances of ``benchmarks/shelters.py``. Walking times are whole seconds in the
solvers (OR-Tools takes integer costs); the totals reported use the same whole seconds.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from yitu.errors import InputError, MissingDependencyError
from yitu.words import msg, named, tr
from yitu.words.numbers import qty

log = logging.getLogger(__name__)

__all__ = ["Assignment", "assign", "SOLVERS"]

SOLVERS = ("flow", "lp", "milp")


@dataclass(frozen=True)
class Assignment:
    """The result of :func:`assign`.

    Attributes
    ----------
    block, shelter, people, time_s
        One row per (block, shelter) pair that carries people: block index, shelter index,
        people sent, walking seconds (whole seconds, as solved).
    placed, unplaced
        People per block placed / not placed (``placed + unplaced == demand``).
    reachable
        Per block, whether any shelter is within reach (unplaced people of a reachable block
        were left out because the shelters in reach are full).
    load
        People per shelter (never above its capacity).
    total_s
        Total walking time, people × seconds.
    solver, status, optimal, seconds
        Which solver ran, its status text, whether optimality is proven, wall time.
    """

    block: np.ndarray
    shelter: np.ndarray
    people: np.ndarray
    time_s: np.ndarray
    placed: np.ndarray
    unplaced: np.ndarray
    reachable: np.ndarray
    load: np.ndarray
    total_s: float
    solver: str
    status: str
    optimal: bool
    seconds: float
    notes: list[str] = field(default_factory=list)


def _arcs(reach_or_csr: object, n_blocks: int, n_shelters: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(block, shelter, whole seconds) from a blocks × shelters CSR (or a ``Reach`` of either orientation)."""
    from yitu.routing.engine import Reach

    if isinstance(reach_or_csr, Reach):
        r = reach_or_csr
        if (r.n_sources, r.n_targets) == (n_shelters, n_blocks) and (r.n_sources, r.n_targets) != (n_blocks, n_shelters):
            r = r.transpose()
        if (r.n_sources, r.n_targets) != (n_blocks, n_shelters):
            raise InputError(f"assign: the reach is {r.n_sources} × {r.n_targets}; expected blocks × shelters "
                             f"= {n_blocks} × {n_shelters}")
        b, s, t = r.sources(), r.indices, r.time_s
    else:
        m = sp.coo_array(reach_or_csr)
        if m.shape != (n_blocks, n_shelters):
            raise InputError(f"assign: the matrix is {m.shape[0]} × {m.shape[1]}; expected blocks × shelters "
                             f"= {n_blocks} × {n_shelters}")
        b, s, t = m.row, m.col, m.data
    t = np.asarray(t, dtype="float64")
    ok = np.isfinite(t)
    return (np.asarray(b, dtype="int64")[ok], np.asarray(s, dtype="int64")[ok],
            np.rint(np.maximum(t[ok], 0.0)).astype("int64"))


def _check(demand: np.ndarray, capacity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    d = np.asarray(demand, dtype="float64")
    c = np.asarray(capacity, dtype="float64")
    for name, a in (("demand", d), ("capacity", c)):
        if a.ndim != 1 or not np.isfinite(a).all() or (a < 0).any():
            raise InputError(f"assign: {name} must be finite numbers ≥ 0 (one per row)")
        if (a != np.rint(a)).any():
            raise InputError(f"assign: {name} must be whole people")
    return d.astype("int64"), c.astype("int64")


def assign(
    reach_or_csr: object,
    *,
    demand: np.ndarray,
    capacity: np.ndarray,
    split: bool = True,
    solver: str = "flow",
    time_limit_s: float = 60.0,
) -> Assignment:
    """Assign each block's people to shelters in reach: most people placed, then least walking.

    Parameters
    ----------
    reach_or_csr
        Walking seconds of the allowed (block, shelter) pairs: a :class:`~yitu.routing.engine.Reach`
        (shelters → blocks as :func:`~yitu.routing.engine.reach` returns it, or blocks → shelters) or a
        blocks × shelters sparse matrix (explicit zeros are pairs at 0 s). Absent pairs are not allowed.
    demand
        People per block (whole numbers ≥ 0).
    capacity
        People each shelter holds (whole numbers ≥ 0).
    split
        Whether a block's people may go to several shelters. ``False`` keeps each block together
        (solved as a MILP whatever ``solver`` says).
    solver
        ``flow`` (OR-Tools min-cost flow) or ``lp`` (HiGHS LP) for the splittable problem.
    time_limit_s
        Time limit of the MILP (a result that is not proven optimal says so: ``optimal`` False) and of
        the LP (which raises when it stops without an optimum).

    Returns
    -------
    Assignment
    """
    d, c = _check(demand, capacity)
    nb, ns = d.size, c.size
    b, s, t = _arcs(reach_or_csr, nb, ns)
    reachable = np.zeros(nb, dtype=bool)
    reachable[b] = True
    t0 = time.perf_counter()
    if not split:
        res = _solve_milp(b, s, t, d, c, time_limit_s)
    elif solver == "flow":
        res = _solve_flow(b, s, t, d, c)
    elif solver == "lp":
        res = _solve_lp(b, s, t, d, c, time_limit_s)
    else:
        raise InputError(tr("shelters.err.solver", solver=solver))
    x, status, optimal, name = res
    secs = time.perf_counter() - t0
    keep = x > 0
    ab, ash, ax, at = b[keep], s[keep], x[keep], t[keep]
    placed = np.bincount(ab, weights=ax, minlength=nb).astype("int64")
    load = np.bincount(ash, weights=ax, minlength=ns).astype("int64")
    if (load > c).any():  # a solver bug, never a result to present
        raise RuntimeError(f"assign: {name} exceeded a capacity (shelter {int(np.argmax(load - c))})")
    if (placed > d).any():
        raise RuntimeError(f"assign: {name} placed more people than a block has")
    total = float(np.dot(ax.astype("float64"), at.astype("float64")))
    log.info(msg("shelters.log.assignment", solver=named("shelters.solver", name),
                 placed=qty(int(placed.sum()), "people"),
                 people=qty(int(d.sum()), "people"), total=f"{total:.0f}", secs=f"{secs:.3f}", status=status))
    return Assignment(ab, ash, ax.astype("int64"), at.astype("float64"), placed, d - placed, reachable, load, total,
                      name, status, optimal, secs)


# ------------------------------------------------------------------------------------ solvers
def _solve_flow(b: np.ndarray, s: np.ndarray, t: np.ndarray, d: np.ndarray, c: np.ndarray
                ) -> tuple[np.ndarray, str, bool, str]:
    """Two OR-Tools solves on source → block → shelter → sink: the max flow (most people placed), then the
    min-cost flow of exactly that many people (least walking)."""
    try:
        from ortools.graph.python import max_flow, min_cost_flow
    except ImportError as exc:  # pragma: no cover - a dependency of yitu
        raise MissingDependencyError(tr("shelters.err.no_ortools")) from exc
    nb, ns = d.size, c.size
    src, snk = nb + ns, nb + ns + 1
    tails = np.concatenate([np.full(nb, src), b, nb + np.arange(ns, dtype="int64")])
    heads = np.concatenate([np.arange(nb, dtype="int64"), nb + s, np.full(ns, snk)])
    caps = np.concatenate([d, d[b], c])
    mf = max_flow.SimpleMaxFlow()
    mf.add_arcs_with_capacity(tails, heads, caps)
    st = mf.solve(src, snk)
    if st != mf.OPTIMAL:
        raise RuntimeError(f"max flow: status {st} (not optimal)")
    most = int(mf.optimal_flow())
    f = min_cost_flow.SimpleMinCostFlow()
    costs = np.concatenate([np.zeros(nb, dtype="int64"), t, np.zeros(ns, dtype="int64")])
    f.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.zeros(nb + ns + 2, dtype="int64")
    supplies[src], supplies[snk] = most, -most
    f.set_nodes_supplies(np.arange(nb + ns + 2), supplies)
    st = f.solve()
    if st != f.OPTIMAL:
        raise RuntimeError(f"min-cost flow: status {st} (not optimal)")
    flows = f.flows(np.arange(nb, nb + b.size))
    return np.asarray(flows, dtype="int64"), "optimal", True, "flow"


def _penalty(t: np.ndarray, ns: int) -> float:
    """Cost of one unplaced person: above any augmenting chain of walks (each shelter at most once)."""
    return float((int(t.max()) if t.size else 0) + 1) * (ns + 1) + 1.0


def _solve_lp(b: np.ndarray, s: np.ndarray, t: np.ndarray, d: np.ndarray, c: np.ndarray, time_limit_s: float
              ) -> tuple[np.ndarray, str, bool, str]:
    from scipy.optimize import linprog

    nb, ns, m = d.size, c.size, b.size
    if m == 0:
        return np.zeros(0, dtype="int64"), "optimal (nothing in reach)", True, "lp"
    pen = _penalty(t, ns)
    # variables: x (m arcs), u (nb unplaced); min t·x + pen·u; block rows equal, shelter rows ≤
    cost = np.concatenate([t.astype("float64"), np.full(nb, pen)])
    a_eq = sp.hstack([sp.csr_array((np.ones(m), (b, np.arange(m))), shape=(nb, m)), sp.eye_array(nb)], format="csr")
    a_ub = sp.hstack([sp.csr_array((np.ones(m), (s, np.arange(m))), shape=(ns, m)),
                      sp.csr_array((ns, nb))], format="csr")
    res = linprog(cost, A_ub=a_ub, b_ub=c.astype("float64"), A_eq=a_eq, b_eq=d.astype("float64"),
                  bounds=(0, None), method="highs", options={"time_limit": float(time_limit_s)})
    if res.status != 0:
        raise RuntimeError(f"HiGHS LP: {res.message}")
    x = res.x[:m]
    # the constraint matrix is totally unimodular: HiGHS' basic solution is integral up to round-off
    xi = np.rint(x).astype("int64")
    if np.abs(x - xi).max(initial=0.0) > 1e-6:
        raise RuntimeError("HiGHS LP returned a fractional assignment")
    return xi, "optimal", True, "lp"


def _solve_milp(b: np.ndarray, s: np.ndarray, t: np.ndarray, d: np.ndarray, c: np.ndarray, time_limit_s: float
                ) -> tuple[np.ndarray, str, bool, str]:
    """Two MILPs in HiGHS: most people placed (whole blocks), then least walking with that many placed."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    nb, ns, m = d.size, c.size, b.size
    if m == 0:
        return np.zeros(0, dtype="int64"), "optimal (nothing in reach)", True, "milp"
    # a block whose people exceed the capacity of a shelter can never go there whole
    ub = (d[b] <= c[s]).astype("float64")
    people = d[b].astype("float64")
    one = sp.csr_array((np.ones(m), (b, np.arange(m))), shape=(nb, m))
    cap = sp.csr_array((people, (s, np.arange(m))), shape=(ns, m))
    cons = [LinearConstraint(one, -np.inf, 1.0), LinearConstraint(cap, -np.inf, c.astype("float64"))]
    opts = {"time_limit": max(float(time_limit_s) / 2, 1.0), "disp": False, "mip_rel_gap": 1e-9}
    bounds = Bounds(np.zeros(m), ub)
    first = milp(-people, constraints=cons, integrality=np.ones(m), bounds=bounds, options=opts)
    if first.x is None:
        raise RuntimeError(f"HiGHS MILP found no assignment: {first.message}")
    most = float(np.rint(people @ np.rint(first.x)))
    cons.append(LinearConstraint(sp.csr_array(people[None, :]), most - 0.5, np.inf))
    second = milp(people * t.astype("float64"), constraints=cons, integrality=np.ones(m), bounds=bounds, options=opts)
    res = second if second.x is not None else first
    y = np.rint(res.x).astype("int64")
    optimal = first.status == 0 and second.status == 0
    status = "optimal" if optimal else f"not proven optimal ({res.message})"
    return y * d[b], status, optimal, "milp"
