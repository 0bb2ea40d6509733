"""The range solver the protector and its audit share: a HiGHS model of one quarter (or a full year's
table) that finds how tightly the published figures pin each hidden cell, in whole numbers.
"""

from __future__ import annotations

import os
import sys
import threading

import highspy
import numpy as np

from rightsmap.disclosure.layout import Layout

_quiet = threading.Lock()
_banner_shown = False

class RangeSolver:
    """One quarter's linear program over every cell, reused as cells are hidden.

    A published cell is a column fixed at its value; a hidden one is free above 0.
    Hiding a cell only changes its column's bounds, and each solve warm-starts from
    the last basis, so a quarter costs one model however often it is asked.
    """

    def __init__(self, lay: Layout, values: np.ndarray):
        self.values = values
        self.solver = _new_highs()
        n = len(lay.keys)
        infinity = highspy.kHighsInf
        self.solver.addVars(n, values.astype(float), values.astype(float))
        for matrix, equal in ((lay.equalities, True), (lay.inequalities, False)):
            for row in matrix:
                columns = np.flatnonzero(row).astype(np.int32)
                self.solver.addRow(0.0 if equal else -infinity, 0.0, columns.size, columns, row[columns])
        self._columns = np.arange(n, dtype=np.int32)
        self.hidden = np.zeros(n, dtype=bool)
        self._bounds = (values.astype(float), values.astype(float))
        self._integer: highspy.Highs | None = None  # the same model in whole numbers, made when first needed
        # Witnesses: every whole-number solution met so far is a point the published figures allow, and it
        # stays allowed when more cells are hidden. How far above and below its true value some witness put
        # each cell: a cell seen k apart is wide enough without solving for it again.
        self._up = np.zeros(n)
        self._down = np.zeros(n)

    def hide(self, hidden: np.ndarray) -> None:
        """Publish exactly the cells not in hidden (their values as given at the start)."""
        lower = np.where(hidden, 0.0, self.values)
        upper = np.where(hidden, highspy.kHighsInf, self.values)
        self.solver.changeColsBounds(len(lower), self._columns, lower, upper)
        if (self.hidden & ~hidden).any():  # a cell published again: earlier witnesses may not be allowed now
            self._up[:] = 0.0
            self._down[:] = 0.0
        self.hidden = hidden.copy()
        self._bounds = (lower, upper)
        if self._integer is not None:
            self._integer.changeColsBounds(len(lower), self._columns, lower, upper)

    whole = False  # count in whole numbers (see _optimum)

    def _whole_numbers(self) -> highspy.Highs:
        """A second model, in whole numbers, so that the linear one keeps its warm start."""
        if self._integer is None:
            self._integer = _new_highs()
            self._integer.passModel(self.solver.getLp())
            n = len(self._columns)
            self._integer.changeColsIntegrality(n, self._columns, np.array([highspy.HighsVarType.kInteger] * n))
            self._integer.changeColsBounds(n, self._columns, *self._bounds)
            if self._cap is not None:
                self._bound(*self._cap)
        return self._integer

    _cap: tuple[int, float, float] | None = None  # a cell bounded for one solve (see _capped)

    def _bound(self, cell: int, lower: float, upper: float) -> None:
        for model in (self.solver, self._integer):
            if model is not None:
                model.changeColBounds(cell, lower, upper)

    def _witness(self, point: np.ndarray) -> None:
        deviation = point - self.values
        np.maximum(self._up, deviation, out=self._up)
        np.maximum(self._down, -deviation, out=self._down)

    def _capped(self, cell: int, sense, limit: float) -> float:
        """The cell's maximum (or minimum), solved with the cell bounded at limit: reaching the limit is all
        narrow() needs to know, and a bounded program ends at a point, which is kept as a witness."""
        lower, upper = self._bounds[0][cell], self._bounds[1][cell]
        maximize = sense == highspy.ObjSense.kMaximize
        self._cap = (cell, lower if maximize else max(lower, limit), limit if maximize else upper)
        self._bound(*self._cap)
        try:
            whole = self._whole_numbers if self.whole else None
            return _optimum(self.solver, cell, sense, whole, self._witness)
        finally:
            self._cap = None
            self._bound(cell, lower, upper)

    def range(self, cell: int, settle_at: float | None = None) -> tuple[float, float]:
        """(low, high) for a hidden cell; with settle_at, see ranges()."""
        whole = self._whole_numbers if self.whole else None
        high = _optimum(self.solver, cell, highspy.ObjSense.kMaximize, whole)
        if settle_at is not None and high - self.values[cell] >= settle_at:
            return float(self.values[cell]), high
        return _optimum(self.solver, cell, highspy.ObjSense.kMinimize, whole), high

    def narrow(self, k: int, only, *, integral: bool = False) -> list[int]:
        """The hidden cells among `only` whose range is narrower than k (values hold the true values)."""
        self.whole = integral
        try:
            return [int(cell) for cell in map(int, only) if not self._wide(cell, k)]
        finally:
            self.whole = False

    def _wide(self, cell: int, k: int) -> bool:
        """Whether some two points the published figures allow (in whole numbers if self.whole) are at least k
        apart in this hidden cell. Witnesses of earlier solves often settle it without a solve."""
        true = self.values[cell]
        if self._up[cell] + self._down[cell] >= k:
            return True
        high = self._capped(cell, highspy.ObjSense.kMaximize, true + k)
        if high - true >= k or self._up[cell] + self._down[cell] >= k:
            return True
        low = self._capped(cell, highspy.ObjSense.kMinimize, true - k)
        return high - low >= k


def _width(low_high: tuple[float, float]) -> float:
    return low_high[1] - low_high[0]


def ranges(lay: Layout, values: np.ndarray, hidden: np.ndarray, only: np.ndarray | None = None,
           settle_at: float | None = None, *, integral: bool = True) -> dict[int, tuple[float, float]]:
    """The tightest (low, high) an attacker can derive for hidden cells (all of them, or `only`).

    values holds the published cells' values (a hidden cell's entry is ignored, unless settle_at is
    given: then values holds the hidden cells' true values too, and a cell whose maximum is at least
    settle_at above its true value gets (true value, maximum), a range already that wide, without
    solving for its minimum).
    """
    variables = np.flatnonzero(hidden)
    if not variables.size:
        return {}
    solver = RangeSolver(lay, np.where(hidden, values if settle_at is not None else 0.0, values))
    solver.hide(hidden)
    solver.whole = integral
    return {int(cell): solver.range(int(cell), settle_at) for cell in (variables if only is None else only)}


def _reference(solver: RangeSolver, cell: int) -> np.ndarray:
    """One point the published figures allow, in whole numbers: the hidden cell's minimum's."""
    found: list[np.ndarray] = []
    solver.whole = True
    try:
        _optimum(solver.solver, cell, highspy.ObjSense.kMinimize, solver._whole_numbers, found.append)
    finally:
        solver.whole = False
    return found[-1]


def checked(lay: Layout, values: np.ndarray, hidden: np.ndarray, k: int) -> dict[int, tuple[float, float, bool]]:
    """Every hidden cell as (low, high, exact): its exact range in whole numbers when narrower than k; else
    two values the published figures allow it, at least k apart (exact False: the range is at least that).

    Much faster than ranges() on a year's table: the solutions met on the way are points the figures allow,
    and they settle most cells without solving for each one's minimum and maximum.
    """
    cells = np.flatnonzero(hidden)
    if not cells.size:
        return {}
    solver = RangeSolver(lay, np.where(hidden, 0.0, values))
    solver.hide(hidden)
    solver.values = point = _reference(solver, int(cells[0]))
    narrow = set(solver.narrow(k, cells, integral=True))
    solver.whole = True
    out: dict[int, tuple[float, float, bool]] = {}
    for cell in map(int, cells):
        if cell in narrow:
            out[cell] = (*solver.range(cell), True)
        else:
            out[cell] = (float(point[cell] - solver._down[cell]), float(point[cell] + solver._up[cell]), False)
    return out


def narrow_cells(lay: Layout, values: np.ndarray, hidden: np.ndarray, k: int,
                 only: np.ndarray | None = None) -> list[int]:
    """The hidden cells whose derivable range is narrower than k, knowing their true values.

    The true values are one feasible point, so a maximum at least k above the
    true value settles a cell with one linear program instead of two.
    """
    found = ranges(lay, values, hidden, only, settle_at=k)
    return [cell for cell, (low, high) in found.items() if high - low < k]


def _new_highs() -> highspy.Highs:
    """A silent HiGHS instance (the first one in a process prints a banner on stdout, which would mix
    into the command line's output, so that one is made with stdout pointed elsewhere)."""
    global _banner_shown
    with _quiet:
        if not _banner_shown:
            sys.stdout.flush()
            saved = os.dup(1)
            try:
                with open(os.devnull, "w") as null:
                    os.dup2(null.fileno(), 1)
                    highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
            _banner_shown = True
    solver = highspy.Highs()
    solver.silent()
    return solver


def _optimum(solver: highspy.Highs, column: int, sense, whole=None, witness=None) -> float:
    """The column's maximum or minimum; with whole (a function giving the model in whole numbers), over
    whole numbers.

    The linear program is solved first (warm-started, fast). Its optimum is also the integer program's
    when the vertex it ends at is whole, which it nearly always is here; only otherwise is the integer
    program solved, in its own model so that the linear one keeps its basis.
    """
    n = solver.getNumCol()
    columns = np.arange(n, dtype=np.int32)
    cost = np.zeros(n)
    cost[column] = 1.0
    solver.changeColsCost(n, columns, cost)
    solver.changeObjectiveSense(sense)
    solver.run()
    status = solver.getModelStatus()
    if status == highspy.HighsModelStatus.kOptimal:
        value = float(solver.getInfo().objective_function_value)
        if whole is not None or witness is not None:
            point = np.asarray(solver.getSolution().col_value)
            if np.abs(point - np.round(point)).max(initial=0.0) <= 1e-7:
                if witness is not None:
                    witness(np.round(point))
            elif whole is not None:
                value = _optimum(whole(), column, sense, witness=witness)
            if whole is not None:
                value = float(round(value)) if abs(value - round(value)) < 1e-6 else value
        return value
    if status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        # Unbounded: the published figures put no limit on the cell in this direction (with rational
        # data and a whole feasible point, whole numbers are unbounded too).
        return np.inf if sense == highspy.ObjSense.kMaximize else -np.inf
    raise RuntimeError(f"the audit's linear program ended with {solver.modelStatusToString(status)}")
