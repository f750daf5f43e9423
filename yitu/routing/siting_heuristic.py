"""Fast MCLP / LSCP heuristics for large instances, each with a proven bound and the gap to it.

MCLP: Lagrangian relaxation of the coverage rows ``y_k <= Σ_{j∈S_k} x_j`` with multipliers
``λ ≥ 0`` gives the upper bound ``L(λ) = Σ_k max(0, w_k − λ_k) + (sum of the p largest (Gᵀλ)_j)``
for every ``λ``; subgradient steps lower it. Each step's top-p sites are a feasible answer; the
best of them and a greedy start are improved by interchange (swap one chosen site for the best
outside one while that gains). LSCP: greedy set cover with redundant sites dropped, and the
Lagrangian lower bound ``Σ_k λ_k + Σ_j min(0, c_j − (Gᵀλ)_j)``. Sparse matrix-vector products
only, never a dense candidates × demands array.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from yitu.words import msg
from yitu.words.numbers import qty

log = logging.getLogger(__name__)

__all__ = ["HeuristicResult", "mclp_heuristic", "lscp_heuristic"]


@dataclass(frozen=True)
class HeuristicResult:
    """A heuristic answer: chosen columns, its value, a proven bound and the relative gap between them."""

    chosen: np.ndarray
    value: float
    bound: float
    gap: float
    seconds: float
    iterations: int


def _covered_value(G: sp.csr_array, w: np.ndarray, x: np.ndarray) -> tuple[float, np.ndarray]:
    cnt = G @ x.astype("float64")
    return float(w[cnt > 0].sum()), cnt


def _greedy(G: sp.csr_array, Gt: sp.csr_array, w: np.ndarray, p: int) -> np.ndarray:
    unc = w.copy()
    chosen: list[int] = []
    for _ in range(p):
        gain = Gt @ unc
        if chosen:
            gain[chosen] = -1.0
        j = int(np.argmax(gain))
        chosen.append(j)
        a, b = Gt.indptr[j], Gt.indptr[j + 1]
        unc[Gt.indices[a:b]] = 0.0
    return np.asarray(chosen, dtype="int64")


def _interchange(G: sp.csr_array, Gt: sp.csr_array, w: np.ndarray, chosen: np.ndarray, deadline: float) -> np.ndarray:
    n = G.shape[1]
    x = np.zeros(n)
    x[chosen] = 1.0
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        cnt = G @ x
        for j in np.flatnonzero(x):
            a, b = Gt.indptr[j], Gt.indptr[j + 1]
            rows = Gt.indices[a:b]
            loss = float(w[rows][cnt[rows] == 1].sum())
            cnt_wo = cnt.copy()
            cnt_wo[rows] -= 1
            gain = Gt @ np.where(cnt_wo == 0, w, 0.0)
            gain[x > 0] = -1.0
            k = int(np.argmax(gain))
            if gain[k] > loss + 1e-9 * max(1.0, loss):
                x[j], x[k] = 0.0, 1.0
                ka, kb = Gt.indptr[k], Gt.indptr[k + 1]
                cnt = cnt_wo
                cnt[Gt.indices[ka:kb]] += 1
                improved = True
            if time.perf_counter() >= deadline:
                break
    return np.flatnonzero(x)


def mclp_heuristic(G: sp.csr_array, w: np.ndarray, p: int, *, time_limit_s: float = 10.0,
                   max_iter: int = 3000, gap_tol: float = 1e-4, stall_limit: int = 40,
                   polish_every: int = 100) -> HeuristicResult:
    """MCLP on merged groups: ``G`` groups × candidates (1 = covers), ``w`` group weights, ``p`` sites.

    Returns the best answer found with its Lagrangian upper bound (a proven bound: the optimum
    is never above it) and the gap ``(bound − value) / bound``. Stops at ``max_iter`` subgradient
    steps, at ``gap_tol``, or after about 80 % of ``time_limit_s`` (the rest is for interchange).
    """
    t0 = time.perf_counter()
    deadline = t0 + 0.8 * time_limit_s
    G = sp.csr_array(G, dtype="float64")
    Gt = sp.csr_array(G.T)
    n_g, n = G.shape
    if p == 0 or n_g == 0:
        return HeuristicResult(np.zeros(0, "int64"), 0.0, 0.0, 0.0, time.perf_counter() - t0, 0)
    best = _greedy(G, Gt, w, p)
    best_val, _ = _covered_value(G, w, np.isin(np.arange(n), best))
    total = float(w.sum())
    ub = total
    lam = w * 0.5
    theta = 2.0
    stall = 0
    it = 0
    for it in range(1, max_iter + 1):
        if time.perf_counter() >= deadline:
            break
        score = Gt @ lam
        top = np.argpartition(-score, p - 1)[:p] if p < n else np.arange(n)
        L = float(np.maximum(w - lam, 0.0).sum() + score[top].sum())
        if L < ub - 1e-12:
            ub, stall = L, 0
        else:
            stall += 1
            if stall >= stall_limit:
                theta, stall = theta / 2.0, 0
        x = np.zeros(n)
        x[top] = 1.0
        val, cnt = _covered_value(G, w, x)
        if val > best_val:
            best_val, best = val, top
        if polish_every and it % polish_every == 0:  # local search from the multipliers' sites
            cand = _interchange(G, Gt, w, top, deadline)
            cv, _ = _covered_value(G, w, np.isin(np.arange(n), cand))
            if cv > best_val:
                best_val, best = cv, cand
        if ub - best_val <= gap_tol * max(ub, 1e-12) or theta < 1e-5:
            break
        y = (w > lam).astype("float64")
        g = y - cnt  # −∂L/∂λ
        norm = float((g * g).sum())  # not BLAS dot: its threads stall on a busy machine
        if norm == 0:
            break
        step = theta * (L - best_val) / norm
        lam = np.maximum(lam + step * g, 0.0)
    best = _interchange(G, Gt, w, best, t0 + time_limit_s)
    best_val, _ = _covered_value(G, w, np.isin(np.arange(n), best))
    ub = max(ub, best_val)
    gap = (ub - best_val) / max(ub, 1e-12)
    dt = time.perf_counter() - t0
    log.info(msg("siting.log.heuristic", value=f"{best_val:.6g}", bound=f"{ub:.6g}", gap=qty(gap, "share"), it=it,
                 secs=qty(dt, "s")))
    return HeuristicResult(np.sort(best), best_val, ub, gap, dt, it)


def lscp_heuristic(G: sp.csr_array, cost: np.ndarray | None = None, *, time_limit_s: float = 10.0,
                   max_iter: int = 300) -> HeuristicResult:
    """Set cover of all groups (rows of ``G``, each with ≥ 1 entry): greedy, redundant sites dropped,
    with a Lagrangian lower bound (the optimum is never below it)."""
    t0 = time.perf_counter()
    G = sp.csr_array(G, dtype="float64")
    Gt = sp.csr_array(G.T)
    n_g, n = G.shape
    c = np.ones(n) if cost is None else np.asarray(cost, dtype="float64")
    unc = np.ones(n_g)
    chosen: list[int] = []
    while unc.any():
        gain = (Gt @ unc) / np.maximum(c, 1e-12)
        j = int(np.argmax(gain))
        if gain[j] <= 0:
            break
        chosen.append(j)
        unc[Gt.indices[Gt.indptr[j]:Gt.indptr[j + 1]]] = 0.0
    x = np.zeros(n)
    x[chosen] = 1.0
    cnt = G @ x
    for j in sorted(chosen, key=lambda j: -c[j]):  # drop redundant sites, dearest first
        rows = Gt.indices[Gt.indptr[j]:Gt.indptr[j + 1]]
        if (cnt[rows] >= 2).all():
            x[j] = 0.0
            cnt[rows] -= 1
    value = float(c @ x)
    lam = np.zeros(n_g)
    lb, theta, stall, it = 0.0, 2.0, 0, 0
    for it in range(1, max_iter + 1):
        if time.perf_counter() - t0 >= time_limit_s:
            break
        red = c - Gt @ lam
        L = float(lam.sum() + np.minimum(red, 0.0).sum())
        if L > lb + 1e-12:
            lb, stall = L, 0
        else:
            stall += 1
            if stall >= 15:
                theta, stall = theta / 2.0, 0
        xs = (red < 0).astype("float64")
        g = 1.0 - G @ xs
        norm = float((g * g).sum())  # not BLAS dot: its threads stall on a busy machine
        if norm == 0 or theta < 1e-4 or value - lb <= 1e-9:
            break
        lam = np.maximum(lam + theta * (value - L) / norm * g, 0.0)
    if cost is None or np.allclose(c, np.round(c)):
        lb = float(np.ceil(lb - 1e-6))
    gap = (value - lb) / max(value, 1e-12)
    return HeuristicResult(np.flatnonzero(x), value, lb, max(gap, 0.0), time.perf_counter() - t0, it)
