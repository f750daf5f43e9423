"""Location models on sparse reach data (the numpy core of ``yitu site``), in spopt's shapes.

Input is what :func:`yitu.routing.engine.reach` returns for candidates → demands (a
:class:`~yitu.routing.engine.Reach`), or the same as a scipy CSR array (candidates × demands
seconds, an explicit entry = reached) or a dense array (``inf`` = not reached) for small cases.
A demand is *covered* by a candidate reaching it within the demand's limit.

Models: :func:`lscp` (fewest new sites so that every demand is covered), :func:`mclp` (p new sites,
most weight covered), :func:`pcenter` (p new sites, smallest worst arrival), :func:`backup` (p new
sites, most weight covered twice) and :func:`capacitated_coverage` (p new sites with capacities,
most demand placed, then least total time). Existing sites are candidates marked ``fixed`` (always
open, not counted in p). Demands with the same set of covering candidates are merged (their weights
summed) before solving — exact, and it shrinks county-sized problems many times.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from yitu.errors import InfeasibleError, InputError
from yitu.routing.engine import Reach
from yitu.routing.siting_solve import SolverError, SolverResult, solve_milp
from yitu.words import msg, named, tr

log = logging.getLogger(__name__)

__all__ = ["SitingResult", "CapacitatedSolution", "as_times", "cover_matrix", "evaluate", "lscp", "mclp", "pcenter",
           "backup", "capacitated_coverage", "unreachable_demands"]

_TOL = 1e-9


# ------------------------------------------------------------------------------ inputs
def as_times(reach_or_csr: Reach | sp.sparray | sp.spmatrix | np.ndarray) -> sp.csr_array:
    """Candidates × demands seconds as a CSR array whose explicit entries are the reached pairs."""
    if isinstance(reach_or_csr, Reach):
        m = reach_or_csr.to_csr()
    elif sp.issparse(reach_or_csr):
        m = sp.csr_array(reach_or_csr)
    else:
        d = np.asarray(reach_or_csr, dtype="float64")
        if d.ndim != 2:
            raise InputError(f"a cost matrix must be 2-D (candidates × demands), got shape {d.shape}")
        r, c = np.nonzero(np.isfinite(d))
        m = sp.csr_array((d[r, c], (r, c)), shape=d.shape)
    m = sp.csr_array(m, dtype="float64")
    m.sort_indices()
    return m


def _limits(limit_s: float | np.ndarray | None, n: int) -> np.ndarray:
    if limit_s is None:
        return np.full(n, np.inf)
    lim = np.broadcast_to(np.asarray(limit_s, dtype="float64"), (n,)).copy()
    if np.isnan(lim).any() or (lim < 0).any():
        raise InputError("limit_s must be ≥ 0 seconds for every demand")
    return lim


def cover_matrix(times: sp.csr_array, limit_s: float | np.ndarray | None) -> sp.csr_array:
    """Boolean candidates × demands: reached within the demand's limit."""
    lim = _limits(limit_s, times.shape[1])
    keep = times.data <= lim[times.indices] + _TOL
    rows = np.repeat(np.arange(times.shape[0]), np.diff(times.indptr))
    return sp.csr_array((np.ones(int(keep.sum()), dtype="int8"), (rows[keep], times.indices[keep])), shape=times.shape)


def _mask(fixed: np.ndarray | Sequence[int] | None, n: int, what: str = "fixed") -> np.ndarray:
    if fixed is None:
        return np.zeros(n, dtype=bool)
    f = np.asarray(fixed)
    if f.dtype == bool:
        if f.shape != (n,):
            raise InputError(f"{what}: a boolean mask must have one entry per candidate ({n}), got {f.shape}")
        return f.copy()
    out = np.zeros(n, dtype=bool)
    out[f.astype("int64")] = True
    return out


def _names(names: Sequence[str] | None, idx: np.ndarray, limit: int = 10) -> str:
    shown = [str(names[i]) if names is not None else f"#{i}" for i in idx[:limit]]
    more = f" … (+{idx.size - limit})" if idx.size > limit else ""
    return ", ".join(shown) + more


def unreachable_demands(cover: sp.csr_array) -> np.ndarray:
    """Indices of demands that no candidate (fixed or not) covers."""
    return np.flatnonzero(np.bincount(cover.indices, minlength=cover.shape[1]) == 0)


# ------------------------------------------------------------------------------ results
@dataclass(frozen=True)
class SitingResult:
    """A siting model's answer.

    Attributes
    ----------
    model
        ``"lscp"``, ``"mclp"``, ``"pcenter"`` or ``"backup"``.
    open
        Per candidate: open in the answer (fixed ones included).
    chosen
        Indices of the newly opened candidates (not fixed), in order of choice where known.
    objective
        LSCP: number (or cost) of new sites; MCLP: covered weight; p-center: worst arrival (s);
        backup: weight covered twice.
    bound
        The best proven bound on the objective (lower for LSCP/p-center, upper for MCLP/backup).
    gap
        Relative gap between objective and bound (0 when proven optimal).
    status
        ``"optimal"`` only when proven; otherwise ``"time_limit"`` or ``"heuristic"``.
    covered, n_cover, best_s
        Per demand with the answer's open sites: covered within its limit, how many open sites
        cover it, and the earliest arrival in the reach data (inf where none reaches it).
    """

    model: str
    open: np.ndarray
    chosen: np.ndarray
    objective: float
    bound: float
    gap: float
    status: str
    solver: str
    seconds: float
    covered: np.ndarray
    n_cover: np.ndarray
    best_s: np.ndarray
    p: int | None = None
    note: str = ""

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"


def evaluate(times: sp.csr_array, cover: sp.csr_array, open_: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(covered, n_cover, best_s) per demand for a set of open candidates."""
    n_d = times.shape[1]
    rows = np.flatnonzero(open_)
    n_cover = np.asarray(cover[rows].sum(axis=0)).ravel().astype("int64") if rows.size else np.zeros(n_d, "int64")
    best = np.full(n_d, np.inf)
    if rows.size:
        sub = times[rows]
        np.minimum.at(best, sub.indices, sub.data)
    return n_cover > 0, n_cover, best


def _finish(model: str, times, cover, open_, fixed, res: SolverResult | None, objective: float, bound: float,
            gap: float, status: str, solver: str, seconds: float, p: int | None, note: str = "",
            chosen: np.ndarray | None = None) -> SitingResult:
    covered, n_cover, best = evaluate(times, cover, open_)
    if chosen is None:
        chosen = np.flatnonzero(open_ & ~fixed)
    if status != "optimal":
        log.warning(msg("siting.log.not_optimal", model=named("siting.model", model), status=status, gap=f"{gap:.4g}"))
    return SitingResult(model, open_, np.asarray(chosen, dtype="int64"), float(objective), float(bound), float(gap),
                        status, solver, float(seconds), covered, n_cover, best, p, note)


# ------------------------------------------------------------------------------ merging demands
def _groups(cover_t: sp.csr_array, key: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Group demands with the same covering set (and the same ``key``): (group per demand, first demand per group)."""
    ind, ptr = cover_t.indices, cover_t.indptr
    seen: dict[bytes, int] = {}
    gid = np.empty(cover_t.shape[0], dtype="int64")
    first: list[int] = []
    kb = None if key is None else np.asarray(key, dtype="int64")
    for i in range(cover_t.shape[0]):
        b = ind[ptr[i]:ptr[i + 1]].tobytes()
        if kb is not None:
            b += b"|" + kb[i].tobytes()
        g = seen.get(b)
        if g is None:
            g = seen[b] = len(first)
            first.append(i)
        gid[i] = g
    return gid, np.asarray(first, dtype="int64")


def _prepare(reach_or_csr, limit_s, fixed, names=None):
    times = as_times(reach_or_csr)
    cover = cover_matrix(times, limit_s)
    fx = _mask(fixed, times.shape[0])
    return times, cover, fx


def _check_unreachable(cover: sp.csr_array, names: Sequence[str] | None, what: str) -> None:
    bad = unreachable_demands(cover)
    if bad.size:
        raise InfeasibleError(tr("siting.err.unreached", what=what, n=bad.size, names=_names(names, bad)))


def _free_cover(cover: sp.csr_array, fx: np.ndarray) -> tuple[np.ndarray, sp.csr_array, np.ndarray]:
    """(free candidate indices, their cover transposed to demands × free, fixed cover count per demand)."""
    free = np.flatnonzero(~fx)
    fixed_count = np.asarray(cover[np.flatnonzero(fx)].sum(axis=0)).ravel().astype("int64") if fx.any() \
        else np.zeros(cover.shape[1], "int64")
    ct = sp.csr_array(cover[free].T)
    ct.sort_indices()
    return free, ct, fixed_count


def _check_p(p: int, n_free: int) -> int:
    p = int(p)
    if p < 0:
        raise InputError(tr("siting.err.p_negative", p=p))
    if p > n_free:
        raise InputError(tr("siting.err.p_too_large", p=p, n=n_free))
    return p


# ------------------------------------------------------------------------------ LSCP
def lscp(
    reach_or_csr: Reach | sp.sparray | np.ndarray,
    *,
    limit_s: float | np.ndarray | None = None,
    fixed: np.ndarray | Sequence[int] | None = None,
    cost: np.ndarray | None = None,
    names: Sequence[str] | None = None,
    solver: str = "highs",
    time_limit_s: float = 60.0,
) -> SitingResult:
    """Location set covering: the fewest (or cheapest, with ``cost``) new sites so every demand is covered.

    Raises
    ------
    InfeasibleError
        Before solving, naming the demands no candidate reaches within the limit.
    """
    times, cover, fx = _prepare(reach_or_csr, limit_s, fixed)
    _check_unreachable(cover, names, "LSCP")
    free, ct, fcount = _free_cover(cover, fx)
    need = np.flatnonzero(fcount == 0)
    open_ = fx.copy()
    if need.size == 0:
        return _finish("lscp", times, cover, open_, fx, None, 0.0, 0.0, 0.0, "optimal", solver, 0.0, None,
                       note="existing stations already cover every demand")
    _, first = _groups(ct[need])
    G = ct[need[first]]  # groups × free
    c = np.ones(free.size) if cost is None else np.asarray(cost, dtype="float64")[free]
    if solver == "heuristic":
        from yitu.routing.siting_heuristic import lscp_heuristic

        h = lscp_heuristic(G, c, time_limit_s=min(time_limit_s, 10.0))
        open_[free[h.chosen]] = True
        return _finish("lscp", times, cover, open_, fx, None, h.value, h.bound, h.gap,
                       "optimal" if h.gap <= 1e-12 else "heuristic", "heuristic", h.seconds, None)
    res = solve_milp(c, G, np.ones(G.shape[0]), np.full(G.shape[0], np.inf), integrality=np.ones(free.size),
                     lb=np.zeros(free.size), ub=np.ones(free.size), solver=solver, time_limit_s=time_limit_s)
    if res.x is None:
        raise SolverError(tr("siting.err.solver_stopped", what="LSCP", solver=res.solver, status=res.status))
    open_[free[res.x > 0.5]] = True
    return _finish("lscp", times, cover, open_, fx, res, res.objective, res.bound, res.gap, res.status, res.solver,
                   res.seconds, None)


# ------------------------------------------------------------------------------ MCLP
def mclp_groups(cover: sp.csr_array, fx: np.ndarray, weights: np.ndarray):
    """The MCLP's merged groups: (free indices, groups × free cover, group weights, weight covered by fixed)."""
    free, ct, fcount = _free_cover(cover, fx)
    todo = np.flatnonzero((fcount == 0) & (np.diff(ct.indptr) > 0) & (weights > 0))
    gid, first = _groups(ct[todo])
    gw = np.bincount(gid, weights=weights[todo], minlength=first.size)
    return free, sp.csr_array(ct[todo[first]]), gw, float(weights[fcount > 0].sum())


def mclp(
    reach_or_csr: Reach | sp.sparray | np.ndarray,
    *,
    p: int,
    weights: np.ndarray | None = None,
    limit_s: float | np.ndarray | None = None,
    fixed: np.ndarray | Sequence[int] | None = None,
    solver: str = "highs",
    time_limit_s: float = 60.0,
    mip_gap: float = 0.0,
) -> SitingResult:
    """Maximal covering: ``p`` new sites covering the most demand weight (fixed sites' coverage counts).

    ``solver="heuristic"`` runs :func:`yitu.routing.siting_heuristic.mclp_heuristic` (greedy +
    interchange, with a Lagrangian upper bound and the gap to it).
    """
    times, cover, fx = _prepare(reach_or_csr, limit_s, fixed)
    n_d = times.shape[1]
    w = np.ones(n_d) if weights is None else np.asarray(weights, dtype="float64")
    if w.shape != (n_d,) or (w < 0).any() or np.isnan(w).any():
        raise InputError(f"weights: one non-negative number per demand ({n_d}) needed")
    free, G, gw, base = mclp_groups(cover, fx, w)
    p = _check_p(p, free.size)
    if solver == "heuristic":
        from yitu.routing.siting_heuristic import mclp_heuristic

        h = mclp_heuristic(G, gw, p, time_limit_s=min(time_limit_s, 10.0))
        open_ = fx.copy()
        open_[free[h.chosen]] = True
        return _finish("mclp", times, cover, open_, fx, None, base + h.value, base + h.bound, h.gap,
                       "optimal" if h.gap <= 1e-12 else "heuristic", "heuristic", h.seconds, p,
                       chosen=free[h.chosen])
    n_g, n_f = G.shape
    # columns: x (free) then y (groups); rows: y_k - sum_{j in S_k} x_j <= 0 ; sum x = p
    A = sp.vstack([sp.hstack([-G, sp.eye_array(n_g, format="csr")]),
                   sp.csr_array(np.concatenate([np.ones(n_f), np.zeros(n_g)])[None, :])], format="csr")
    lo = np.concatenate([np.full(n_g, -np.inf), [p]])
    hi = np.concatenate([np.zeros(n_g), [p]])
    c = np.concatenate([np.zeros(n_f), -gw])
    integ = np.concatenate([np.ones(n_f), np.zeros(n_g)])  # y integral at an integral x
    start = None
    if solver == "highs" and n_g and p:  # the heuristic's answer as HiGHS's first incumbent
        from yitu.routing.siting_heuristic import mclp_heuristic

        h = mclp_heuristic(G, gw, p, time_limit_s=min(2.0, time_limit_s / 4))
        xs = np.zeros(n_f)
        xs[h.chosen] = 1.0
        start = np.concatenate([xs, (G @ xs > 0).astype("float64")])
    res = solve_milp(c, A, lo, hi, integrality=integ, lb=np.zeros(n_f + n_g), ub=np.ones(n_f + n_g), solver=solver,
                     time_limit_s=time_limit_s, mip_gap=mip_gap, start=start)
    if res.x is None:
        raise SolverError(tr("siting.err.solver_stopped", what="MCLP", solver=res.solver, status=res.status))
    open_ = fx.copy()
    open_[free[res.x[:n_f] > 0.5]] = True
    covered, _, _ = evaluate(times, cover, open_)
    value = float(w[covered].sum())
    bound = base - res.bound if np.isfinite(res.bound) else float("nan")
    gap = 0.0 if res.status == "optimal" else (abs(bound - value) / max(abs(bound), 1e-9) if np.isfinite(bound)
                                               else float("nan"))
    return _finish("mclp", times, cover, open_, fx, res, value, bound if res.status != "optimal" else value, gap,
                   res.status, res.solver, res.seconds, p)


# ------------------------------------------------------------------------------ p-center
def pcenter(
    reach_or_csr: Reach | sp.sparray | np.ndarray,
    *,
    p: int,
    fixed: np.ndarray | Sequence[int] | None = None,
    names: Sequence[str] | None = None,
    solver: str = "highs",
    time_limit_s: float = 60.0,
) -> SitingResult:
    """p-center: ``p`` new sites making the worst earliest arrival over all demands smallest.

    Exact by binary search over the sorted distinct arrival times: a time ``τ`` is feasible when a
    set cover within ``τ`` (fixed sites free) needs at most ``p`` new sites (an LSCP MILP). Only
    the reach data counts, so a demand the searches never reached makes the problem infeasible.
    """
    times = as_times(reach_or_csr)
    fx = _mask(fixed, times.shape[0])
    n_c, n_d = times.shape
    p = _check_p(p, int((~fx).sum()))
    everyone = np.ones(n_c, dtype=bool)
    _, _, best_all = evaluate(times, cover_matrix(times, None), everyone)
    bad = np.flatnonzero(~np.isfinite(best_all))
    if bad.size:
        raise InfeasibleError(tr("siting.err.unreached_any", what="p-center", n=bad.size, names=_names(names, bad)))
    lo_t = float(best_all.max()) if n_d else 0.0
    levels = np.unique(times.data[times.data >= lo_t - _TOL])
    t_total = 0.0
    cache: dict[int, tuple[bool, np.ndarray | None, str]] = {}

    def feasible(k: int) -> tuple[bool, np.ndarray | None, str]:
        nonlocal t_total
        if k in cache:
            return cache[k]
        cov = cover_matrix(times, levels[k])
        free, ct, fcount = _free_cover(cov, fx)
        need = np.flatnonzero(fcount == 0)
        if need.size == 0:
            out = (True, np.zeros(0, dtype="int64"), "optimal")
        elif (np.diff(ct.indptr)[need] == 0).any():
            out = (False, None, "optimal")
        else:
            _, first = _groups(ct[need])
            G = ct[need[first]]
            res = solve_milp(np.ones(free.size), G, np.ones(G.shape[0]), np.full(G.shape[0], np.inf),
                             integrality=np.ones(free.size), lb=np.zeros(free.size), ub=np.ones(free.size),
                             solver=solver, time_limit_s=time_limit_s)
            t_total += res.seconds
            if res.x is None:
                raise SolverError(tr("siting.err.solver_stopped", what="p-center", solver=res.solver, status=res.status))
            n_new = int(round(res.objective))
            ok = n_new <= p
            if not ok and res.status != "optimal" and res.bound <= p:
                out = (False, None, res.status)  # unproven: treated as infeasible, said in the status
            else:
                out = (ok, free[res.x > 0.5] if ok else None, res.status)
        cache[k] = out
        return out

    hi = levels.size - 1
    if levels.size == 0 or not feasible(hi)[0]:
        raise InfeasibleError(tr("siting.err.pcenter_infeasible", p=p))
    lo = 0
    while lo < hi:
        mid = (lo + hi) // 2
        if feasible(mid)[0]:
            hi = mid
        else:
            lo = mid + 1
    ok, chosen, st = feasible(lo)
    unproven = any(s != "optimal" for s in (v[2] for v in cache.values()))
    open_ = fx.copy()
    open_[chosen] = True
    worst = float(levels[lo])
    status = "time_limit" if unproven else "optimal"
    note = "" if chosen.size == p else f"{chosen.size} new site(s) suffice for this worst arrival"
    # the p-center objective counts arrival times; cover is reported within that worst time
    return _finish("pcenter", times, cover_matrix(times, worst), open_, fx, None, worst, worst if not unproven
                   else float(levels[0]), 0.0 if not unproven else float("nan"), status, solver, t_total, p, note,
                   chosen=chosen)


# ------------------------------------------------------------------------------ backup coverage
def backup(
    reach_or_csr: Reach | sp.sparray | np.ndarray,
    *,
    p: int,
    weights: np.ndarray | None = None,
    limit_s: float | np.ndarray | None = None,
    fixed: np.ndarray | Sequence[int] | None = None,
    solver: str = "highs",
    time_limit_s: float = 60.0,
) -> SitingResult:
    """Backup coverage: ``p`` new sites making the weight covered by two sites within the limit largest.

    Ties are broken towards more weight covered at least once (a tie-break weight small enough
    never to trade away backup coverage: ``ε = min positive weight / (Σ weights + 1)``).
    """
    times, cover, fx = _prepare(reach_or_csr, limit_s, fixed)
    n_d = times.shape[1]
    w = np.ones(n_d) if weights is None else np.asarray(weights, dtype="float64")
    if w.shape != (n_d,) or (w < 0).any():
        raise InputError(f"weights: one non-negative number per demand ({n_d}) needed")
    free, ct, fcount = _free_cover(cover, fx)
    p = _check_p(p, free.size)
    f2 = np.minimum(fcount, 2)
    todo = np.flatnonzero((f2 < 2) & (f2 + np.diff(ct.indptr) >= 1) & (w > 0))
    gid, first = _groups(ct[todo], key=f2[todo])
    gw = np.bincount(gid, weights=w[todo], minlength=first.size)
    G = sp.csr_array(ct[todo[first]])
    fk = f2[todo[first]].astype("float64")
    n_g, n_f = G.shape
    pos = w[w > 0]
    eps = float(pos.min() / (w.sum() + 1.0)) if pos.size else 0.0
    I = sp.eye_array(n_g, format="csr")
    # columns x, y, u: y + u - Gx <= f, u - y <= 0, sum x = p; u binary (a fractional u would
    # count half a backup), y then integral too.
    A = sp.vstack([sp.hstack([-G, I, I]), sp.hstack([sp.csr_array((n_g, n_f)), -I, I]),
                   sp.csr_array(np.concatenate([np.ones(n_f), np.zeros(2 * n_g)])[None, :])], format="csr")
    lo = np.concatenate([np.full(2 * n_g, -np.inf), [p]])
    hi = np.concatenate([fk, np.zeros(n_g), [p]])
    c = np.concatenate([np.zeros(n_f), -eps * gw, -gw])
    res = solve_milp(c, A, lo, hi, integrality=np.concatenate([np.ones(n_f), np.zeros(n_g), np.ones(n_g)]),
                     lb=np.zeros(n_f + 2 * n_g), ub=np.ones(n_f + 2 * n_g), solver=solver,
                     time_limit_s=time_limit_s)
    if res.x is None:
        raise SolverError(tr("siting.err.solver_stopped", what="backup", solver=res.solver, status=res.status))
    open_ = fx.copy()
    open_[free[res.x[:n_f] > 0.5]] = True
    _, n_cover, _ = evaluate(times, cover, open_)
    value = float(w[n_cover >= 2].sum())
    bound = float(w[fcount >= 2].sum()) - res.bound if np.isfinite(res.bound) else float("nan")
    return _finish("backup", times, cover, open_, fx, res, value, value if res.optimal else bound,
                   0.0 if res.optimal else res.gap, res.status, res.solver, res.seconds, p)


# ------------------------------------------------------------------------------ capacitated
@dataclass(frozen=True)
class CapacitatedSolution:
    """Answer of :func:`capacitated_coverage`.

    Attributes
    ----------
    open, chosen
        Per candidate open (fixed included); indices of the newly opened ones.
    pair_demand, pair_site, pair_amount, pair_time_s
        The assignment: demand ``pair_demand[k]`` sends ``pair_amount[k]`` (people) to site
        ``pair_site[k]``, ``pair_time_s[k]`` seconds away.
    site_of
        Per demand, the site taking most of it (-1 when none).
    placed
        Per demand, the amount placed.
    load
        Per candidate, the amount assigned (≤ capacity).
    placed_total, unplaced_total, total_time
        Σ placed, Σ (demand − placed), Σ amount × seconds.
    status, objective, bound, gap, solver, seconds
        Of the first (most placed) solve; ``objective`` = ``placed_total``, ``bound`` an upper bound on it.
    """

    open: np.ndarray
    chosen: np.ndarray
    pair_demand: np.ndarray
    pair_site: np.ndarray
    pair_amount: np.ndarray
    pair_time_s: np.ndarray
    site_of: np.ndarray
    placed: np.ndarray
    load: np.ndarray
    placed_total: float
    unplaced_total: float
    total_time: float
    status: str
    objective: float
    bound: float
    gap: float
    solver: str
    seconds: float
    split: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"


def capacitated_coverage(
    reach_or_csr: Reach | sp.sparray | np.ndarray,
    *,
    demand: np.ndarray,
    capacity: np.ndarray,
    p: int,
    fixed: np.ndarray | Sequence[int] | None = None,
    limit_s: float | np.ndarray | None = None,
    split: bool = True,
    time_limit_s: float = 60.0,
    solver: str = "highs",
) -> CapacitatedSolution:
    """Open ``p`` new sites; assign demand to open sites within reach without exceeding capacity.

    Lexicographic: first the most demand placed, then (with that amount kept) the least total
    time (Σ amount × seconds). Two exact MILP solves.

    Parameters
    ----------
    reach_or_csr
        Candidates × demands seconds (an entry = the site reaches the demand).
    demand
        Amount per demand (people), ≥ 0.
    capacity
        Amount each candidate can take, ≥ 0 (``inf`` allowed: uncapacitated).
    p
        New sites to open (fixed ones are open and not counted).
    fixed
        Always-open sites (boolean mask or indices).
    limit_s
        Only pairs within this time (scalar or per demand) may be assigned; default all pairs.
    split
        Whether a demand may be split over several sites; if not, each demand goes whole to one
        site or stays unplaced.
    """
    times = as_times(reach_or_csr)
    n_c, n_d = times.shape
    d = np.asarray(demand, dtype="float64")
    cap = np.asarray(capacity, dtype="float64")
    if d.shape != (n_d,) or (d < 0).any() or np.isnan(d).any():
        raise InputError(f"demand: one non-negative amount per demand ({n_d}) needed")
    if cap.shape != (n_c,) or (cap < 0).any() or np.isnan(cap).any():
        raise InputError(f"capacity: one non-negative amount per candidate ({n_c}) needed")
    fx = _mask(fixed, n_c)
    p = _check_p(p, int((~fx).sum()))
    lim = _limits(limit_s, n_d)
    coo = times.tocoo()
    keep = (coo.data <= lim[coo.col] + _TOL) & (d[coo.col] > 0) & (cap[coo.row] > 0)
    pj, pi, pt = coo.row[keep].astype("int64"), coo.col[keep].astype("int64"), coo.data[keep]
    m = pj.size
    notes: list[str] = []
    bigcap = np.where(np.isfinite(cap), cap, d.sum() + 1.0)
    # columns: x (n_c, fixed bounds 1..1), z (m pairs, share of the demand)
    amt = d[pi]
    r = np.arange(m)
    A_dem = sp.csr_array((np.ones(m), (pi, n_c + r)), shape=(n_d, n_c + m))
    A_cap = sp.hstack([sp.diags_array(-bigcap, format="csr"), sp.csr_array((amt, (pj, r)), shape=(n_c, m))], format="csr")
    A_link = sp.hstack([sp.csr_array((-np.ones(m), (r, pj)), shape=(m, n_c)), sp.eye_array(m, format="csr")],
                       format="csr")
    A_p = sp.csr_array(np.concatenate([(~fx).astype("float64"), np.zeros(m)])[None, :])
    A = sp.vstack([A_dem, A_cap, A_link, A_p], format="csr")
    lo = np.concatenate([np.full(n_d + n_c + m, -np.inf), [p]])
    hi = np.concatenate([np.ones(n_d), np.zeros(n_c + m), [p]])
    lb = np.concatenate([fx.astype("float64"), np.zeros(m)])
    ub = np.ones(n_c + m)
    integ = np.concatenate([np.ones(n_c), np.full(m, 0 if split else 1)])
    c1 = np.concatenate([np.zeros(n_c), -amt])
    r1 = solve_milp(c1, A, lo, hi, integrality=integ, lb=lb, ub=ub, solver=solver, time_limit_s=time_limit_s)
    if r1.x is None:
        raise SolverError(tr("siting.err.solver_stopped", what="capacitated", solver=r1.solver, status=r1.status))
    best_placed = -r1.objective
    x = r1.x
    seconds = r1.seconds
    if m:
        # phase 2: keep the amount placed, least total time (warm: the phase-1 answer is feasible)
        tol = 1e-9 * max(best_placed, 1.0)
        A2 = sp.vstack([A, sp.csr_array(np.concatenate([np.zeros(n_c), amt])[None, :])], format="csr")
        lo2 = np.concatenate([lo, [best_placed - tol]])
        hi2 = np.concatenate([hi, [np.inf]])
        c2 = np.concatenate([np.zeros(n_c), amt * pt])
        r2 = solve_milp(c2, A2, lo2, hi2, integrality=integ, lb=lb, ub=ub, solver=solver,
                        time_limit_s=time_limit_s)
        seconds += r2.seconds
        if r2.x is not None:
            x = r2.x
            if r2.status != "optimal":
                notes.append(f"total time not proven least (status {r2.status})")
        else:
            notes.append(f"the least-time step stopped without a solution (status {r2.status}); "
                         "assignment of the most-placed step kept")
    open_ = x[:n_c] > 0.5
    share = np.clip(x[n_c:], 0.0, 1.0)
    if not split:
        share = np.round(share)
    use = (share > 1e-7) & open_[pj]  # solver tolerance: no dust on closed sites
    pd_, ps, pa, ptm = pi[use], pj[use], amt[use] * share[use], pt[use]
    placed = np.bincount(pd_, weights=pa, minlength=n_d)
    load = np.bincount(ps, weights=pa, minlength=n_c)
    site_of = np.full(n_d, -1, dtype="int64")
    if pd_.size:
        order = np.lexsort((-pa, pd_))
        firsts = order[np.r_[True, pd_[order][1:] != pd_[order][:-1]]]
        site_of[pd_[firsts]] = ps[firsts]
    upper = -r1.bound if np.isfinite(r1.bound) else float("nan")
    gap = 0.0 if r1.optimal else (abs(upper - best_placed) / max(abs(upper), 1e-9) if np.isfinite(upper)
                                  else float("nan"))
    if not r1.optimal:
        log.warning(msg("siting.log.capacitated_not_optimal", status=r1.status, gap=f"{gap:.4g}"))
    return CapacitatedSolution(
        open=open_, chosen=np.flatnonzero(open_ & ~fx), pair_demand=pd_, pair_site=ps, pair_amount=pa,
        pair_time_s=ptm, site_of=site_of, placed=placed, load=load, placed_total=float(placed.sum()),
        unplaced_total=float(d.sum() - placed.sum()), total_time=float((pa * ptm).sum()), status=r1.status,
        objective=float(placed.sum()), bound=best_placed if r1.optimal else upper, gap=gap, solver=r1.solver,
        seconds=seconds, split=split, notes=notes,
    )
