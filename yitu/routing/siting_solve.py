"""One MILP interface for the siting models: HiGHS (highspy) or CBC (the binary PuLP ships).

A model is ``min c·x`` subject to ``row_lb <= A x <= row_ub``, ``lb <= x <= ub`` and integrality
per column — built once from sparse arrays. HiGHS gets it through highspy (with an optional
starting answer);
CBC gets the same model written as MPS (by highspy) and solved by the ``cbc`` binary bundled with
PuLP, so both solvers see exactly the same problem. The result says whether it is proven optimal,
and its bound and gap when it is not.
"""

from __future__ import annotations

import logging
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from yitu.errors import InputError, MissingDependencyError, YituError
from yitu.words import msg, tr
from yitu.words.numbers import qty

log = logging.getLogger(__name__)

__all__ = ["SOLVERS", "SolverResult", "solve_milp", "SolverError"]

SOLVERS: tuple[str, ...] = ("highs", "cbc")


class SolverError(YituError, RuntimeError):
    """The MILP solver stopped without any solution (error, or a time limit hit before the first one)."""


@dataclass(frozen=True)
class SolverResult:
    """What a MILP solve returned.

    Attributes
    ----------
    x
        Column values (None when no solution was found).
    status
        ``"optimal"`` (proven), ``"time_limit"`` (a solution, not proven optimal), ``"infeasible"``,
        ``"no_solution"`` (stopped before finding one) or ``"error"``.
    objective
        ``c·x`` of the solution (minimisation sense), NaN without one.
    bound
        The best proven lower bound on ``c·x`` (minimisation sense), NaN when unknown.
    gap
        Relative gap ``|objective - bound| / max(|objective|, 1e-9)``; 0 when optimal.
    solver, seconds
        Which solver ran, and how long.
    """

    x: np.ndarray | None
    status: str
    objective: float
    bound: float
    gap: float
    solver: str
    seconds: float

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"


def _gap(obj: float, bound: float) -> float:
    if not (np.isfinite(obj) and np.isfinite(bound)):
        return float("nan")
    return float(abs(obj - bound) / max(abs(obj), 1e-9))


def _lp(c, A, row_lb, row_ub, integrality, lb, ub):  # type: ignore[no-untyped-def]
    try:
        import highspy
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise MissingDependencyError(tr("siting.err.no_highspy")) from exc
    Ac = sp.csc_array(A)
    lp = highspy.HighsLp()
    lp.num_col_ = int(A.shape[1])
    lp.num_row_ = int(A.shape[0])
    lp.col_cost_ = np.asarray(c, dtype="float64")
    inf = highspy.kHighsInf
    lp.col_lower_ = np.where(np.isfinite(lb), lb, -inf).astype("float64")
    lp.col_upper_ = np.where(np.isfinite(ub), ub, inf).astype("float64")
    lp.row_lower_ = np.where(np.isfinite(row_lb), row_lb, -inf).astype("float64")
    lp.row_upper_ = np.where(np.isfinite(row_ub), row_ub, inf).astype("float64")
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = Ac.indptr.astype("int32")
    lp.a_matrix_.index_ = Ac.indices.astype("int32")
    lp.a_matrix_.value_ = Ac.data.astype("float64")
    lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                       for i in np.asarray(integrality)]
    return highspy, lp


def _quiet_highs(hs):  # type: ignore[no-untyped-def]
    """A ``Highs`` object without the banner its constructor prints on stdout (our stdout is for results)."""
    import os
    import sys

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            h = hs.Highs()
            h.setOptionValue("output_flag", False)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    return h


def _highs(c, A, row_lb, row_ub, integrality, lb, ub, time_limit_s, mip_gap, start=None) -> SolverResult:
    hs, lp = _lp(c, A, row_lb, row_ub, integrality, lb, ub)
    t0 = time.perf_counter()
    h = _quiet_highs(hs)
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    h.setOptionValue("threads", 1)
    h.passModel(lp)
    if start is not None:  # a feasible answer (e.g. the heuristic's) as the first incumbent
        sol = hs.HighsSolution()
        sol.col_value = [float(v) for v in start]
        h.setSolution(sol)
    h.run()
    dt = time.perf_counter() - t0
    ms = h.getModelStatus()
    info = h.getInfo()
    has = int(info.primal_solution_status) == 2  # kSolutionStatusFeasible
    x = np.asarray(h.getSolution().col_value, dtype="float64") if has else None
    obj = float(c @ x) if x is not None else float("nan")
    is_mip = bool(np.any(integrality))
    bound = float(info.mip_dual_bound) if is_mip else obj
    if ms == hs.HighsModelStatus.kOptimal and x is not None:
        status = "optimal"
    elif ms == hs.HighsModelStatus.kInfeasible:
        status, x = "infeasible", None
    elif x is not None:
        status = "time_limit"
    else:
        status = "no_solution" if ms == hs.HighsModelStatus.kTimeLimit else "error"
    if not np.isfinite(bound):
        bound = obj if status == "optimal" else float("nan")
    gap = _gap(obj, bound)
    if status == "optimal" and mip_gap <= 0:
        gap = 0.0
    return SolverResult(x, status, obj, bound, gap, "highs", dt)


def _write_mps(path: Path, c, A, row_lb, row_ub, integrality, lb, ub) -> None:
    hs, lp = _lp(c, A, row_lb, row_ub, integrality, lb, ub)
    h = _quiet_highs(hs)
    h.passModel(lp)
    h.writeModel(str(path))


def _cbc_path() -> str:
    try:
        import pulp
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise MissingDependencyError(tr("siting.err.no_pulp")) from exc
    path = pulp.apis.PULP_CBC_CMD().path
    if not path or not Path(path).exists():
        raise MissingDependencyError(tr("siting.err.no_cbc"))
    return str(path)


def _cbc(c, A, row_lb, row_ub, integrality, lb, ub, time_limit_s, mip_gap, start=None) -> SolverResult:
    exe = _cbc_path()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="yitu-cbc-") as tmp:
        mps, sol = Path(tmp) / "model.mps", Path(tmp) / "model.sol"
        _write_mps(mps, c, A, row_lb, row_ub, integrality, lb, ub)
        args = [exe, str(mps), "-sec", f"{float(time_limit_s):g}", "-ratio", f"{float(mip_gap):g}",
                "-threads", "1", "-solve", "-solu", str(sol)]
        try:
            run = subprocess.run(args, capture_output=True, text=True, timeout=float(time_limit_s) + 10)
        except subprocess.TimeoutExpired:  # CBC does not check its clock inside the root LP
            log.warning(msg("siting.log.cbc_killed", secs=qty(float(time_limit_s) + 10, "s")))
            return SolverResult(None, "no_solution", float("nan"), float("nan"), float("nan"), "cbc",
                                time.perf_counter() - t0)
        dt = time.perf_counter() - t0
        if not sol.exists():
            log.warning(msg("siting.log.cbc_no_solution", output=run.stdout[-500:]))
            return SolverResult(None, "error", float("nan"), float("nan"), float("nan"), "cbc", dt)
        lines = sol.read_text().splitlines()
    head = lines[0].lower() if lines else ""
    x = np.zeros(A.shape[1])
    for ln in lines[1:]:
        parts = ln.replace("**", " ").split()
        if len(parts) >= 3 and parts[0].isdigit():
            x[int(parts[0])] = float(parts[2])
    has_sol = not head.startswith(("infeasible", "integer infeasible")) and "no integer solution" not in head
    if head.startswith("optimal"):
        status = "optimal"
    elif "infeasible" in head:
        status, has_sol = "infeasible", False
    elif "stopped" in head or "time" in head:
        status = "time_limit" if has_sol and "no integer" not in head else "no_solution"
    else:
        status = "error"
    if not has_sol or status in ("no_solution", "error"):
        return SolverResult(None, status, float("nan"), float("nan"), float("nan"), "cbc", dt)
    x = np.where(np.asarray(integrality) > 0, np.round(x), x)
    obj = float(c @ x)
    bound = obj if status == "optimal" else float("nan")
    if status != "optimal":  # CBC's summary on stdout: "Lower bound: v" (minimisation sense of the MPS)
        for ln in run.stdout.splitlines():
            if ln.strip().lower().startswith("lower bound:"):
                try:
                    bound = float(ln.split(":", 1)[1])
                except ValueError:
                    pass
    return SolverResult(x, status, obj, bound, 0.0 if status == "optimal" else _gap(obj, bound), "cbc", dt)


def solve_milp(
    c: np.ndarray,
    A: sp.sparray,
    row_lb: np.ndarray,
    row_ub: np.ndarray,
    *,
    integrality: np.ndarray,
    lb: np.ndarray,
    ub: np.ndarray,
    solver: str = "highs",
    time_limit_s: float = 60.0,
    mip_gap: float = 0.0,
    start: np.ndarray | None = None,
) -> SolverResult:
    """Solve ``min c·x, row_lb <= A x <= row_ub, lb <= x <= ub`` (integer where ``integrality`` is 1).

    Parameters
    ----------
    solver
        ``"highs"`` (highspy) or ``"cbc"`` (PuLP's bundled CBC on the same model as MPS).
    time_limit_s
        Stop after this many seconds; the result then says ``"time_limit"`` with its bound and gap.
    mip_gap
        Relative gap at which the solver may stop (0: prove optimality).
    start
        A feasible answer to start from (HiGHS only; CBC starts from scratch).
    """
    if solver not in SOLVERS:
        raise InputError(tr("siting.err.solver", solver=solver, solvers=", ".join(SOLVERS)))
    A = sp.csr_array(A)
    args = (np.asarray(c, dtype="float64"), A, np.asarray(row_lb, dtype="float64"),
            np.asarray(row_ub, dtype="float64"), np.asarray(integrality, dtype="int8"),
            np.asarray(lb, dtype="float64"), np.asarray(ub, dtype="float64"), time_limit_s, mip_gap)
    res = _highs(*args, start=start) if solver == "highs" else _cbc(*args)
    log.debug("%s: %s in %.2f s, objective %s, bound %s", res.solver, res.status, res.seconds, res.objective, res.bound)
    return res
