"""One MILP interface for the siting models: HiGHS (scipy.optimize.milp) or CBC (the binary PuLP ships).

A model is ``min c·x`` subject to ``row_lb <= A x <= row_ub``, ``lb <= x <= ub`` and integrality
per column — built once from sparse arrays. HiGHS gets it through :func:`scipy.optimize.milp`;
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


def _highs(c, A, row_lb, row_ub, integrality, lb, ub, time_limit_s, mip_gap) -> SolverResult:
    from scipy.optimize import Bounds, LinearConstraint, milp

    t0 = time.perf_counter()
    cons = [LinearConstraint(A, row_lb, row_ub)] if A.shape[0] else []
    res = milp(c, constraints=cons, integrality=integrality, bounds=Bounds(lb, ub),
               options={"time_limit": float(time_limit_s), "mip_rel_gap": float(mip_gap), "disp": False})
    dt = time.perf_counter() - t0
    x = None if res.x is None else np.asarray(res.x)
    obj = float(c @ x) if x is not None else float("nan")
    bound = float(getattr(res, "mip_dual_bound", np.nan) or np.nan) if x is not None else float("nan")
    if res.status == 0 and x is not None:
        status = "optimal"
        if not np.isfinite(bound) or not np.any(integrality):
            bound = obj
    elif res.status == 1:
        status = "time_limit" if x is not None else "no_solution"
    elif res.status == 2:
        status = "infeasible"
    else:
        status = "error" if x is None else "time_limit"
    gap = 0.0 if status == "optimal" and _gap(obj, bound) <= max(mip_gap, 1e-9) * 1.0001 else _gap(obj, bound)
    return SolverResult(x, status, obj, bound, gap, "highs", dt)


def _write_mps(path: Path, c, A, row_lb, row_ub, integrality, lb, ub) -> None:
    try:
        import highspy
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise MissingDependencyError("the CBC route writes its model with highspy: pip install highspy") from exc
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
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(lp)
    h.writeModel(str(path))


def _cbc_path() -> str:
    try:
        import pulp
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise MissingDependencyError("solver 'cbc' needs PuLP (which bundles CBC): pip install pulp") from exc
    path = pulp.apis.PULP_CBC_CMD().path
    if not path or not Path(path).exists():
        raise MissingDependencyError("solver 'cbc': PuLP's bundled cbc binary was not found; reinstall pulp")
    return str(path)


def _cbc(c, A, row_lb, row_ub, integrality, lb, ub, time_limit_s, mip_gap) -> SolverResult:
    exe = _cbc_path()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="yitu-cbc-") as tmp:
        mps, sol = Path(tmp) / "model.mps", Path(tmp) / "model.sol"
        _write_mps(mps, c, A, row_lb, row_ub, integrality, lb, ub)
        args = [exe, str(mps), "-sec", f"{float(time_limit_s):g}", "-ratio", f"{float(mip_gap):g}",
                "-threads", "1", "-solve", "-solu", str(sol)]
        run = subprocess.run(args, capture_output=True, text=True, timeout=float(time_limit_s) + 60)
        dt = time.perf_counter() - t0
        if not sol.exists():
            log.warning("cbc wrote no solution: %s", run.stdout[-500:])
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
) -> SolverResult:
    """Solve ``min c·x, row_lb <= A x <= row_ub, lb <= x <= ub`` (integer where ``integrality`` is 1).

    Parameters
    ----------
    solver
        ``"highs"`` (scipy.optimize.milp) or ``"cbc"`` (PuLP's bundled CBC on the same model as MPS).
    time_limit_s
        Stop after this many seconds; the result then says ``"time_limit"`` with its bound and gap.
    mip_gap
        Relative gap at which the solver may stop (0: prove optimality).
    """
    if solver not in SOLVERS:
        raise InputError(f"unknown solver {solver!r}; choose one of {', '.join(SOLVERS)}")
    A = sp.csr_array(A)
    args = (np.asarray(c, dtype="float64"), A, np.asarray(row_lb, dtype="float64"),
            np.asarray(row_ub, dtype="float64"), np.asarray(integrality, dtype="int8"),
            np.asarray(lb, dtype="float64"), np.asarray(ub, dtype="float64"), time_limit_s, mip_gap)
    res = _highs(*args) if solver == "highs" else _cbc(*args)
    log.debug("%s: %s in %.2f s, objective %s, bound %s", res.solver, res.status, res.seconds, res.objective, res.bound)
    return res
